import {
  ActivityTypes,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type Activity,
} from 'botbuilder';
import { z } from 'zod';
import type { Caller, FaqConversation, Reply } from '../dialogs/conversation.ts';
import type { Logger } from './logger.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from './cards/adaptive.ts';
import { FEEDBACK_VERB, faqAnswerCard, notSureCard } from './cards/faq-cards.ts';
import { helpCard, welcomeCard } from './cards/help-cards.ts';
import { comingSoonText } from './coming-soon.ts';

/** Remembers greeted conversations so the twin install events greet once. */
export interface Greetings {
  markGreeted(conversationId: string, at: string): Promise<boolean>;
  forget(conversationId: string): Promise<void>;
}

const feedbackData = z.object({ topicId: z.string().min(1).max(100), helpful: z.boolean() });

function attachCard(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** Identity comes from the activity, which the adapter authenticated; never from card data. */
export function callerOf(activity: Activity): Caller {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const tenant = typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : activity.conversation?.tenantId;
  return {
    userId: activity.from?.aadObjectId ?? activity.from?.id ?? '',
    tenantId: tenant ?? '',
    conversationId: activity.conversation?.id ?? '',
  };
}

function isMentioned(activity: Activity): boolean {
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === activity.recipient?.id,
  );
}

/**
 * The Teams activity handler: greets on install, answers messages through the FAQ conversation,
 * and handles the card actions. In channels and group chats it speaks only when @mentioned.
 */
export class ReferralBot extends TeamsActivityHandler {
  constructor(
    private readonly faq: FaqConversation,
    private readonly greetings: Greetings,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.greet(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.greetings.forget(context.activity.conversation.id);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) await this.greet(context);
      await next();
    });
  }

  private async greet(context: TurnContext): Promise<void> {
    const first = await this.greetings.markGreeted(context.activity.conversation.id, this.now().toISOString());
    if (first) await context.sendActivity(attachCard(welcomeCard(this.faq.suggested())));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const personal = (activity.conversation?.conversationType ?? 'personal') === 'personal';
    if (!personal && !isMentioned(activity)) return;
    const text = personal && !isMentioned(activity) ? (activity.text ?? '') : stripMentions(activity);
    const reply = await this.faq.respond(text, callerOf(activity));
    await this.send(context, reply);
  }

  private async send(context: TurnContext, reply: Reply): Promise<void> {
    switch (reply.kind) {
      case 'faq':
        await context.sendActivity(attachCard(faqAnswerCard(reply.topic, reply.related)));
        return;
      case 'not-sure':
        await context.sendActivity(attachCard(notSureCard(reply.closest)));
        return;
      case 'help':
        await context.sendActivity(attachCard(helpCard(reply.suggested)));
        return;
      case 'coming-soon':
        await context.sendActivity(comingSoonText(reply.command));
        return;
      case 'empty':
        await context.sendActivity('Type a question about the referral program, or **help** to see what I can do.');
        return;
    }
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action?.verb;
    if (verb === FEEDBACK_VERB) {
      const data = feedbackData.safeParse(invokeValue.action.data);
      if (!data.success) return invokeError(400, 'BadRequest', 'the feedback data is not valid');
      const topic = await this.faq.rate(data.data.topicId, data.data.helpful, callerOf(context.activity));
      if (topic === undefined) return invokeError(400, 'BadRequest', 'unknown topic');
      const answer = this.faq.answer(topic);
      if (answer.kind !== 'faq') return invokeError(500, 'InternalError', 'unexpected reply');
      const updated = faqAnswerCard(topic, answer.related, data.data.helpful ? 'helpful' : 'not-helpful');
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: updated as unknown as Record<string, unknown> };
    }
    this.logger.warn('unknown card action', { verb: verb ?? null });
    return invokeError(400, 'BadRequest', `unknown action "${String(verb)}"`);
  }

  /** Every turn goes through here; non-message activities the handler does not know are ignored. */
  override async run(context: TurnContext): Promise<void> {
    if (context.activity.type === ActivityTypes.Message && context.activity.value !== undefined && !context.activity.text) {
      // A card submit without text (not an imBack) has nothing to route.
      await context.sendActivity('That button is no longer active. Type **help** to see what I can do.');
      return;
    }
    await super.run(context);
  }
}

function invokeError(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } };
}

/** Removes every <at>…</at> mention and leftover whitespace before routing. */
export function stripMentions(activity: Activity): string {
  const withoutBot = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
  return withoutBot.replace(/<at>[^<]*<\/at>/g, ' ').replace(/\s+/g, ' ').trim();
}
