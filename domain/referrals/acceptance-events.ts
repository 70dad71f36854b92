import type { AcceptanceEvent, LoggedEvent } from '../acceptance/types.ts';
import type { ProgramEvent } from './types.ts';

/**
 * The store's event log as acceptance input, without copying it: program events already carry
 * the fields acceptance reads (type, referralId, assignmentId, mpnId, at), and acceptance skips
 * the pause events. Each part of a referral is its own offer, keyed by `assignmentId`: by the
 * matching contract a location may be given a declined part of a referral it already holds
 * another part of, and it answers each offer on its own.
 */
export function* acceptanceEventsOf(events: Iterable<ProgramEvent>, mpnIds?: ReadonlySet<string>): Generator<LoggedEvent> {
  if (mpnIds === undefined) {
    yield* events;
    return;
  }
  for (const e of events) if (mpnIds.has(e.mpnId)) yield e;
}

/** The contract's JSON shape of the same events (for `npm run acceptance`): one referral key per part. */
export function contractEventsOf(events: Iterable<ProgramEvent>): AcceptanceEvent[] {
  const out: AcceptanceEvent[] = [];
  for (const e of events) {
    if (e.type !== 'offered' && e.type !== 'accepted' && e.type !== 'declined' && e.type !== 'expired') continue;
    out.push({ type: e.type, referralId: `${e.referralId}/${e.assignmentId}`, mpnId: e.mpnId, at: e.at });
  }
  return out;
}
