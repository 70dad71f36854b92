import type { Role } from '../referrals/types.ts';
import type { ChannelSubscription, ConversationRef } from './types.ts';

/** What the recipients of a location's notification are chosen from. */
export interface RecipientDirectory {
  subscriptionsOf(mpnId: string): readonly ChannelSubscription[];
  conversation(id: string): ConversationRef | undefined;
  /** Personal chats with the bot, by tenant and user. */
  personalChatOf(tenantId: string, aadObjectId: string): ConversationRef | undefined;
  /** Users holding `role` at the location. */
  usersWithRole(mpnId: string, role: Role): ReadonlyArray<{ readonly tenantId: string; readonly aadObjectId: string }>;
}

/**
 * The conversations that receive a location's notifications: the channels subscribed to it, and
 * the personal chats of its program admins. Inactive conversations are left out (Teams refused
 * them); each conversation appears once even if it qualifies twice.
 */
export function recipientsFor(mpnId: string, dir: RecipientDirectory): ConversationRef[] {
  const found = new Map<string, ConversationRef>();
  for (const s of dir.subscriptionsOf(mpnId)) {
    const c = dir.conversation(s.conversationId);
    if (c !== undefined && c.active) found.set(c.id, c);
  }
  for (const u of dir.usersWithRole(mpnId, 'admin')) {
    const c = dir.personalChatOf(u.tenantId, u.aadObjectId);
    if (c !== undefined && c.active) found.set(c.id, c);
  }
  return [...found.values()];
}
