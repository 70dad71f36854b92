/**
 * The offers seen so far, one slot per (referral ID, MPN ID) pair, in flat arrays.
 *
 * A log of a million events holds about half a million offers, and memory traffic dominates the
 * computation. So there is one map keyed by referral ID (the pair's selective half), and the few
 * MPN IDs of one referral (a split, a reassignment) are chained through `next`; MPN IDs are
 * interned to small integers so the chain compares numbers, not strings.
 */
export class OfferSlots {
  /** MPN IDs in first-seen order; a slot's `location` indexes this. */
  readonly mpnIds: string[] = [];
  /** Per slot: index into {@link mpnIds}. */
  readonly location: number[] = [];
  /** Per slot: the referral ID, for error messages. */
  readonly referralId: string[] = [];
  /** Per slot: a state word owned by the caller, 0 when the slot is created. */
  readonly state: number[] = [];
  private readonly next: number[] = [];
  private readonly headByReferral = new Map<string, number>();
  private readonly indexByMpnId = new Map<string, number>();

  get size(): number {
    return this.state.length;
  }

  /**
   * The slot of the pair, created with state 0 on first sight. `key` is the referral ID, or the
   * referral part's ID when the log has one; `referralId` is kept for messages.
   */
  slotOf(key: string, mpnId: string, referralId: string = key): number {
    const location = this.locationOf(mpnId);
    const head = this.headByReferral.get(key);
    for (let slot = head ?? -1; slot !== -1; slot = this.next[slot] ?? -1) {
      if (this.location[slot] === location) return slot;
    }
    const slot = this.state.length;
    this.location.push(location);
    this.referralId.push(referralId);
    this.state.push(0);
    this.next.push(head ?? -1);
    this.headByReferral.set(key, slot);
    return slot;
  }

  private locationOf(mpnId: string): number {
    let index = this.indexByMpnId.get(mpnId);
    if (index === undefined) {
      index = this.mpnIds.length;
      this.mpnIds.push(mpnId);
      this.indexByMpnId.set(mpnId, index);
    }
    return index;
  }
}
