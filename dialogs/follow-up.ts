import { DECLINE_REASONS, type DeclineReason } from '../domain/referrals/types.ts';
import { declineReasonIn } from './decline-reason.ts';

/** A question the bot asked and the user may answer by typing, not only on the card. */
export type FollowUp =
  | { readonly kind: 'decline-reason'; readonly referralId: string; readonly assignmentId: string; readonly askedAt: string }
  | { readonly kind: 'pause-period'; readonly mpnId: string; readonly askedAt: string };

/** Where open questions live between turns: the bot keeps them in botbuilder Storage (lowdb). */
export interface FollowUps {
  get(conversationId: string, userId: string): Promise<FollowUp | undefined>;
  set(conversationId: string, userId: string, followUp: FollowUp | undefined): Promise<void>;
}

/** An open question is abandoned after 10 minutes; the next message is then routed as usual. */
export const FOLLOW_UP_TTL_MS = 10 * 60_000;

export function isFresh(f: FollowUp, now: Date): boolean {
  const asked = Date.parse(f.askedAt);
  return !Number.isNaN(asked) && now.getTime() - asked <= FOLLOW_UP_TTL_MS;
}

/** A typed answer to "why are you declining?": a listed number, a reason in words, or nothing. */
export function typedDeclineReason(text: string): DeclineReason | undefined {
  const t = text.trim();
  const n = /^([1-4])\.?$/.exec(t);
  if (n !== null) {
    const code = DECLINE_REASONS[Number(n[1]) - 1];
    return code === undefined || code === 'other' ? undefined : { code, text: null };
  }
  // Free text is not taken as "other" here: the user may simply have moved on to a new question.
  return declineReasonIn(t, { freeTextIsOther: false });
}
