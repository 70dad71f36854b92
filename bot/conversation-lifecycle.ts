import type { TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { BotServices } from './bot-services.ts';
import { welcomeCard } from './cards/help-cards.ts';
import { conversationRefOf } from './notifications/conversation-refs.ts';

/**
 * Keeps the conversation's reference current so notifications can reach it: on install, and on
 * any activity (a conversation Teams once refused is active again when it talks to the bot). A
 * failure here is logged and never fails the user's turn.
 */
export async function trackConversation(context: TurnContext, s: BotServices): Promise<void> {
  const found = conversationRefOf(context.activity, s.serviceUrls);
  if ('refused' in found) {
    s.logger.warn('conversation reference not stored', { reason: found.refused, conversationId: context.activity.conversation?.id ?? null });
    return;
  }
  try {
    await s.conversations.remember(found.ref);
  } catch (err) {
    s.logger.error('could not store the conversation reference', { error: String(err) });
  }
}

/** The bot was uninstalled or removed: forget the conversation (a team's removal, all its channels). */
export async function forgetConversation(context: TurnContext, s: BotServices, reason: string): Promise<void> {
  const found = conversationRefOf(context.activity, { extraHosts: [], allowLocal: true });
  const id = 'ref' in found ? found.ref.id : context.activity.conversation?.id;
  const teamId = 'ref' in found ? found.ref.teamId : null;
  if (id !== undefined) await s.conversations.forget(id, reason, teamId);
}

/** The welcome card, once per conversation: Teams sends both an installationUpdate and a conversationUpdate. */
export async function greet(context: TurnContext, s: BotServices): Promise<void> {
  const first = await s.greetings.markGreeted(context.activity.conversation.id, s.now().toISOString());
  if (first) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(welcomeCard(s.commands.faq.suggested()))));
}
