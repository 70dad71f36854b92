import type { AcceptanceEvent, LoggedEvent } from '../acceptance/types.ts';
import type { ProgramEvent } from './types.ts';

const NONE: ReadonlySet<string> = new Set();

/**
 * Parts whose offer FastTrack operations withdrew by moving the part before the location answered
 * it. The location neither accepted nor declined, so the offer counts neither way (not even as
 * pending); an accepted part moved later stays an acceptance. One cheap pass over the log, and the
 * usual answer is the shared empty set, which keeps the in-place path below as fast as before.
 */
function withdrawnOffers(events: readonly ProgramEvent[]): ReadonlySet<string> {
  let withdrawn: Set<string> | null = null;
  for (const e of events) {
    if (e.type === 'reassigned' && e.previousState === 'offered') (withdrawn ??= new Set()).add(e.assignmentId);
  }
  return withdrawn ?? NONE;
}

function counted(e: ProgramEvent, withdrawn: ReadonlySet<string>): boolean {
  return e.type !== 'offered' || withdrawn.size === 0 || !withdrawn.has(e.assignmentId);
}

/**
 * The store's event log as acceptance input, without copying it: program events already carry
 * the fields acceptance reads (type, referralId, assignmentId, mpnId, at), and acceptance skips
 * the pause events. Each part of a referral is its own offer, keyed by `assignmentId`: by the
 * matching contract a location may be given a declined part of a referral it already holds
 * another part of, and it answers each offer on its own. Withdrawn offers are left out.
 */
export function* acceptanceEventsOf(events: readonly ProgramEvent[], mpnIds?: ReadonlySet<string>): Generator<LoggedEvent> {
  const withdrawn = withdrawnOffers(events);
  if (mpnIds === undefined && withdrawn.size === 0) {
    yield* events;
    return;
  }
  for (const e of events) if ((mpnIds === undefined || mpnIds.has(e.mpnId)) && counted(e, withdrawn)) yield e;
}

/** The contract's JSON shape of the same events (for `npm run acceptance`): one referral key per part. */
export function contractEventsOf(events: readonly ProgramEvent[]): AcceptanceEvent[] {
  const withdrawn = withdrawnOffers(events);
  const out: AcceptanceEvent[] = [];
  for (const e of events) {
    if (e.type !== 'offered' && e.type !== 'accepted' && e.type !== 'declined' && e.type !== 'expired') continue;
    if (!counted(e, withdrawn)) continue;
    out.push({ type: e.type, referralId: `${e.referralId}/${e.assignmentId}`, mpnId: e.mpnId, at: e.at });
  }
  return out;
}
