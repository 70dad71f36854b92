import type { OpContext } from './operations.ts';
import type { FtcPart, ProgramEvent, Referral, ReferralAssignment } from './types.ts';

/** A part about to be offered: matching's assignment, or operations' manual choice. */
export type NewPart = Pick<ReferralAssignment, 'mpnId' | 'workloads' | 'basis'>;

/**
 * Offers new parts: each becomes an `offered` assignment with its `offered` event. Shared by every
 * operation that places work (intake, a decline's rematch, an operations move) so all record the
 * same facts.
 */
export function offersFrom(parts: readonly NewPart[], referralId: string, ctx: OpContext): { assignments: ReferralAssignment[]; events: ProgramEvent[] } {
  const assignments: ReferralAssignment[] = parts.map((a) => ({
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

/** The FastTrack Center's share of a placement, recorded only when there is one. */
export function ftcParts(ftc: readonly string[], now: string): FtcPart[] {
  return ftc.length > 0 ? [{ workloads: [...ftc], at: now }] : [];
}

/** The referral's parts with one replaced by its new state. */
export function replaceAssignment(referral: Referral, updated: ReferralAssignment): ReferralAssignment[] {
  return referral.assignments.map((a) => (a.id === updated.id ? updated : a));
}
