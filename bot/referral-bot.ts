import {
  ActivityTypes,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type Activity,
} from 'botbuilder';
import { z } from 'zod';
import type { Caller, FaqConversation, Reply } from '../dialogs/conversation.ts';
import type { Logger } from './logger.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, card, text, type AdaptiveCard } from './cards/adaptive.ts';
import { FEEDBACK_VERB, faqAnswerCard, notSureCard } from './cards/faq-cards.ts';
import { helpCard, welcomeCard } from './cards/help-cards.ts';
import { comingSoonText } from './coming-soon.ts';
import type { ReferralCommands, CommandReply } from '../dialogs/referral-commands.ts';
import type { OpsCommands } from '../dialogs/ops-commands.ts';
import type { LocationCommand } from '../dialogs/conversation.ts';
import type { Principal } from '../domain/access/policy.ts';
import type { ReferralService } from '../domain/referrals/referral-service.ts';
import { DECLINE_REASONS } from '../domain/referrals/types.ts';
import { VERBS, pauseCancelledCard } from './cards/referral-cards.ts';
import { OPS_VERBS, renderOps } from './cards/ops-cards.ts';
import { namesFrom, type Names } from './names.ts';
import { renderCommand } from './render-command.ts';
import { isFresh, typedDeclineReason, type FollowUps } from '../dialogs/follow-up.ts';
import { parsePauseEnd } from '../dialogs/pause-period.ts';
import type { SubscriptionCommands, SubscriptionReply } from '../dialogs/subscription-commands.ts';
import type { OutboxCommands } from '../dialogs/outbox-commands.ts';
import type { NotificationCommand } from '../dialogs/conversation.ts';
import { renderOutbox } from './cards/notification-cards.ts';
import { conversationRefOf, type StoredRef } from './notifications/conversation-refs.ts';
import type { ServiceUrlPolicy } from './notifications/service-url.ts';

/** The conversation side of notifications: where the bot may post, and the commands about it. */
export interface BotNotifications {
  readonly book: { remember(ref: StoredRef): Promise<void>; forget(conversationId: string, reason: string, teamId: string | null): Promise<void> };
  readonly serviceUrls: ServiceUrlPolicy;
  readonly subscriptions: SubscriptionCommands;
  readonly outbox: OutboxCommands;
}

/** Remembers greeted conversations so the twin install events greet once. */
export interface Greetings {
  markGreeted(conversationId: string, at: string): Promise<boolean>;
  forget(conversationId: string): Promise<void>;
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

function attachCard(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** Identity comes from the activity, which the adapter authenticated; never from card data. */
export function callerOf(activity: Activity): Caller {
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const tenant = text(channelData?.tenant?.id) ?? text(activity.conversation?.tenantId);
  return {
    // Only text reaches the store: a number here would make the store fail validation at the next start.
    userId: text(activity.from?.aadObjectId) ?? text(activity.from?.id) ?? '',
    tenantId: tenant ?? '',
    conversationId: text(activity.conversation?.id) ?? '',
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
  private readonly names: Names;

  constructor(
    private readonly faq: FaqConversation,
    private readonly greetings: Greetings,
    private readonly logger: Logger,
    private readonly now: () => Date,
    private readonly commands: ReferralCommands,
    private readonly referrals: ReferralService,
    private readonly ops: OpsCommands,
    private readonly followUps: FollowUps,
    private readonly notifications: BotNotifications | null = null,
  ) {
    super();
    this.names = namesFrom(() => this.referrals.read());
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
      await this.forgetConversation(context, 'the bot was uninstalled');
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersRemoved ?? []).some((m) => m.id === botId)) await this.forgetConversation(context, 'the bot was removed');
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) await this.greet(context);
      await next();
    });
  }

  /**
   * Keeps the conversation's reference current so notifications can reach it: on install, and on
   * any activity (a conversation Teams once refused is active again when it talks to the bot). A
   * failure here is logged and never fails the user's turn.
   */
  private async trackConversation(context: TurnContext): Promise<void> {
    if (this.notifications === null) return;
    const found = conversationRefOf(context.activity, this.notifications.serviceUrls);
    if ('refused' in found) {
      this.logger.warn('conversation reference not stored', { reason: found.refused, conversationId: context.activity.conversation?.id ?? null });
      return;
    }
    try {
      await this.notifications.book.remember(found.ref);
    } catch (err) {
      this.logger.error('could not store the conversation reference', { error: String(err) });
    }
  }

  private async forgetConversation(context: TurnContext, reason: string): Promise<void> {
    if (this.notifications === null) return;
    const found = conversationRefOf(context.activity, { extraHosts: [], allowLocal: true });
    const id = 'ref' in found ? found.ref.id : context.activity.conversation?.id;
    const teamId = 'ref' in found ? found.ref.teamId : null;
    if (id !== undefined) await this.notifications.book.forget(id, reason, teamId);
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
    const caller = callerOf(activity);
    if (await this.answerFollowUp(context, text, caller)) return;
    const reply = await this.faq.respond(text, caller);
    if (reply.kind === 'command') {
      const result = await this.runCommand(reply.command, reply.text, this.principalOf(activity));
      await this.remember(caller, result);
      await this.sendOut(context, renderCommand(result, this.names));
      return;
    }
    if (reply.kind === 'notifications') {
      await this.sendOut(context, await this.notificationCommand(reply.command, reply.text, context.activity));
      return;
    }
    if (reply.kind === 'ops') {
      await this.sendOut(context, renderOps(await this.ops.run(reply.command, reply.text, this.principalOf(activity)), this.names));
      return;
    }
    await this.send(context, reply);
  }

  /** Keeps the question the bot just asked, so a typed answer on the next turn completes it. */
  private async remember(caller: Caller, result: CommandReply): Promise<void> {
    const askedAt = this.now().toISOString();
    if (result.kind === 'ask-decline-reason') {
      await this.followUps.set(caller.conversationId, caller.userId, {
        kind: 'decline-reason',
        referralId: result.referral.id,
        assignmentId: result.part.id,
        askedAt,
      });
    } else if (result.kind === 'ask-pause-period') {
      await this.followUps.set(caller.conversationId, caller.userId, { kind: 'pause-period', mpnId: result.location.mpnId, askedAt });
    }
  }

  /**
   * A typed answer to the question asked on the previous turn. The question gets one answer and
   * lapses after 10 minutes; anything that is not an answer is routed as a new message. Rights are
   * checked again, as of now, by the commands.
   */
  private async answerFollowUp(context: TurnContext, text: string, caller: Caller): Promise<boolean> {
    const open = await this.followUps.get(caller.conversationId, caller.userId);
    if (open === undefined) return false;
    await this.followUps.set(caller.conversationId, caller.userId, undefined);
    if (!isFresh(open, this.now())) return false;
    const p = this.principalOf(context.activity);
    if (open.kind === 'decline-reason') {
      const reason = typedDeclineReason(text);
      if (reason === undefined) return false;
      await this.sendOut(context, renderCommand(await this.commands.declinePart(p, open.referralId, open.assignmentId, reason), this.names));
      return true;
    }
    if (!parsePauseEnd(text, this.now()).ok) return false;
    const result = this.commands.pause(p, `pause ${open.mpnId} ${text}`);
    await this.sendOut(context, renderCommand(result, this.names));
    return true;
  }

  /** Who the caller is, from the store's users: tenant + AAD object id, never a display name. */
  private principalOf(activity: Activity): Principal {
    const caller = callerOf(activity);
    return { tenantId: caller.tenantId, aadObjectId: caller.userId, user: this.referrals.read().user(caller.tenantId, caller.userId) };
  }

  private runCommand(command: LocationCommand, text: string, p: Principal): Promise<CommandReply> | CommandReply {
    switch (command) {
      case 'pending':
        return this.commands.pending(p, text);
      case 'accept':
        return this.commands.accept(p, text);
      case 'decline':
        return this.commands.decline(p, text);
      case 'acceptance-rate':
        return this.commands.acceptanceRate(p, text);
      case 'pause':
        return this.commands.pause(p, text);
      case 'resume':
        return this.commands.resume(p, text);
      case 'status':
        return this.commands.status(p, text);
    }
  }

  private async notificationCommand(command: NotificationCommand, text: string, activity: Activity): Promise<AdaptiveCard | string> {
    if (this.notifications === null) return comingSoonText(command);
    const p = this.principalOf(activity);
    if (command === 'notifications') return renderOutbox(await this.notifications.outbox.run(p, text), this.names);
    const found = conversationRefOf(activity, this.notifications.serviceUrls);
    const where = { conversationId: 'ref' in found ? found.ref.id : '' };
    const reply =
      command === 'subscribe' ? await this.notifications.subscriptions.subscribe(p, text, where) : await this.notifications.subscriptions.unsubscribe(p, text, where);
    return this.renderSubscription(reply);
  }

  private renderSubscription(reply: SubscriptionReply): AdaptiveCard | string {
    switch (reply.kind) {
      case 'not-in-channel':
        return reply.command === 'subscribe'
          ? 'Run **subscribe <MPN ID>** in the team channel that should receive the location\'s notifications (mention me there). Program admins already get them here, in their personal chat with me.'
          : 'Run **unsubscribe** in the team channel that should stop receiving notifications (mention me there).';
      case 'subscribed':
        return reply.already
          ? `This channel already receives notifications for ${reply.location.name} (MPN ID ${reply.location.mpnId}).`
          : `Done: this channel now receives notifications for ${reply.location.name} (MPN ID ${reply.location.mpnId}): new and reassigned referrals, pause reminders and acceptance-rate alerts. Channel subscriptions: ${reply.channelHas.join(', ')}. Type **unsubscribe ${reply.location.mpnId}** to stop.`;
      case 'unsubscribed':
        return reply.removed.length === 0
          ? 'This channel was not receiving any notifications you manage. Nothing changed.'
          : `Stopped notifications in this channel for MPN ID ${reply.removed.join(', ')}.${reply.kept.length > 0 ? ` Still subscribed: ${reply.kept.join(', ')} (managed by their own admins).` : ''}`;
      default:
        return renderCommand(reply, this.names);
    }
  }

  private async sendOut(context: TurnContext, out: AdaptiveCard | string): Promise<void> {
    await context.sendActivity(typeof out === 'string' ? out : attachCard(out));
  }

  /** Card actions answer with the card that replaces the clicked one. */
  private invokeCard(reply: CommandReply): AdaptiveCardInvokeResponse {
    return invokeShown(renderCommand(reply, this.names));
  }

  /** A click on a card whose part was already answered shows that answer instead of acting. */
  private async partAction(context: TurnContext, verb: string, raw: unknown): Promise<AdaptiveCardInvokeResponse> {
    const p = this.principalOf(context.activity);
    if (verb === VERBS.accept) {
      const data = partData.safeParse(raw);
      if (!data.success) return invokeError(400, 'BadRequest', 'the card data is not valid');
      return this.invokeCard(await this.commands.acceptPart(p, data.data.referralId, data.data.assignmentId));
    }
    const data = declineData.safeParse(raw);
    if (!data.success) return invokeError(400, 'BadRequest', 'the card data is not valid');
    const d = data.data;
    const reason =
      d.confirm === true && d.reason !== undefined
        ? { code: d.reason, text: d.reasonText === undefined || d.reasonText.trim() === '' ? null : d.reasonText.trim() }
        : undefined;
    return this.invokeCard(await this.commands.declinePart(p, d.referralId, d.assignmentId, reason));
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
    if (verb === VERBS.accept || verb === VERBS.decline) {
      return this.partAction(context, verb, invokeValue.action.data);
    }
    if (verb === VERBS.confirmPause) {
      const data = pauseData.safeParse(invokeValue.action.data);
      if (!data.success) return invokeError(400, 'BadRequest', 'the card data is not valid');
      const p = this.principalOf(context.activity);
      return this.invokeCard(await this.commands.confirmPause(p, data.data.mpnId, data.data.until, data.data.issuedAt));
    }
    if (verb === OPS_VERBS.reassign) {
      const data = reassignData.safeParse(invokeValue.action.data);
      if (!data.success) return invokeError(400, 'BadRequest', 'the card data is not valid');
      const d = data.data;
      return invokeShown(renderOps(await this.ops.reassignPart(this.principalOf(context.activity), d.referralId, d.assignmentId, d.target), this.names));
    }
    if (verb === VERBS.cancelPause) {
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: pauseCancelledCard() as unknown as Record<string, unknown> };
    }
    const shown = typeof verb === 'string' ? verb.slice(0, 60) : null;
    this.logger.warn('unknown card action', { verb: shown });
    return invokeError(400, 'BadRequest', `unknown action "${shown ?? ''}"`);
  }

  /**
   * botbuilder reads `value.action.type` of a card action without checking it exists, so a
   * malformed click would fail the turn (501 and an apology in the chat); answer it with a 400.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') {
      // The app declares no other invokes (task modules, message extensions…); botbuilder would
      // answer them 501, which reads as a server fault.
      return { status: 400, body: invokeError(400, 'BadRequest', 'this bot handles Adaptive Card actions only') };
    }
    const value: unknown = context.activity.value;
    const action = value !== null && typeof value === 'object' ? (value as { action?: unknown }).action : undefined;
    if (action === null || typeof action !== 'object' || Array.isArray(action)) {
      return { status: 400, body: invokeError(400, 'BadRequest', 'the card action is missing') };
    }
    // botbuilder builds messages from these; a deeply nested value would overflow the stack there.
    const { type, verb } = action as { type?: unknown; verb?: unknown };
    if (typeof type !== 'string' || (verb !== undefined && typeof verb !== 'string')) {
      return { status: 400, body: invokeError(400, 'BadRequest', 'the card action type and verb must be text') };
    }
    return super.onInvokeActivity(context);
  }

  /** Every turn goes through here; non-message activities the handler does not know are ignored. */
  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    const removal = a.type === ActivityTypes.InstallationUpdate && (a.action ?? '').startsWith('remove');
    if (!removal && (a.type === ActivityTypes.Message || a.type === ActivityTypes.Invoke || a.type === ActivityTypes.InstallationUpdate || (a.type === ActivityTypes.ConversationUpdate && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id)))) {
      await this.trackConversation(context);
    }
    if (context.activity.type === ActivityTypes.Message && context.activity.value !== undefined && !context.activity.text) {
      // A card submit without text (not an imBack) has nothing to route.
      await context.sendActivity('That button is no longer active. Type **help** to see what I can do.');
      return;
    }
    await super.run(context);
  }
}

function invokeShown(out: AdaptiveCard | string): AdaptiveCardInvokeResponse {
  const shown = typeof out === 'string' ? card([text(out)]) : out;
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: shown as unknown as Record<string, unknown> };
}

function invokeError(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } };
}

/** Removes every <at>…</at> mention and leftover whitespace before routing. */
export function stripMentions(activity: Activity): string {
  if (typeof activity.text !== 'string') return '';
  const withoutBot = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
  return withoutBot.replace(/<at>[^<]*<\/at>/g, ' ').replace(/\s+/g, ' ').trim();
}
