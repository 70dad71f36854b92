import { DomainError } from '../errors.ts';
import { rematchDeclined, type Matcher, type ReferralRequest } from '../matching/index.ts';
import { ftcParts, offersFrom, replaceAssignment, type NewPart } from './part-offers.ts';
import type { ReferralType } from '../matching/types.ts';
import type {
  CustomerRecord,
  DeclineReason,
  LocationRecord,
  ProgramEvent,
  Referral,
  ReferralAssignment,
} from './types.ts';

/** Who acts, when, and how new ids are made: passed in so the domain reads no clock or randomness. */
export interface OpContext {
  readonly now: string;
  readonly actor: string;
  readonly newId: () => string;
}

/** A new referral as intake receives it. */
export interface NewReferral {
  readonly id: string;
  readonly type: ReferralType;
  readonly workloads: readonly string[];
  readonly customer: CustomerRecord;
}

/** The outcome of an operation: the referral as it now stands and the facts to append. */
export interface Outcome {
  readonly referral: Referral;
  readonly events: ProgramEvent[];
  /** Locations that received a part, whose round-robin counter goes up by one. */
  readonly received: string[];
  readonly explanation: readonly string[];
}

export function requestOf(referral: Pick<Referral, 'id' | 'type' | 'workloads' | 'customer'>, exclude: readonly string[] = []): ReferralRequest {
  return {
    id: referral.id,
    type: referral.type,
    workloads: referral.workloads,
    customer: referral.customer,
    exclude,
  };
}

/** Matches a new referral and offers its parts. The matcher's counters move with it. */
export function placeReferral(input: NewReferral, matcher: Matcher, ctx: OpContext): Outcome {
  const result = matcher.match(requestOf(input), { explain: 'customer-country' });
  const { assignments, events } = offersFrom(result.assignments, input.id, ctx);
  const referral: Referral = {
    id: input.id,
    type: input.type,
    customer: input.customer,
    workloads: [...input.workloads],
    createdAt: ctx.now,
    assignments,
    ftc: ftcParts(result.ftc, ctx.now),
  };
  return { referral, events, received: assignments.map((a) => a.mpnId), explanation: result.explanation };
}

function offeredAssignment(referral: Referral, assignmentId: string, verb: string): ReferralAssignment {
  const a = referral.assignments.find((x) => x.id === assignmentId);
  if (a === undefined) {
    throw new DomainError('assignment.not-found', `Referral ${referral.id} has no part ${assignmentId}.`, {
      referralId: referral.id,
      assignmentId,
    });
  }
  if (a.state !== 'offered') {
    throw new DomainError(
      'assignment.not-offered',
      `This part of referral ${referral.id} was already ${a.state}${a.answeredAt === null ? '' : ` on ${a.answeredAt.slice(0, 10)}`}, so it cannot be ${verb}.`,
      { referralId: referral.id, assignmentId, state: a.state, answeredOn: a.answeredAt === null ? null : a.answeredAt.slice(0, 10) },
    );
  }
  return a;
}

/** Settles an offered part as accepted or expired; both are an answer with no reassignment. */
function settle(referral: Referral, assignmentId: string, state: 'accepted' | 'expired', ctx: OpContext): Outcome {
  const a = offeredAssignment(referral, assignmentId, state);
  const updated: ReferralAssignment = { ...a, state, answeredAt: ctx.now, answeredBy: ctx.actor };
  return {
    referral: { ...referral, assignments: replaceAssignment(referral, updated) },
    events: [{ id: ctx.newId(), type: state, at: ctx.now, actor: ctx.actor, mpnId: a.mpnId, referralId: referral.id, assignmentId, workloads: a.workloads }],
    received: [],
    explanation: [],
  };
}

/** The location accepts its offered part. */
export function acceptAssignment(referral: Referral, assignmentId: string, ctx: OpContext): Outcome {
  return settle(referral, assignmentId, 'accepted', ctx);
}

/** No answer came in time: the offer counts as not accepted. */
export function expireAssignment(referral: Referral, assignmentId: string, ctx: OpContext): Outcome {
  return settle(referral, assignmentId, 'expired', ctx);
}

/** The fact that a part moved: from its holder to the new parts and the FastTrack Center. */
function reassignedEvent(
  referral: Referral,
  from: ReferralAssignment,
  to: readonly ReferralAssignment[],
  ftc: readonly string[],
  ctx: OpContext,
  previousState?: 'offered' | 'accepted',
): ProgramEvent {
  return {
    id: ctx.newId(),
    type: 'reassigned',
    at: ctx.now,
    actor: ctx.actor,
    mpnId: from.mpnId,
    referralId: referral.id,
    assignmentId: from.id,
    workloads: from.workloads,
    to: to.map((x) => x.mpnId),
    ftc: [...ftc],
    ...(previousState === undefined ? {} : { previousState }),
  };
}

function checkReason(reason: DeclineReason): void {
  if (reason.code === 'other' && (reason.text === null || reason.text.trim() === '')) {
    throw new DomainError('decline.reason-required', 'Please say why: "other" needs a short reason.', {});
  }
}

/**
 * The location declines its part: the reason is kept, and that part alone is matched again with
 * every location that declined this referral excluded. The other parts stay where they are.
 */
export function declineAssignment(
  referral: Referral,
  assignmentId: string,
  reason: DeclineReason,
  matcher: Matcher,
  ctx: OpContext,
): Outcome {
  const a = offeredAssignment(referral, assignmentId, 'declined');
  checkReason(reason);
  const declined: ReferralAssignment = {
    ...a,
    state: 'declined',
    answeredAt: ctx.now,
    answeredBy: ctx.actor,
    declineReason: reason,
  };
  const declinedBy = [
    ...new Set([...referral.assignments.filter((x) => x.state === 'declined').map((x) => x.mpnId), a.mpnId]),
  ];
  // Exactly the contract's rule: only decliners are excluded, so a location holding another part
  // may receive this one too (acceptance counts each part as its own offer).
  const result = rematchDeclined(
    matcher,
    { referral: requestOf(referral), declinedWorkloads: a.workloads, declinedBy },
    { explain: 'customer-country' },
  );
  const offers = offersFrom(result.assignments, referral.id, ctx);
  const events: ProgramEvent[] = [
    { id: ctx.newId(), type: 'declined', at: ctx.now, actor: ctx.actor, mpnId: a.mpnId, referralId: referral.id, assignmentId, workloads: a.workloads, reason },
    reassignedEvent(referral, a, offers.assignments, result.ftc, ctx),
    ...offers.events,
  ];
  return {
    referral: {
      ...referral,
      assignments: [...replaceAssignment(referral, declined), ...offers.assignments],
      ftc: [...referral.ftc, ...ftcParts(result.ftc, ctx.now)],
    },
    events,
    received: offers.assignments.map((x) => x.mpnId),
    explanation: result.explanation,
  };
}

/** Where operations send a part: a named location (looked up by the caller), or matching's choice. */
export type ReassignTarget =
  | { readonly kind: 'location'; readonly mpnId: string; readonly location: LocationRecord | undefined }
  | { readonly kind: 'auto'; readonly matcher: () => Matcher };

/**
 * Operations may move a part that waits for an answer, and also one already accepted: the issue's
 * case is "a location cannot deliver", which is usually found out after accepting. A part that was
 * declined, expired or already moved has nothing left to move.
 */
export function isMovable(a: Pick<ReferralAssignment, 'state'>): boolean {
  return a.state === 'offered' || a.state === 'accepted';
}

function movableAssignment(referral: Referral, assignmentId: string): ReferralAssignment {
  const a = referral.assignments.find((x) => x.id === assignmentId);
  if (a === undefined) {
    throw new DomainError('assignment.not-found', `Referral ${referral.id} has no part ${assignmentId}.`, { referralId: referral.id, assignmentId });
  }
  if (!isMovable(a)) {
    throw new DomainError(
      'assignment.not-movable',
      `This part of referral ${referral.id} (${a.workloads.join(', ')} at ${a.mpnId}) was already ${a.state}, so it cannot be moved: only an offered or accepted part can.`,
      { referralId: referral.id, assignmentId, state: a.state },
    );
  }
  return a;
}

/** The hard rules a manual choice cannot override: the location exists, is in the program, is not paused. */
function checkManualTarget(target: Extract<ReassignTarget, { kind: 'location' }>, part: ReferralAssignment, now: string): LocationRecord {
  const l = target.location;
  if (l === undefined) throw new DomainError('reassign.unknown-location', `There is no location with MPN ID ${target.mpnId}.`, { mpnId: target.mpnId });
  const name = `${l.name} (MPN ID ${l.mpnId})`;
  const details = { mpnId: l.mpnId, name: l.name };
  if (l.status !== 'active') throw new DomainError('reassign.location-departed', `${name} has left the program, so it cannot receive referrals.`, details);
  // The matching contract's pause rule: paused while today is before pausedUntil.
  const pausedUntil = l.pause?.pausedUntil.slice(0, 10);
  if (pausedUntil !== undefined && now.slice(0, 10) < pausedUntil) {
    throw new DomainError('reassign.location-paused', `${name} is paused until ${pausedUntil}, so it cannot receive referrals now.`, { ...details, pausedUntil });
  }
  if (l.mpnId === part.mpnId) throw new DomainError('reassign.same-location', `${name} already holds this part.`, details);
  return l;
}

/**
 * Locations that `auto` never picks: the part's holder, every location that declined this
 * referral (as a decline does), and every location operations already moved a part of it away
 * from, so an automatic move never sends work back where it could not be delivered.
 */
function leftBehind(referral: Referral, part: ReferralAssignment): string[] {
  const gone = referral.assignments.filter((x) => x.state === 'declined' || x.state === 'reassigned').map((x) => x.mpnId);
  return [...new Set([part.mpnId, ...gone])];
}

/**
 * FastTrack operations move one part of a referral: it becomes `reassigned` and a new `offered`
 * part goes to the named location (basis `manual`) or, with `auto`, wherever matching places
 * those workloads with {@link leftBehind} excluded, which may split or leave work to the
 * FastTrack Center. The part's answer (if it was accepted) stays on record; the move itself is
 * the `reassigned` event.
 */
export function reassignAssignment(referral: Referral, assignmentId: string, target: ReassignTarget, ctx: OpContext): Outcome {
  const a = movableAssignment(referral, assignmentId);
  let parts: NewPart[];
  let ftc: string[] = [];
  let explanation: readonly string[] = [];
  if (target.kind === 'location') {
    const l = checkManualTarget(target, a, ctx.now);
    parts = [{ mpnId: l.mpnId, workloads: [...a.workloads], basis: 'manual' }];
  } else {
    const result = rematchDeclined(
      target.matcher(),
      { referral: requestOf(referral), declinedWorkloads: a.workloads, declinedBy: leftBehind(referral, a) },
      { explain: 'customer-country' },
    );
    parts = result.assignments;
    ftc = result.ftc;
    explanation = result.explanation;
  }
  const offers = offersFrom(parts, referral.id, ctx);
  const moved: ReferralAssignment = { ...a, state: 'reassigned' };
  const event = reassignedEvent(referral, a, offers.assignments, ftc, ctx, a.state === 'offered' ? 'offered' : 'accepted');
  return {
    referral: {
      ...referral,
      assignments: [...replaceAssignment(referral, moved), ...offers.assignments],
      ftc: [...referral.ftc, ...ftcParts(ftc, ctx.now)],
    },
    events: [event, ...offers.events],
    received: offers.assignments.map((x) => x.mpnId),
    explanation,
  };
}
