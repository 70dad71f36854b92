/**
 * Seat ranges as centered interval trees, so a customer's seat count picks out exactly the
 * locations whose `[minSeats, maxSeats]` contains it, as a few prefixes of tournament trees.
 *
 * Why: locations with narrow seat ranges receive fewer referrals, so their counters fall behind
 * and they gather at the front of the round-robin order, where every customer outside their
 * range would have to step over them. With this index they are never visited at all.
 *
 * Each node has a center c and keeps the ranges that contain c, twice: ordered by minSeats
 * (ascending) and by maxSeats (descending), each order as a tournament tree. For seats s <= c,
 * every kept range already has max >= c >= s, so the matches are those with min <= s: a prefix
 * of the first order. For s > c they are those with max >= s: a prefix of the second. Ranges
 * entirely below c go to the left child and those entirely above to the right, and the query
 * follows one child, so it yields at most one prefix per level. The center is the median of
 * the ranges' endpoints, which puts at most half of the ranges in each child: the depth is at
 * most log2(ranges) + 1 whatever the seat values are. In practice seat ranges overlap so much
 * that most lists are a single node.
 */

interface NodeDraft {
  readonly center: number;
  readonly aTree: number;
  readonly bTree: number;
  left: number;
  right: number;
  readonly start: number;
  readonly size: number;
}

/**
 * Builds the seat trees of every list, and the leaves of their tournament trees. Lists are given
 * already ordered both ways, so building sorts nothing: a partition keeps both orders.
 */
export class SeatForestBuilder {
  /** Leaves of every tournament tree, back to back; tree t holds `treeSize[t]` from `treeStart[t]`. */
  readonly leaves: Int32Array;
  readonly treeStart: number[] = [];
  readonly treeSize: number[] = [];
  private readonly nodes: NodeDraft[] = [];
  private readonly aVals: Float64Array;
  private readonly bVals: Float64Array;
  private placed = 0;
  private leafCount = 0;
  private depth = 0;

  /**
   * @param min / max each location's seat bounds, with no bound as ∓Infinity and min <= max.
   * @param capacity how many locations all lists hold together: each lands in exactly one node
   * and in its two trees, so the arrays can be sized up front.
   */
  constructor(
    private readonly min: Float64Array,
    private readonly max: Float64Array,
    capacity: number,
  ) {
    this.leaves = new Int32Array(2 * capacity);
    this.aVals = new Float64Array(capacity);
    this.bVals = new Float64Array(capacity);
  }

  /**
   * Adds one list's seat tree and returns its root node, or -1 for an empty list. `byMin` and
   * `byMax` hold the same locations, by minSeats ascending and by maxSeats descending.
   */
  add(byMin: Int32Array, byMax: Int32Array): number {
    return this.build(byMin, byMax, 1);
  }

  private build(byMin: Int32Array, byMax: Int32Array, depth: number): number {
    const n = byMin.length;
    if (n === 0) return -1;
    this.depth = Math.max(this.depth, depth);
    const { min, max } = this;
    const center = this.medianEndpoint(byMin, byMax);
    let outside = 0;
    for (let i = 0; i < n; i++) if (side(byMin[i] ?? 0, min, max, center) !== 0) outside++;
    const hereMin = outside === 0 ? byMin : only(byMin, 0, min, max, center);
    const hereMax = outside === 0 ? byMax : only(byMax, 0, min, max, center);
    const start = this.placed;
    for (let i = 0; i < hereMin.length; i++) {
      this.aVals[start + i] = min[hereMin[i] ?? 0] ?? 0;
      this.bVals[start + i] = max[hereMax[i] ?? 0] ?? 0;
    }
    this.placed += hereMin.length;
    const node: NodeDraft = { center, aTree: this.tree(hereMin), bTree: this.tree(hereMax), left: -1, right: -1, start, size: hereMin.length };
    const id = this.nodes.length;
    this.nodes.push(node);
    if (outside > 0) {
      node.left = this.build(only(byMin, -1, min, max, center), only(byMax, -1, min, max, center), depth + 1);
      node.right = this.build(only(byMin, 1, min, max, center), only(byMax, 1, min, max, center), depth + 1);
    }
    return id;
  }

  /**
   * The (n+1)-th smallest of the 2n endpoints, merging the two sorted orders. At most n endpoints
   * lie below it and at most n - 1 above, so at most n/2 ranges lie wholly on either side.
   */
  private medianEndpoint(byMin: Int32Array, byMax: Int32Array): number {
    const n = byMin.length;
    let i = 0;
    let j = n - 1;
    let value = 0;
    for (let taken = 0; taken <= n; taken++) {
      const a = i < n ? (this.min[byMin[i] ?? 0] ?? 0) : Number.POSITIVE_INFINITY;
      const b = j >= 0 ? (this.max[byMax[j] ?? 0] ?? 0) : Number.POSITIVE_INFINITY;
      if (i < n && (j < 0 || a <= b)) {
        value = a;
        i++;
      } else {
        value = b;
        j--;
      }
    }
    return value;
  }

  private tree(locs: Int32Array): number {
    const start = this.leafCount;
    this.leafCount += locs.length;
    this.treeStart.push(start);
    this.treeSize.push(locs.length);
    this.leaves.set(locs, start);
    return this.treeStart.length - 1;
  }

  /** The finished, immutable seat trees. */
  finish(): SeatForest {
    return new SeatForest(this.nodes, this.aVals, this.bVals, this.depth);
  }
}

/** Fields of a node in {@link SeatForest}'s packed array, one node per 8 numbers (64 bytes). */
const CENTER = 0;
const A_TREE = 1;
const B_TREE = 2;
const LEFT = 3;
const RIGHT = 4;
const START = 5;
const SIZE = 6;
const STRIDE = 8;

/** The seat trees of all lists, packed so that visiting a node reads one cache line. */
export class SeatForest {
  private readonly nodes: Float64Array;

  /** The most prefixes one query of one list can yield. */
  readonly maxDepth: number;

  constructor(
    drafts: readonly NodeDraft[],
    private readonly aVals: Float64Array,
    private readonly bVals: Float64Array,
    depth: number,
  ) {
    const nodes = new Float64Array(STRIDE * drafts.length);
    drafts.forEach((node, i) => {
      nodes[STRIDE * i + CENTER] = node.center;
      nodes[STRIDE * i + A_TREE] = node.aTree;
      nodes[STRIDE * i + B_TREE] = node.bTree;
      nodes[STRIDE * i + LEFT] = node.left;
      nodes[STRIDE * i + RIGHT] = node.right;
      nodes[STRIDE * i + START] = node.start;
      nodes[STRIDE * i + SIZE] = node.size;
    });
    this.nodes = nodes;
    this.maxDepth = depth;
  }

  /**
   * Writes, from slot `k` of `out`, one (tree, leaf count) pair per prefix whose locations have a
   * seat range containing `seats`; together they are exactly those locations of the list, each
   * once. Returns the next free slot. `seats` must not be NaN.
   */
  prefixes(root: number, seats: number, out: Int32Array, k: number): number {
    const nodes = this.nodes;
    let node = root;
    while (node >= 0) {
      const at = STRIDE * node;
      const center = nodes[at + CENTER] ?? 0;
      const start = nodes[at + START] ?? 0;
      const end = start + (nodes[at + SIZE] ?? 0);
      if (seats <= center) {
        const n = countAtMost(this.aVals, start, end, seats);
        if (n > 0) {
          out[2 * k] = nodes[at + A_TREE] ?? 0;
          out[2 * k + 1] = n;
          k++;
        }
        // A range in a child lies wholly below or above the center, so none contains it.
        if (seats === center) break;
        node = nodes[at + LEFT] ?? -1;
      } else {
        const n = countAtLeast(this.bVals, start, end, seats);
        if (n > 0) {
          out[2 * k] = nodes[at + B_TREE] ?? 0;
          out[2 * k + 1] = n;
          k++;
        }
        node = nodes[at + RIGHT] ?? -1;
      }
    }
    return k;
  }
}

/** Where a location's seat range lies against a center: -1 wholly below, 1 wholly above, 0 around it. */
function side(loc: number, min: Float64Array, max: Float64Array, center: number): number {
  if ((max[loc] ?? 0) < center) return -1;
  if ((min[loc] ?? 0) > center) return 1;
  return 0;
}

/** The locations on one side of a center, in the order given. */
function only(locs: Int32Array, where: number, min: Float64Array, max: Float64Array, center: number): Int32Array {
  let count = 0;
  for (let i = 0; i < locs.length; i++) if (side(locs[i] ?? 0, min, max, center) === where) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < locs.length; i++) {
    const loc = locs[i] ?? 0;
    if (side(loc, min, max, center) === where) out[k++] = loc;
  }
  return out;
}

/** How many of the ascending values in [start, end) are <= x. */
function countAtMost(values: Float64Array, start: number, end: number, x: number): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - start;
}

/** How many of the descending values in [start, end) are >= x. */
function countAtLeast(values: Float64Array, start: number, end: number, x: number): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) >= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - start;
}
