import type { PreparedLocation } from './prepared.ts';
import { SeatForestBuilder } from './seat-tree.ts';
import type { LocationTable } from './table.ts';

/**
 * How the round-robin index lays out one country's lists (see country-index.ts): which lists
 * exist, which locations each holds in both seat orders, and where each location sits in the
 * trees.
 */

/** One group's lists, per workload bit: the root of its seat tree, then how many it holds. */
export type Lists = Int32Array;

/** The lists of one language: industry-agnostic locations, and the rest per industry. */
export interface LanguageLists {
  readonly any: Lists;
  readonly byIndustry: ReadonlyMap<string, Lists>;
}

const ANY_INDUSTRY: readonly (string | null)[] = [null];

/** Group ids of one language; a list's id is group id × workloads + bit. */
interface GroupIds {
  readonly any: number;
  readonly byIndustry: Map<string, number>;
}

/**
 * Sorts one country's locations that can receive work into their lists and builds each list's
 * seat tree. A location whose minSeats is above its maxSeats takes no customer and is left out;
 * NaN bounds pass every seat count in the rules, so they count as unbounded here (`min`/`max`
 * are the bounds so read, by location index). Each list is filled twice, walking the locations
 * by minSeats and by maxSeats, so it comes out in both orders the seat tree needs without a sort
 * per list.
 */
export function buildLists(
  locations: readonly PreparedLocation[],
  table: LocationTable,
  min: Float64Array,
  max: Float64Array,
): { lists: Map<string, LanguageLists>; builder: SeatForestBuilder } {
  const workloads = table.workloadCount;
  const ids = new Map<string, GroupIds>();
  let groups = 0;
  const groupOf = (language: string, industry: string | null): number => {
    let group = ids.get(language);
    if (group === undefined) {
      group = { any: groups++, byIndustry: new Map() };
      ids.set(language, group);
    }
    if (industry === null) return group.any;
    let id = group.byIndustry.get(industry);
    if (id === undefined) {
      id = groups++;
      group.byIndustry.set(industry, id);
    }
    return id;
  };

  // Each indexed location's list ids, by position in `locations`: from listStart[i] to listStart[i + 1].
  const members: number[] = [];
  const listIds: number[] = [];
  const listStart = new Int32Array(locations.length + 1);
  locations.forEach((loc, i) => {
    listStart[i] = listIds.length;
    const at = loc.index;
    if (loc.departed || loc.pausedUntil !== null || (min[at] ?? 0) > (max[at] ?? 0)) return;
    const bits = table.bitsOf(at);
    if (bits.length === 0) return;
    members.push(i);
    for (const language of loc.languageList) {
      for (const industry of loc.industries === null ? ANY_INDUSTRY : loc.industryList) {
        const group = groupOf(language, industry);
        for (const bit of bits) listIds.push(group * workloads + bit);
      }
    }
  });
  listStart[locations.length] = listIds.length;
  const sizes = new Int32Array(groups * workloads);
  for (const list of listIds) sizes[list] = (sizes[list] ?? 0) + 1;
  const starts = new Int32Array(sizes.length + 1);
  for (let list = 0; list < sizes.length; list++) starts[list + 1] = (starts[list] ?? 0) + (sizes[list] ?? 0);
  const fillIn = (order: readonly number[]): Int32Array => {
    const out = new Int32Array(starts[sizes.length] ?? 0);
    const next = starts.slice(0, sizes.length);
    for (const i of order) {
      const loc = locations[i]?.index ?? 0;
      const end = listStart[i + 1] ?? 0;
      for (let j = listStart[i] ?? 0; j < end; j++) {
        const list = listIds[j] ?? 0;
        const at = next[list] ?? 0;
        next[list] = at + 1;
        out[at] = loc;
      }
    }
    return out;
  };
  const minOf = (i: number): number => min[locations[i]?.index ?? 0] ?? 0;
  const maxOf = (i: number): number => max[locations[i]?.index ?? 0] ?? 0;
  const byMin = fillIn([...members].sort((a, b) => compare(minOf(a), minOf(b))));
  const byMax = fillIn([...members].sort((a, b) => compare(maxOf(b), maxOf(a))));
  const builder = new SeatForestBuilder(min, max, byMin.length);
  const roots = new Int32Array(sizes.length);
  for (let list = 0; list < sizes.length; list++) {
    const from = starts[list] ?? 0;
    const to = starts[list + 1] ?? 0;
    roots[list] = builder.add(byMin.subarray(from, to), byMax.subarray(from, to));
  }

  const listsAt = (group: number): Lists => {
    const lists = new Int32Array(2 * workloads);
    for (let bit = 0; bit < workloads; bit++) {
      lists[2 * bit] = roots[group * workloads + bit] ?? -1;
      lists[2 * bit + 1] = sizes[group * workloads + bit] ?? 0;
    }
    return lists;
  };
  const out = new Map<string, LanguageLists>();
  for (const [language, group] of ids) {
    out.set(language, {
      any: listsAt(group.any),
      byIndustry: new Map([...group.byIndustry].map(([industry, id]) => [industry, listsAt(id)])),
    });
  }
  return { lists: out, builder };
}

/** Numeric order that, unlike subtraction, also holds between equal infinite bounds. */
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every (tree, leaf) holding each location, grouped by location (start offsets, pairs), so an
 * increment repairs exactly the leaves of the location that moved. Locations are numbered by
 * `localOf`, their position among the `count` locations of the country.
 */
export function placesByLocation(trees: SeatForestBuilder, localOf: Int32Array, count: number): [Int32Array, Int32Array] {
  const { leaves, treeStart, treeSize } = trees;
  const start = new Int32Array(count + 1);
  for (const loc of leaves) {
    const i = (localOf[loc] ?? 0) + 1;
    start[i] = (start[i] ?? 0) + 1;
  }
  for (let i = 0; i < count; i++) start[i + 1] = (start[i + 1] ?? 0) + (start[i] ?? 0);
  const fill = start.slice(0, count);
  const places = new Int32Array(2 * leaves.length);
  for (let t = 0; t < treeStart.length; t++) {
    const from = treeStart[t] ?? 0;
    const size = treeSize[t] ?? 0;
    for (let j = 0; j < size; j++) {
      const i = localOf[leaves[from + j] ?? 0] ?? 0;
      const at = fill[i] ?? 0;
      fill[i] = at + 1;
      places[2 * at] = t;
      places[2 * at + 1] = j;
    }
  }
  return [start, places];
}
