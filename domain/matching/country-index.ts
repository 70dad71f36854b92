import { buildLists, placesByLocation, type LanguageLists } from './index-lists.ts';
import type { PreparedLocation } from './prepared.ts';
import type { RoundRobinKeys } from './round-robin-keys.ts';
import type { SeatForest } from './seat-tree.ts';
import type { LocationTable } from './table.ts';
import { TournamentForest } from './tournament.ts';
import type { Customer } from './types.ts';

/** What a query needs of a referral. */
export interface RankedQuery {
  readonly customer: Customer;
  readonly exclude: ReadonlySet<string>;
  /** Table bit of each workload of W; all must be >= 0. */
  readonly bits: readonly number[];
  /** The bits of W as a mask of `table.words` words. */
  readonly wanted: Uint32Array;
}

/** What every country's index shares: the table, the keys, the seat bounds as the rules read them. */
export interface IndexShared {
  readonly table: LocationTable;
  readonly keys: RoundRobinKeys;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Each location's position among the locations of its country. */
  readonly localOf: Int32Array;
}

/**
 * One country's locations that can receive work, in round-robin order (see ranked-index.ts for
 * the layout and its cost). Its lists, seat trees and tournament trees live and are repaired
 * here; nothing in it refers to another country.
 */
export class CountryIndex {
  private readonly forest: TournamentForest;
  private readonly seats: SeatForest;
  private readonly lists: ReadonlyMap<string, LanguageLists>;
  private readonly memberStart: Int32Array;
  /** (tree, leaf) pairs of each location, from `memberStart[i]` to `memberStart[i + 1]`. */
  private readonly places: Int32Array;
  private readonly prefixes: Int32Array;
  private readonly tops: Float64Array;
  private readonly undo: number[] = [];
  // The shared parts, held directly: they are read on every query and increment.
  private readonly table: LocationTable;
  private readonly keys: RoundRobinKeys;
  private readonly localOf: Int32Array;
  /** Locations looked at by the last {@link first}, winner included; for tests of the cost. */
  visited = 0;

  constructor(locations: readonly PreparedLocation[], shared: IndexShared) {
    this.table = shared.table;
    this.keys = shared.keys;
    this.localOf = shared.localOf;
    const { lists, builder } = buildLists(locations, shared.table, shared.min, shared.max);
    this.lists = lists;
    this.seats = builder.finish();
    const keys = shared.keys;
    this.forest = new TournamentForest(builder.leaves, builder.treeStart, builder.treeSize, (loc) => keys.key(loc));
    [this.memberStart, this.places] = placesByLocation(builder, shared.localOf, locations.length);
    // Two lists per query (any industry, the customer's), one prefix per seat-tree level each.
    this.prefixes = new Int32Array(4 * (this.seats.maxDepth + 1));
    this.tops = new Float64Array(2 * (this.seats.maxDepth + 1));
  }

  /**
   * The first location in round-robin order eligible for all of W, or -1 when there is none.
   * The customer is in this country, and their seats are not NaN.
   */
  first(query: RankedQuery): number {
    this.visited = 0;
    const { customer, bits } = query;
    const group = this.lists.get(customer.language);
    if (group === undefined) return -1;
    const industry = group.byIndustry.get(customer.industry);
    let bit = -1;
    let size = Number.POSITIVE_INFINITY;
    for (const b of bits) {
      if (b < 0) return -1;
      const n = (group.any[2 * b + 1] ?? 0) + (industry?.[2 * b + 1] ?? 0);
      if (n < size) {
        bit = b;
        size = n;
      }
    }
    if (size === 0) return -1;
    const prefixes = this.prefixes;
    let k = this.seats.prefixes(group.any[2 * bit] ?? -1, customer.seats, prefixes, 0);
    if (industry !== undefined) k = this.seats.prefixes(industry[2 * bit] ?? -1, customer.seats, prefixes, k);
    const tops = this.tops;
    for (let i = 0; i < k; i++) tops[i] = this.forest.best(prefixes[2 * i] ?? 0, prefixes[2 * i + 1] ?? 0);
    const winner = this.firstPassing(query, k);
    this.restore();
    return winner;
  }

  /** Moves a location of this country whose counter went up to its new place in every list. */
  moved(loc: number): void {
    const key = this.keys.key(loc);
    const i = this.localOf[loc] ?? 0;
    const end = this.memberStart[i + 1] ?? 0;
    for (let j = this.memberStart[i] ?? 0; j < end; j++) this.forest.set(this.places[2 * j] ?? 0, this.places[2 * j + 1] ?? 0, key);
  }

  /** Merges the prefixes in key order, stepping over locations that fail W or exclude. */
  private firstPassing(query: RankedQuery, k: number): number {
    const { table, keys } = this;
    const tops = this.tops;
    for (;;) {
      let at = -1;
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < k; i++) {
        const top = tops[i] ?? Number.POSITIVE_INFINITY;
        if (top < best) {
          best = top;
          at = i;
        }
      }
      if (at < 0) return -1;
      this.visited++;
      const loc = keys.locationOf(best);
      if (table.covers(loc, query.wanted) && (query.exclude.size === 0 || !query.exclude.has(table.mpnIds[loc] ?? ''))) {
        return loc;
      }
      const tree = this.prefixes[2 * at] ?? 0;
      this.takeOut(loc, tree);
      tops[at] = this.forest.best(tree, this.prefixes[2 * at + 1] ?? 0);
    }
  }

  private takeOut(loc: number, tree: number): void {
    const i = this.localOf[loc] ?? 0;
    const end = this.memberStart[i + 1] ?? 0;
    for (let j = this.memberStart[i] ?? 0; j < end; j++) {
      if (this.places[2 * j] !== tree) continue;
      const leaf = this.places[2 * j + 1] ?? 0;
      this.forest.set(tree, leaf, Number.POSITIVE_INFINITY);
      this.undo.push(tree, leaf, loc);
      return;
    }
  }

  /** Puts back what {@link takeOut} took out, so the next referral sees every location. */
  private restore(): void {
    const undo = this.undo;
    while (undo.length > 0) {
      const loc = undo.pop() ?? 0;
      const leaf = undo.pop() ?? 0;
      const tree = undo.pop() ?? 0;
      this.forest.set(tree, leaf, this.keys.key(loc));
    }
  }
}
