import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { DECLINE_REASONS } from '../domain/referrals/types.ts';
import type { BotServices } from './bot-services.ts';
import { card, text, type AdaptiveCard, ADAPTIVE_CARD_CONTENT_TYPE } from './cards/adaptive.ts';
import { FEEDBACK_VERB, faqAnswerCard } from './cards/faq-cards.ts';
import { OPS_VERBS, renderOps } from './cards/ops-cards.ts';
import { VERBS, pauseCancelledCard } from './cards/referral-cards.ts';
import type { Shown } from './commands/command.ts';
import { renderCommand } from './render-command.ts';
import { callerOf, principalOf } from './turn-identity.ts';

/** A card's button: its verb, the shape of its data, and what clicking it does. */
export interface CardActionRoute {
  readonly select: (verb: string) => boolean;
  readonly handle: (context: TurnContext, data: unknown, s: BotServices) => Promise<AdaptiveCardInvokeResponse>;
}

/** The card shown in place of the clicked one. */
export function invokeShown(out: Shown): AdaptiveCardInvokeResponse {
  const shown: AdaptiveCard = typeof out === 'string' ? card([text(out)]) : out;
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: shown as unknown as Record<string, unknown> };
}

export function invokeError(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } };
}

/**
 * A route for one verb whose data must match `schema`. Card data names what was clicked, never who
 * may act: the handler takes the caller from the activity and its rights from the store.
 */
function action<T>(verb: string, schema: z.ZodType<T>, handle: (context: TurnContext, data: T, s: BotServices) => Promise<Shown> | Shown): CardActionRoute {
  return {
    select: (v) => v === verb,
    handle: async (context, raw, s) => {
      const data = schema.safeParse(raw);
      if (!data.success) return invokeError(400, 'BadRequest', 'the card data is not valid');
      return invokeShown(await handle(context, data.data, s));
    },
  };
}

const feedbackData = z.object({ topicId: z.string().min(1).max(100), helpful: z.boolean() });
const partData = z.object({ referralId: z.string().min(1).max(64), assignmentId: z.string().min(1).max(100) });
const declineData = partData.extend({
  confirm: z.boolean().optional(),
  reason: z.enum(DECLINE_REASONS).optional(),
  reasonText: z.string().max(300).optional(),
});
const pauseData = z.object({ mpnId: z.string().min(1).max(20), until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), issuedAt: z.string().max(40) });
const reassignData = partData.extend({ target: z.string().regex(/^(auto|\d{5,10})$/) });

const principal = (context: TurnContext, s: BotServices) => principalOf(context.activity, s.read());

/** Every card verb the bot answers. A click on a part already answered shows that answer instead of acting. */
export const CARD_ACTIONS: readonly CardActionRoute[] = [
  {
    select: (v) => v === FEEDBACK_VERB,
    handle: async (context, raw, s) => {
      const data = feedbackData.safeParse(raw);
      if (!data.success) return invokeError(400, 'BadRequest', 'the feedback data is not valid');
      const topic = await s.commands.faq.rate(data.data.topicId, data.data.helpful, callerOf(context.activity));
      if (topic === undefined) return invokeError(400, 'BadRequest', 'unknown topic');
      return invokeShown(faqAnswerCard(topic, s.commands.faq.answer(topic).related, data.data.helpful ? 'helpful' : 'not-helpful'));
    },
  },
  action(VERBS.accept, partData, async (context, d, s) =>
    renderCommand(await s.commands.partner.acceptPart(principal(context, s), d.referralId, d.assignmentId), s.commands.names),
  ),
  action(VERBS.decline, declineData, async (context, d, s) => {
    const reason =
      d.confirm === true && d.reason !== undefined
        ? { code: d.reason, text: d.reasonText === undefined || d.reasonText.trim() === '' ? null : d.reasonText.trim() }
        : undefined;
    return renderCommand(await s.commands.partner.declinePart(principal(context, s), d.referralId, d.assignmentId, reason), s.commands.names);
  }),
  action(VERBS.confirmPause, pauseData, async (context, d, s) =>
    renderCommand(await s.commands.partner.confirmPause(principal(context, s), d.mpnId, d.until, d.issuedAt), s.commands.names),
  ),
  action(VERBS.cancelPause, z.unknown(), () => pauseCancelledCard()),
  action(OPS_VERBS.reassign, reassignData, async (context, d, s) =>
    renderOps(await s.commands.ops.reassignPart(principal(context, s), d.referralId, d.assignmentId, d.target), s.commands.names),
  ),
];
