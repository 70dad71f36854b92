import type { Activity } from 'botbuilder';
import type { ConversationRef, ConversationScope } from '../../domain/notifications/types.ts';
import { serviceUrlProblem, type ServiceUrlPolicy } from './service-url.ts';

export type StoredRef = Omit<ConversationRef, 'installedAt' | 'active' | 'inactiveReason'>;

interface TeamsChannelData {
  tenant?: { id?: unknown };
  team?: { id?: unknown };
  channel?: { id?: unknown };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * What the bot keeps of a conversation to post there later: its id, service URL, tenant, and the
 * user (personal chat) or team and channel. In a channel, a message's conversation id names its
 * reply thread (`…;messageid=…`); notifications start new posts in the channel, so the thread
 * suffix is dropped.
 */
export function conversationRefOf(activity: Activity, policy: ServiceUrlPolicy): { ref: StoredRef } | { refused: string } {
  const conversation = activity.conversation;
  if (typeof conversation?.id !== 'string' || conversation.id === '') return { refused: 'no conversation id' };
  const problem = serviceUrlProblem(activity.serviceUrl ?? '', policy);
  if (problem !== null) return { refused: `service URL refused: ${problem}` };
  const cd = (activity.channelData ?? {}) as TeamsChannelData;
  const type = conversation.conversationType;
  const scope: ConversationScope = type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : conversation.isGroup === true ? 'groupChat' : 'personal';
  const tenantId = str(cd.tenant?.id) ?? str(conversation.tenantId) ?? '';
  const id = scope === 'channel' ? (conversation.id.split(';')[0] ?? '') : conversation.id;
  // Conversation ids key a record in the store, whose journal refuses names that reach
  // Object.prototype; Teams never sends such ids, so they are refused here.
  if (id === '' || ['__proto__', 'prototype', 'constructor'].includes(id)) return { refused: 'no usable conversation id' };
  return {
    ref: {
      id,
      serviceUrl: activity.serviceUrl,
      tenantId,
      scope,
      userAadObjectId: scope === 'personal' ? (str(activity.from?.aadObjectId) ?? null) : null,
      teamId: scope === 'channel' ? str(cd.team?.id) : null,
      channelId: scope === 'channel' ? str(cd.channel?.id) : null,
    },
  };
}
