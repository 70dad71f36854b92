import type { DomainError, DomainErrorCode, DomainErrorDetails } from '../domain/errors.ts';
import { PAUSE_RULE } from '../domain/pause/index.ts';

/** The HTTP answer to a domain error: status and the API's error code. */
export type ErrorStatus = 400 | 404 | 409;

export const HTTP_ERROR_CODES: Readonly<Record<ErrorStatus, 'BadRequest' | 'NotFound' | 'Conflict'>> = { 400: 'BadRequest', 404: 'NotFound', 409: 'Conflict' };

interface Entry<C extends DomainErrorCode> {
  readonly status: ErrorStatus;
  /** The sentence a user reads, from the error's details; never the error's own message. */
  readonly say: (d: DomainErrorDetails[C]) => string;
}

const at = (mpnId: string | null): string => (mpnId === null ? '' : ` at ${mpnId}`);
const invalidData = (what: string) => `The data is not valid: ${what}.`;

/**
 * Every domain error code with its HTTP status and its sentence, in one place. The type makes the
 * table complete: a new code does not compile until it has a row here.
 */
export const ERROR_TABLE: { readonly [C in DomainErrorCode]: Entry<C> } = {
  'referral.not-found': { status: 404, say: (d) => `There is no referral ${d.referralId}.` },
  'location.not-found': { status: 404, say: (d) => `There is no location with MPN ID ${d.mpnId}.` },
  'assignment.not-found': { status: 404, say: (d) => `Referral ${d.referralId} has no such part; it may have been moved.` },
  'assignment.not-offered': {
    status: 409,
    say: (d) => `This part of referral ${d.referralId} was already ${d.state}${d.answeredOn === null ? '' : ` on ${d.answeredOn}`}, so there is nothing to answer.`,
  },
  'assignment.not-movable': {
    status: 409,
    say: (d) => `This part of referral ${d.referralId} was already ${d.state}, so it cannot be moved: only an offered or accepted part can.`,
  },
  'decline.reason-required': { status: 400, say: () => 'Please say why: "other" needs a short reason.' },
  'intake.conflict': { status: 409, say: (d) => `Referral ${d.referralId} was already taken in with different content.` },
  'reassign.unknown-location': { status: 400, say: (d) => `There is no location with MPN ID ${d.mpnId}.` },
  'reassign.location-departed': { status: 400, say: (d) => `${d.name} (MPN ID ${d.mpnId}) has left the program, so it cannot receive referrals.` },
  'reassign.location-paused': { status: 400, say: (d) => `${d.name} (MPN ID ${d.mpnId}) is paused until ${d.pausedUntil}, so it cannot receive referrals now.` },
  'reassign.same-location': { status: 400, say: (d) => `${d.name} (MPN ID ${d.mpnId}) already holds this part.` },
  'pause.no-admin': { status: 400, say: () => 'A pause must name the program admin who asked for it.' },
  'pause.already-paused': {
    status: 409,
    say: (d) => `This location is already paused until ${d.pausedUntil}. Resume it first, or wait for the pause to end, to set a new one.`,
  },
  'pause.in-past': {
    status: 400,
    say: (d) => `A pause must end on a later date than today; ${d.until} is ${d.today ? 'today' : 'in the past'}. The earliest end date is ${d.earliest}.`,
  },
  'pause.too-long': { status: 400, say: (d) => `${PAUSE_RULE} A pause ending on ${d.until} would last ${d.days} days; the latest end date is ${d.latest}.` },
  'pause.cooldown': {
    status: 409,
    say: (d) => `A new pause can start only ${d.minDaysBetweenPauses} days after the previous one ended (${d.previousEndedAt}). The next pause is possible from ${d.allowedFrom}.`,
  },
  'pause.bad-settings': { status: 400, say: () => 'Pausing is not available right now because of a configuration problem; FastTrack operations have been told.' },
  'pause.not-paused': {
    status: 409,
    say: (d) => (d.endedOn === null ? 'This location is not paused, so there is nothing to resume.' : `This location's pause already ended on ${d.endedOn}; it receives referrals again.`),
  },
  'pause.bad-date': { status: 400, say: (d) => `"${d.value}" is not a date.` },
  'role.operations-has-no-location': { status: 400, say: () => 'The operations role is not tied to a location: leave the MPN ID out.' },
  'role.location-required': { status: 400, say: (d) => `The ${d.role} role belongs to one location: add its MPN ID.` },
  'role.unknown-location': { status: 400, say: (d) => `There is no location with MPN ID ${d.mpnId}.` },
  'role.already-held': { status: 409, say: (d) => `${d.name} already has the ${d.role} role${at(d.mpnId)}.` },
  'role.self-revoke': { status: 400, say: () => 'You cannot revoke your own operations role; ask another FastTrack operations user to do it.' },
  'role.not-held': { status: 409, say: (d) => `${d.name} does not have the ${d.role} role${at(d.mpnId)}, so there is nothing to revoke.` },
  'matching.duplicate-mpn-id': { status: 400, say: (d) => invalidData(`MPN ID ${d.mpnId} appears twice`) },
  'matching.invalid-date': { status: 400, say: (d) => invalidData(`${d.field} is not a date`) },
  'matching.no-workloads': { status: 400, say: (d) => invalidData(`referral ${d.referralId} names no workloads`) },
  'matching.not-requested-workload': { status: 400, say: (d) => invalidData(`referral ${d.referralId} did not request ${d.workload}`) },
  'acceptance.bad-target': { status: 400, say: () => invalidData('the target must be a number from 0 to 1') },
  'acceptance.bad-as-of': { status: 400, say: () => invalidData('asOf is not a date') },
  'acceptance.bad-event': { status: 400, say: (d) => invalidData(`an "${d.type}" event names no referral or location`) },
  'acceptance.bad-date': { status: 400, say: (d) => invalidData(`"${d.at}" is not a date`) },
  'acceptance.duplicate-answer': { status: 400, say: (d) => invalidData(`referral ${d.referralId} has a second answer from MPN ID ${d.mpnId}`) },
  'acceptance.answer-without-offer': { status: 400, say: (d) => invalidData(`referral ${d.referralId} has an answer from MPN ID ${d.mpnId} without an offer`) },
  'acceptance.bad-input': { status: 400, say: (d) => invalidData(`${d.field} is not valid`) },
};

function entryOf<C extends DomainErrorCode>(err: DomainError<C>): Entry<C> {
  return ERROR_TABLE[err.code];
}

/** The sentence a user reads for a domain error. */
export function sayError<C extends DomainErrorCode>(err: DomainError<C>): string {
  return entryOf(err).say(err.details);
}

/** The HTTP status and body for a domain error; the body carries the user's sentence only. */
export function httpError<C extends DomainErrorCode>(err: DomainError<C>): { readonly status: ErrorStatus; readonly body: { readonly code: string; readonly message: string } } {
  const { status } = entryOf(err);
  return { status, body: { code: HTTP_ERROR_CODES[status], message: sayError(err) } };
}
