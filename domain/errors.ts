import type { AssignmentState, Role } from './referrals/types.ts';

/**
 * Every failure the domain reports, by code, with the facts the bot needs to explain it. The bot
 * turns a code and its details into the sentence a user reads and the HTTP status (one table in
 * `bot/`); the error's own message is for logs and command-line tools only.
 */
export interface DomainErrorDetails {
  'referral.not-found': { readonly referralId: string };
  'location.not-found': { readonly mpnId: string };
  'assignment.not-found': { readonly referralId: string; readonly assignmentId: string };
  'assignment.not-offered': { readonly referralId: string; readonly assignmentId: string; readonly state: AssignmentState; readonly answeredOn: string | null };
  'assignment.not-movable': { readonly referralId: string; readonly assignmentId: string; readonly state: AssignmentState };
  'decline.reason-required': Record<string, never>;
  'intake.conflict': { readonly referralId: string };
  'reassign.unknown-location': { readonly mpnId: string };
  'reassign.location-departed': { readonly mpnId: string; readonly name: string };
  'reassign.location-paused': { readonly mpnId: string; readonly name: string; readonly pausedUntil: string };
  'reassign.same-location': { readonly mpnId: string; readonly name: string };
  'pause.no-admin': Record<string, never>;
  'pause.already-paused': { readonly pausedUntil: string };
  'pause.in-past': { readonly until: string; readonly earliest: string; readonly today: boolean };
  'pause.too-long': { readonly until: string; readonly latest: string; readonly days: number; readonly maxDays: number };
  'pause.cooldown': { readonly previousEndedAt: string; readonly allowedFrom: string; readonly minDaysBetweenPauses: number };
  'pause.bad-settings': { readonly minDaysBetweenPauses: number };
  'pause.not-paused': { readonly endedOn: string | null };
  'pause.bad-date': { readonly field: string; readonly value: string };
  'role.operations-has-no-location': { readonly mpnId: string };
  'role.location-required': { readonly role: Role };
  'role.unknown-location': { readonly mpnId: string };
  'role.already-held': { readonly name: string; readonly role: Role; readonly mpnId: string | null };
  'role.self-revoke': Record<string, never>;
  'role.not-held': { readonly name: string; readonly role: Role; readonly mpnId: string | null };
  'matching.duplicate-mpn-id': { readonly mpnId: string };
  'matching.invalid-date': { readonly field: string; readonly value: string };
  'matching.no-workloads': { readonly referralId: string };
  'matching.not-requested-workload': { readonly referralId: string; readonly workload: string };
  'acceptance.bad-target': { readonly target: string };
  'acceptance.bad-as-of': { readonly asOf: string };
  'acceptance.bad-event': { readonly type: string; readonly at: string };
  'acceptance.bad-date': { readonly at: string; readonly referralId?: string; readonly mpnId?: string };
  'acceptance.duplicate-answer': { readonly referralId: string; readonly mpnId: string; readonly at: string };
  'acceptance.answer-without-offer': { readonly referralId: string; readonly mpnId: string };
  'acceptance.bad-input': { readonly field: string };
}

export type DomainErrorCode = keyof DomainErrorDetails;

/** A failure with a stable code, so callers branch on the code and never on message text. */
export class DomainError<C extends DomainErrorCode = DomainErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: DomainErrorDetails[C],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError<C extends DomainErrorCode>(e: unknown, code?: C): e is DomainError<C> {
  return e instanceof DomainError && (code === undefined || e.code === code);
}
