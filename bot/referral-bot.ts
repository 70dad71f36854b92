import {
  ActivityTypes,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { audiencesOf } from '../domain/access/audience.ts';
import type { BotServices } from './bot-services.ts';
import { channelRefusal } from './channel-guard.ts';
import { CARD_ACTIONS, invokeError } from './card-actions.ts';
import type { Shown } from './commands/command.ts';
import { forgetConversation, greet, trackConversation } from './conversation-lifecycle.ts';
import { MESSAGE_ROUTES, openFollowUp, type MessageTurn } from './message-routes.ts';
import { conversationRefOf } from './notifications/conversation-refs.ts';
import { callerOf, isMentioned, principalOf, stripMentions } from './turn-identity.ts';

/**
 * The Teams activity handler: greets on install, answers messages through the message routes and
 * card clicks through the card actions. In channels and group chats it speaks only when @mentioned.
 */
export class ReferralBot extends TeamsActivityHandler {
  constructor(private readonly s: BotServices) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await greet(context, s);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await s.greetings.forget(context.activity.conversation.id);
      await forgetConversation(context, s, 'the bot was uninstalled');
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersRemoved ?? []).some((m) => m.id === botId)) await forgetConversation(context, s, 'the bot was removed');
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) await greet(context, s);
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const turn = await this.messageTurn(context.activity);
    if (turn === null) return;
    const route = MESSAGE_ROUTES.find((r) => r.select(turn));
    if (route !== undefined) await send(context, await route.handle(turn, this.s));
  }

  /** The message as the routes see it, or null when it is not for the bot (a channel post without a mention). */
  private async messageTurn(activity: Activity): Promise<MessageTurn | null> {
    const personal = (activity.conversation?.conversationType ?? 'personal') === 'personal';
    if (!personal && !isMentioned(activity)) return null;
    const text = personal && !isMentioned(activity) ? (activity.text ?? '') : stripMentions(activity);
    const caller = callerOf(activity);
    const principal = principalOf(activity, this.s.read());
    const now = this.s.now();
    const stored = conversationRefOf(activity, this.s.serviceUrls);
    return {
      text,
      now,
      followUp: await openFollowUp(this.s, caller.conversationId, caller.userId, now),
      understood: this.s.commands.faq.understand(text),
      command: { text: text.trim(), principal, caller, conversationId: 'ref' in stored ? stored.ref.id : '', audiences: audiencesOf(principal) },
    };
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action?.verb;
    const route = typeof verb === 'string' ? CARD_ACTIONS.find((a) => a.select(verb)) : undefined;
    if (route !== undefined) return route.handle(context, invokeValue.action.data, this.s);
    const shown = typeof verb === 'string' ? verb.slice(0, 60) : null;
    this.s.logger.warn('unknown card action', { verb: shown });
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
    const refused = channelRefusal(a, this.s.channels);
    if (refused !== null) {
      this.s.refusals.channel++;
      this.s.logger.warn('activity refused', { reason: refused, type: typeof a.type === 'string' ? a.type.slice(0, 40) : null });
      return;
    }
    const removal = a.type === ActivityTypes.InstallationUpdate && (a.action ?? '').startsWith('remove');
    const joined = a.type === ActivityTypes.ConversationUpdate && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
    if (!removal && (a.type === ActivityTypes.Message || a.type === ActivityTypes.Invoke || a.type === ActivityTypes.InstallationUpdate || joined)) {
      await trackConversation(context, this.s);
    }
    if (a.type === ActivityTypes.Message && a.value !== undefined && !a.text) {
      // A card submit without text (not an imBack) has nothing to route.
      await context.sendActivity('That button is no longer active. Type **help** to see what I can do.');
      return;
    }
    await super.run(context);
  }
}

async function send(context: TurnContext, out: Shown): Promise<void> {
  await context.sendActivity(typeof out === 'string' ? out : MessageFactory.attachment(CardFactory.adaptiveCard(out)));
}
