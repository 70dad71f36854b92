import type { TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { BotServices } from './bot-services.ts';
import { welcomeCard } from './cards/help-cards.ts';
import { conversationRefOf, type StoredRef } from './notifications/conversation-refs.ts';

/**
 * Keeps the conversation's reference current so notifications can reach it: on install, and on
 * any activity (a conversation Teams once refused is active again when it talks to the bot). A
 * failure here is logged and never fails the user's turn.
 */
export async function trackConversation(context: TurnContext, s: BotServices): Promise<void> {
  const found = conversationRefOf(context.activity, s.serviceUrls);
  const refused = 'refused' in found ? found.refused : personalRefusal(found.ref, s);
  if (refused !== null || !('ref' in found)) {
    s.logger.warn('conversation reference not stored', { reason: refused, conversationId: context.activity.conversation?.id ?? null });
    return;
  }
  try {
    await s.conversations.remember(found.ref);
  } catch (err) {
    s.logger.error('could not store the conversation reference', { error: String(err) });
  }
}

/**
 * A personal chat is where a user's own notifications go, so its reference names that user and is
 * replaced only by an activity of the same user.
 */
function personalRefusal(ref: StoredRef, s: BotServices): string | null {
  if (ref.scope !== 'personal') return null;
  if (ref.userAadObjectId === null) return 'a personal chat without the user\'s AAD object id';
  const known = s.conversations.conversation(ref.id);
  if (known !== undefined && known.scope === 'personal' && known.userAadObjectId !== ref.userAadObjectId) return 'the personal chat belongs to another user';
  return null;
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
