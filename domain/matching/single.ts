import { firstFailingLocationRule } from './eligibility.ts';
import type { PreparedLocation } from './prepared.ts';
import type { RankedIndex } from './ranked-index.ts';
import type { ScanQuery, ScanResult } from './scan.ts';
import type { LocationTable } from './table.ts';

/** What finding a single location reads: the prepared locations, the table and the index. */
export interface SingleContext {
  readonly locations: readonly PreparedLocation[];
  readonly byMpnId: ReadonlyMap<string, number>;
  readonly table: LocationTable;
  readonly index: RankedIndex;
}

/**
 * Step 1 of "Choosing the assignment": the location eligible for all of W that comes first by
 * CPOR claim, then fewest referrals received, then smallest MPN ID. Sets `out.winner` (-1 when
 * no location takes all of W) and `out.winnerClaim`.
 *
 * Claim holders are few (the customer names them), so each is checked directly against rules
 * 1–7; the best eligible one wins outright. Only when none is eligible does the round-robin index
 * look for the first eligible location, which then holds no claim. The customer's seats must not
 * be NaN (see {@link RankedIndex.first}).
 */
export function pickSingle(ctx: SingleContext, query: ScanQuery, out: ScanResult): void {
  out.winner = -1;
  out.winnerClaim = false;
  out.count = 0;
  // A workload no partner is endorsed for can go to no location, so no one takes all of W.
  if (query.bits.some((bit) => bit < 0)) return;
  let holder = -1;
  for (const mpnId of query.claims) {
    const loc = ctx.byMpnId.get(mpnId);
    const prepared = loc === undefined ? undefined : ctx.locations[loc];
    if (loc === undefined || prepared === undefined) continue;
    if (firstFailingLocationRule(prepared, query.customer, query.exclude) !== null) continue;
    if (!ctx.table.covers(loc, query.wanted)) continue;
    if (holder < 0 || ctx.index.before(loc, holder)) holder = loc;
  }
  if (holder >= 0) {
    out.winner = holder;
    out.winnerClaim = true;
    return;
  }
  out.winner = ctx.index.first(query);
}
