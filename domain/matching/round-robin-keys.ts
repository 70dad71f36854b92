/**
 * The round-robin order of step 1 (fewest referrals received, then smallest MPN ID compared as
 * a string) as one number per location: `received × radix + rank`, where rank is the location's
 * place in MPN ID order and radix the number of locations. Comparing two keys is then one
 * comparison, which is what lets the tournament trees hold plain numbers.
 *
 * The key is exact while it stays below 2^53, that is while every counter is a whole number from
 * 0 up to {@link RoundRobinKeys.limit}. The contract's counters are whole and non-negative, and
 * the limit is in the hundreds of billions for a network of 20,000 locations; `exact` tells the
 * matcher when input from outside the contract (a fraction, a negative, NaN) rules keys out.
 */
export class RoundRobinKeys {
  /** Each location's position in MPN ID order. */
  readonly rank: Int32Array;
  private readonly byRank: Int32Array;
  private readonly radix: number;
  /** The largest counter a key can hold exactly. */
  readonly limit: number;
  /** False once some counter is not a whole number in [0, limit]. */
  exact: boolean;

  constructor(
    mpnIds: readonly string[],
    private readonly received: Float64Array,
  ) {
    const n = mpnIds.length;
    const order = mpnIds.map((_, i) => i).sort((a, b) => {
      const x = mpnIds[a] ?? '';
      const y = mpnIds[b] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
    this.byRank = Int32Array.from(order);
    this.rank = new Int32Array(n);
    order.forEach((loc, i) => (this.rank[loc] = i));
    this.radix = Math.max(1, n);
    this.limit = Math.floor(Number.MAX_SAFE_INTEGER / this.radix) - 1;
    this.exact = received.every((count) => Number.isInteger(count) && count >= 0 && count <= this.limit);
  }

  /** The location's key as its counter stands now; meaningful only while `exact`. */
  key(loc: number): number {
    return (this.received[loc] ?? 0) * this.radix + (this.rank[loc] ?? 0);
  }

  /** The location a key belongs to. */
  locationOf(key: number): number {
    return this.byRank[key % this.radix] ?? -1;
  }

  /** Whether location a comes before b in round-robin order, read from the counters (always exact). */
  before(a: number, b: number): boolean {
    const ra = this.received[a] ?? 0;
    const rb = this.received[b] ?? 0;
    if (ra !== rb) return ra < rb;
    return (this.rank[a] ?? 0) < (this.rank[b] ?? 0);
  }

  /** Records that a counter moved; false when it moved past what a key can hold. */
  moved(loc: number): boolean {
    if ((this.received[loc] ?? 0) > this.limit) this.exact = false;
    return this.exact;
  }
}
