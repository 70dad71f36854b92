import { CountryIndex, type IndexShared, type RankedQuery } from './country-index.ts';
import type { PreparedLocation } from './prepared.ts';
import { RoundRobinKeys } from './round-robin-keys.ts';
import type { LocationTable } from './table.ts';

export type { RankedQuery } from './country-index.ts';

/**
 * The locations that can receive work (active, not paused), kept in round-robin order so a
 * referral finds its single location without scanning its country.
 *
 * Per country, lists are keyed by language, industry (a location serving any industry is in the
 * `any` group, one with an industry list in each of its industries' groups) and endorsed
 * workload. Each list is a seat tree (seat-tree.ts) whose nodes are tournament trees
 * (tournament.ts) over round-robin keys (round-robin-keys.ts). A referral takes the list of its
 * rarest workload, in the `any` group and its customer's industry group; the seat trees give at
 * most 2·(log2 m + 1) prefixes that hold exactly the locations in the customer's country,
 * speaking the language, serving the industry, taking the seat count and endorsed for that
 * workload. Their first location is checked for what no key covers (the other workloads of W,
 * `exclude`); one that fails is taken out of its tree until the query ends and the next one is
 * looked at.
 *
 * Cost, with m the size of the list and d <= log2 m + 1 the depth of its seat trees: a query is
 * O(d·log m + (s + 1)·(d + log m)), where s counts the locations placed before the winner that
 * lack another workload of W or are excluded; seats, industry, language, country, status and
 * pause never cost a step. A counter increment repairs one leaf-to-root path per list holding
 * the location, stopping at the first node that does not change: O(L·log m) with
 * L = languages × endorsed workloads × max(1, industries). A country's index is built on its
 * first referral, in O(n·L + n log n) for its n locations, so a matcher built for one rematch
 * indexes one country, not the network.
 */
export class RankedIndex {
  private readonly shared: IndexShared;
  private readonly countryIds = new Map<string, number>();
  /** Each country's locations, by country id. */
  private readonly members: PreparedLocation[][] = [];
  /** Each country's index, by country id, once a referral asked for that country. */
  private readonly built: (CountryIndex | undefined)[] = [];
  /** Each location's country id. */
  private readonly countryOf: Int32Array;
  private last: CountryIndex | undefined;

  constructor(locations: readonly PreparedLocation[], table: LocationTable) {
    this.countryOf = new Int32Array(locations.length);
    const keys = new RoundRobinKeys(table.mpnIds, table.received);
    // Seat bounds as the rules read them: a NaN bound lets every seat count pass.
    const min = new Float64Array(locations.length);
    const max = new Float64Array(locations.length);
    const localOf = new Int32Array(locations.length);
    for (const loc of locations) {
      min[loc.index] = Number.isNaN(loc.minSeats) ? Number.NEGATIVE_INFINITY : loc.minSeats;
      max[loc.index] = Number.isNaN(loc.maxSeats) ? Number.POSITIVE_INFINITY : loc.maxSeats;
      let id = this.countryIds.get(loc.country);
      if (id === undefined) {
        id = this.members.length;
        this.countryIds.set(loc.country, id);
        this.members.push([]);
      }
      const country = this.members[id] ?? [];
      this.countryOf[loc.index] = id;
      localOf[loc.index] = country.length;
      country.push(loc);
    }
    this.shared = { table, keys, min, max, localOf };
  }

  /**
   * False when some counter is not a whole number from 0 to a limit in the hundreds of billions,
   * which the contract's input never has; the matcher then falls back to a linear scan.
   */
  get usable(): boolean {
    return this.shared.keys.exact;
  }

  /** Locations looked at by the last {@link first}, winner included; for tests of the cost. */
  get visited(): number {
    return this.last?.visited ?? 0;
  }

  /** Whether location a comes before b in round-robin order (fewest received, then MPN ID). */
  before(a: number, b: number): boolean {
    return this.shared.keys.before(a, b);
  }

  /**
   * The first location in round-robin order eligible for all of W, or -1 when there is none.
   * Only while {@link usable}, and for a customer whose seats are not NaN.
   */
  first(query: RankedQuery): number {
    const id = this.countryIds.get(query.customer.country);
    if (id === undefined) return -1;
    let index = this.built[id];
    if (index === undefined) {
      index = new CountryIndex(this.members[id] ?? [], this.shared);
      this.built[id] = index;
    }
    this.last = index;
    return index.first(query);
  }

  /** Adds 1 to a location's counter and moves it to its new place in every list holding it. */
  receive(loc: number): void {
    const { table, keys } = this.shared;
    table.received[loc] = (table.received[loc] ?? 0) + 1;
    if (!keys.moved(loc)) return;
    // A country not asked for yet has no trees to repair; they will be built from the counters as they stand.
    this.built[this.countryOf[loc] ?? 0]?.moved(loc);
  }
}
