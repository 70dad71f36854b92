import type { AcceptanceEvent } from '../acceptance/types.ts';
import type { ProgramEvent } from './types.ts';

/**
 * The event log in the acceptance contract's shape. Each part of a referral is its own offer, so
 * the contract's referral key is the referral and the part: by the matching contract a location
 * may be given a declined part of a referral it already holds another part of, and each of its
 * offers is answered, and counted, on its own.
 */
export function acceptanceEventsOf(events: Iterable<ProgramEvent>, mpnIds?: ReadonlySet<string>): AcceptanceEvent[] {
  const out: AcceptanceEvent[] = [];
  for (const e of events) {
    if (e.type !== 'offered' && e.type !== 'accepted' && e.type !== 'declined' && e.type !== 'expired') continue;
    if (mpnIds !== undefined && !mpnIds.has(e.mpnId)) continue;
    out.push({ type: e.type, referralId: `${e.referralId}/${e.assignmentId}`, mpnId: e.mpnId, at: e.at });
  }
  return out;
}
