import { DomainError } from '../errors.ts';
import { rematchDeclined, type Matcher, type MatchResult, type ReferralRequest } from '../matching/index.ts';
import type { ReferralType } from '../matching/types.ts';
import type {
  CustomerRecord,
  DeclineReason,
  FtcPart,
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

function offersFrom(result: MatchResult, referralId: string, ctx: OpContext): { assignments: ReferralAssignment[]; events: ProgramEvent[] } {
  const assignments: ReferralAssignment[] = result.assignments.map((a) => ({
    id: ctx.newId(),
    mpnId: a.mpnId,
    workloads: [...a.workloads],
    basis: a.basis,
    state: 'offered',
    offeredAt: ctx.now,
    answeredAt: null,
    answeredBy: null,
    declineReason: null,
  }));
  const events: ProgramEvent[] = assignments.map((a) => ({
    id: ctx.newId(),
    type: 'offered',
    at: ctx.now,
    actor: ctx.actor,
    mpnId: a.mpnId,
    referralId,
    assignmentId: a.id,
    workloads: a.workloads,
  }));
  return { assignments, events };
}

function ftcParts(result: MatchResult, now: string): FtcPart[] {
  return result.ftc.length > 0 ? [{ workloads: [...result.ftc], at: now }] : [];
}

/** Matches a new referral and offers its parts. The matcher's counters move with it. */
export function placeReferral(input: NewReferral, matcher: Matcher, ctx: OpContext): Outcome {
  const result = matcher.match(requestOf(input), { explain: 'customer-country' });
  const { assignments, events } = offersFrom(result, input.id, ctx);
  const referral: Referral = {
    id: input.id,
    type: input.type,
    customer: input.customer,
    workloads: [...input.workloads],
    createdAt: ctx.now,
    assignments,
    ftc: ftcParts(result, ctx.now),
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
      { referralId: referral.id, assignmentId, state: a.state },
    );
  }
  return a;
}

function replaceAssignment(referral: Referral, updated: ReferralAssignment): ReferralAssignment[] {
  return referral.assignments.map((a) => (a.id === updated.id ? updated : a));
}

/** The location accepts its offered part. */
export function acceptAssignment(referral: Referral, assignmentId: string, ctx: OpContext): Outcome {
  const a = offeredAssignment(referral, assignmentId, 'accepted');
  const updated: ReferralAssignment = { ...a, state: 'accepted', answeredAt: ctx.now, answeredBy: ctx.actor };
  return {
    referral: { ...referral, assignments: replaceAssignment(referral, updated) },
    events: [
      { id: ctx.newId(), type: 'accepted', at: ctx.now, actor: ctx.actor, mpnId: a.mpnId, referralId: referral.id, assignmentId, workloads: a.workloads },
    ],
    received: [],
    explanation: [],
  };
}

/** No answer came in time: the offer counts as not accepted. */
export function expireAssignment(referral: Referral, assignmentId: string, ctx: OpContext): Outcome {
  const a = offeredAssignment(referral, assignmentId, 'expired');
  const updated: ReferralAssignment = { ...a, state: 'expired', answeredAt: ctx.now, answeredBy: ctx.actor };
  return {
    referral: { ...referral, assignments: replaceAssignment(referral, updated) },
    events: [
      { id: ctx.newId(), type: 'expired', at: ctx.now, actor: ctx.actor, mpnId: a.mpnId, referralId: referral.id, assignmentId, workloads: a.workloads },
    ],
    received: [],
    explanation: [],
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
  const offers = offersFrom(result, referral.id, ctx);
  const events: ProgramEvent[] = [
    { id: ctx.newId(), type: 'declined', at: ctx.now, actor: ctx.actor, mpnId: a.mpnId, referralId: referral.id, assignmentId, workloads: a.workloads, reason },
    {
      id: ctx.newId(),
      type: 'reassigned',
      at: ctx.now,
      actor: ctx.actor,
      mpnId: a.mpnId,
      referralId: referral.id,
      assignmentId,
      workloads: a.workloads,
      to: offers.assignments.map((x) => x.mpnId),
      ftc: [...result.ftc],
    },
    ...offers.events,
  ];
  return {
    referral: {
      ...referral,
      assignments: [...replaceAssignment(referral, declined), ...offers.assignments],
      ftc: [...referral.ftc, ...ftcParts(result, ctx.now)],
    },
    events,
    received: offers.assignments.map((x) => x.mpnId),
    explanation: result.explanation,
  };
}
