import { DomainError } from '../errors.ts';
import { parseInstant } from './instant.ts';
import { OfferSlots } from './offers.ts';
import { DEFAULT_QUARTER_SCHEME, quarterLabel, quarterOrdinalOfMs } from './quarters.ts';
import type { QuarterScheme } from './quarters.ts';
import { DEFAULT_TARGET, acceptNeeded, meetsTarget, roundRate, targetFraction } from './target.ts';
import type { TargetFraction } from './target.ts';
import type { AcceptanceQuery, AcceptanceReport, AcceptanceRow, AnswerType, LoggedEvent } from './types.ts';

/*
 * Each offer's slot state packs `(quarterOrdinal + 1) << 2 | answer`. A zero quarter part means
 * "answer seen, no offer yet", which lets events arrive in any order while the pass allocates
 * nothing per event beyond new slots.
 */
const NOT_EVENT = -1;
const OFFERED = 0;
const ACCEPTED = 1;
const DECLINED = 2;
const EXPIRED = 3;

/**
 * Computes each location's acceptance rate per quarter, as the acceptance contract
 * (shared/contracts/acceptance.md) defines it. The CLI and the store both call this, so every
 * surface reports the same figures.
 *
 * The report is as of `asOf`: every event after it is left out, as if the log were read at that
 * instant. So an offer made after `asOf` is not counted (not even as pending), and an answer after
 * `asOf` is ignored as the contract says, which also means it is never a duplicate. Recomputing
 * an old `asOf` on today's longer log gives the figure that was reported then.
 *
 * An offer is one (referral ID, MPN ID) pair: a split referral counts once for each location it
 * went to, and a reassigned one counts for each location it was offered to. A repeated `offered`
 * event for the same pair is the same offer delivered twice (a retried notification, say), counted
 * once in the quarter of its earliest `offered` time. Event order in the input does not matter.
 *
 * Rows are sorted by MPN ID compared as strings (UTF-16 code units), then chronologically by
 * quarter. The rate is exact for `meetsTarget` and `acceptNeeded` and rounded to 4 decimals only
 * where it is reported.
 *
 * Throws DomainError naming the referral: `acceptance.duplicate-answer` for a second answer to an
 * offer, `acceptance.answer-without-offer` for an answer with no offer at or before `asOf`,
 * `acceptance.bad-date` for an unreadable `at`, `acceptance.bad-event` for an acceptance event
 * without IDs; also `acceptance.bad-as-of` and `acceptance.bad-target`.
 *
 * Linear in the number of events: one pass, with one lookup in a map keyed by referral ID and
 * one in a small map of MPN IDs per event.
 */
export function computeAcceptance(query: AcceptanceQuery): AcceptanceReport {
  const asOfMs = parseInstant(query.asOf);
  if (Number.isNaN(asOfMs)) {
    throw new DomainError('acceptance.bad-as-of', `asOf "${query.asOf}" is not a date.`, { asOf: query.asOf });
  }
  const target = targetFraction(query.target ?? DEFAULT_TARGET);
  const offers = collectOffers(query.events, asOfMs);
  return { asOf: query.asOf, rates: buildRows(offers, query.quarters ?? DEFAULT_QUARTER_SCHEME, target) };
}

function eventKind(type: string): number {
  switch (type) {
    case 'offered':
      return OFFERED;
    case 'accepted':
      return ACCEPTED;
    case 'declined':
      return DECLINED;
    case 'expired':
      return EXPIRED;
    default:
      return NOT_EVENT;
  }
}

function collectOffers(events: Iterable<LoggedEvent>, asOfMs: number): OfferSlots {
  const offers = new OfferSlots();
  const state = offers.state;
  for (const event of events) {
    const kind = eventKind(event.type);
    if (kind === NOT_EVENT) continue;
    const { referralId, mpnId } = event;
    if (referralId === undefined || mpnId === undefined) {
      throw new DomainError('acceptance.bad-event', `An "${event.type}" event at ${event.at} has no referralId or mpnId.`, {
        type: event.type,
        at: event.at,
      });
    }
    const ms = parseInstant(event.at);
    if (Number.isNaN(ms)) {
      throw new DomainError('acceptance.bad-date', `Referral ${referralId}: "${event.at}" is not a date.`, {
        referralId,
        mpnId,
        at: event.at,
      });
    }
    if (ms > asOfMs) continue;

    const slot = offers.slotOf(event.assignmentId ?? referralId, mpnId, referralId);
    const packed = state[slot] ?? 0;
    if (kind === OFFERED) {
      const quarter = quarterOrdinalOfMs(ms) + 1;
      const known = packed >> 2;
      if (known === 0 || quarter < known) state[slot] = (quarter << 2) | (packed & 3);
    } else if ((packed & 3) !== 0) {
      throw new DomainError(
        'acceptance.duplicate-answer',
        `Referral ${referralId} has a second answer from MPN ID ${mpnId} (${event.type} at ${event.at}, after ${answerName(
          packed & 3,
        )}); an offer takes one answer.`,
        { referralId, mpnId, at: event.at },
      );
    } else {
      state[slot] = packed | kind;
    }
  }
  return offers;
}

interface QuarterCounts {
  accepted: number;
  declined: number;
  expired: number;
  pending: number;
}

function buildRows(offers: OfferSlots, scheme: QuarterScheme, target: TargetFraction): AcceptanceRow[] {
  const byLocation = offers.mpnIds.map(() => new Map<number, QuarterCounts>());
  for (let slot = 0; slot < offers.size; slot++) {
    const packed = offers.state[slot] ?? 0;
    const location = offers.location[slot] ?? 0;
    const quarter = packed >> 2;
    const answer = packed & 3;
    if (quarter === 0) throw answerWithoutOffer(offers.referralId[slot] ?? '', offers.mpnIds[location] ?? '', answer);
    const byQuarter = byLocation[location];
    if (byQuarter === undefined) continue;
    let counts = byQuarter.get(quarter);
    if (counts === undefined) {
      counts = { accepted: 0, declined: 0, expired: 0, pending: 0 };
      byQuarter.set(quarter, counts);
    }
    if (answer === ACCEPTED) counts.accepted++;
    else if (answer === DECLINED) counts.declined++;
    else if (answer === EXPIRED) counts.expired++;
    else counts.pending++;
  }

  const order = offers.mpnIds.map((_, location) => location);
  order.sort((a, b) => compareStrings(offers.mpnIds[a] ?? '', offers.mpnIds[b] ?? ''));
  const rows: AcceptanceRow[] = [];
  for (const location of order) {
    const byQuarter = byLocation[location];
    if (byQuarter === undefined) continue;
    const mpnId = offers.mpnIds[location] ?? '';
    for (const quarter of [...byQuarter.keys()].sort((a, b) => a - b)) {
      const counts = byQuarter.get(quarter);
      if (counts !== undefined) rows.push(toRow(mpnId, quarterLabel(quarter - 1, scheme), counts, target));
    }
  }
  return rows;
}

/** Plain string order (UTF-16 code units), as `Array.prototype.sort` uses without a comparator. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toRow(mpnId: string, quarter: string, c: QuarterCounts, target: TargetFraction): AcceptanceRow {
  const settled = c.accepted + c.declined + c.expired;
  const hasRate = settled > 0;
  return {
    mpnId,
    quarter,
    offered: settled + c.pending,
    accepted: c.accepted,
    declined: c.declined,
    expired: c.expired,
    pending: c.pending,
    rate: hasRate ? roundRate(c.accepted, settled) : null,
    meetsTarget: hasRate ? meetsTarget(c.accepted, settled, target) : null,
    acceptNeeded: hasRate ? acceptNeeded(c.accepted, settled, target) : null,
  };
}

function answerWithoutOffer(referralId: string, mpnId: string, answer: number): DomainError {
  return new DomainError(
    'acceptance.answer-without-offer',
    `Referral ${referralId} has an "${answerName(answer)}" answer from MPN ID ${mpnId} but no offer to that MPN ID at or before asOf.`,
    { referralId, mpnId },
  );
}

function answerName(kind: number): AnswerType {
  return kind === ACCEPTED ? 'accepted' : kind === DECLINED ? 'declined' : 'expired';
}
