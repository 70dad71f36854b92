/**
 * A forest of tournament trees (min-trees) over numeric keys. Each tree of m leaves is an
 * implicit binary tree of 2m nodes in one shared Float64Array: node i has children 2i and 2i+1,
 * leaf j sits at m + j, and every node holds the smallest key below it, or +Infinity for none.
 * For any m every leaf descends from node 1 exactly once, so node 1 is the smallest of all; no
 * padding to a power of two is needed.
 *
 * Why this shape: round-robin keys only move one location at a time, so after an increment only
 * the path from its leaf to the root can change (O(log m), and it stops at the first node whose
 * value is unchanged), and the smallest key among the first n leaves is a standard bottom-up
 * range query (O(log m)). Nodes hold the keys themselves rather than locations, so a step reads
 * two neighbouring numbers instead of looking keys up elsewhere. The leaf order is free, so
 * callers lay leaves out by whatever makes their eligible set a prefix (see seat-tree.ts).
 */
export class TournamentForest {
  private readonly nodes: Float64Array;
  /** Per tree: offset in `nodes`, width (leaves, at least 1), leaves in use; one stride-4 block. */
  private readonly meta: Int32Array;

  /**
   * @param leaves the location of every leaf of every tree, back to back.
   * @param treeStart / treeSize where each tree's leaves are in `leaves`; tree ids are positions.
   * @param keyOf the key of a location as the forest is built.
   */
  constructor(leaves: Int32Array, treeStart: readonly number[], treeSize: readonly number[], keyOf: (loc: number) => number) {
    const trees = treeStart.length;
    const meta = new Int32Array(4 * trees);
    let size = 0;
    for (let t = 0; t < trees; t++) {
      const width = Math.max(1, treeSize[t] ?? 0);
      meta[4 * t] = size;
      meta[4 * t + 1] = width;
      meta[4 * t + 2] = treeSize[t] ?? 0;
      size += 2 * width;
    }
    this.meta = meta;
    const nodes = new Float64Array(size);
    this.nodes = nodes;
    for (let t = 0; t < trees; t++) {
      const base = meta[4 * t] ?? 0;
      const width = meta[4 * t + 1] ?? 1;
      const from = treeStart[t] ?? 0;
      for (let j = 0; j < (meta[4 * t + 2] ?? 0); j++) nodes[base + width + j] = keyOf(leaves[from + j] ?? 0);
      for (let i = width - 1; i >= 1; i--) {
        nodes[base + i] = Math.min(nodes[base + 2 * i] ?? Number.POSITIVE_INFINITY, nodes[base + 2 * i + 1] ?? Number.POSITIVE_INFINITY);
      }
    }
  }

  /** The smallest key among the first `n` leaves of `tree`, or +Infinity when they hold none. */
  best(tree: number, n: number): number {
    const nodes = this.nodes;
    const base = this.meta[4 * tree] ?? 0;
    if (n >= (this.meta[4 * tree + 2] ?? 0)) return nodes[base + 1] ?? Number.POSITIVE_INFINITY;
    let best = Number.POSITIVE_INFINITY;
    let l = this.meta[4 * tree + 1] ?? 1;
    let r = l + n;
    while (l < r) {
      if ((l & 1) === 1) best = Math.min(best, nodes[base + l++] ?? Number.POSITIVE_INFINITY);
      if ((r & 1) === 1) best = Math.min(best, nodes[base + --r] ?? Number.POSITIVE_INFINITY);
      l >>= 1;
      r >>= 1;
    }
    return best;
  }

  /**
   * Sets a leaf's key (+Infinity takes it out for the moment) and repairs the path above it,
   * stopping at the first node whose value does not change: nothing above it can change either.
   */
  set(tree: number, leaf: number, key: number): void {
    const nodes = this.nodes;
    const base = this.meta[4 * tree] ?? 0;
    let i = (this.meta[4 * tree + 1] ?? 1) + leaf;
    nodes[base + i] = key;
    for (i >>= 1; i >= 1; i >>= 1) {
      const now = Math.min(nodes[base + 2 * i] ?? Number.POSITIVE_INFINITY, nodes[base + 2 * i + 1] ?? Number.POSITIVE_INFINITY);
      if (nodes[base + i] === now) return;
      nodes[base + i] = now;
    }
  }
}
