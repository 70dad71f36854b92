import type { ChannelSubscription, ConversationRef, OutboxEntry, OutboxState } from './types.ts';

/** Where channel subscriptions are kept; the lowdb outbox implements it. */
export interface SubscriptionBook {
  conversation(id: string): ConversationRef | undefined;
  subscriptionsIn(conversationId: string): ChannelSubscription[];
  /** False when the channel was already subscribed. */
  subscribe(mpnId: string, conversationId: string, by: string): Promise<boolean>;
  /** The MPN IDs that were subscribed and no longer are. */
  unsubscribe(conversationId: string, mpnIds: readonly string[]): Promise<string[]>;
}

/** Notifications that were not delivered, for FastTrack operations; the lowdb outbox implements it. */
export interface FailedNotifications {
  failed(): readonly OutboxEntry[];
  counts(): Readonly<Record<OutboxState, number>>;
  /** Queues failed entries again (all, or by key); returns the keys queued. */
  retry(keys: readonly string[] | 'all'): Promise<string[]>;
}
