/**
 * What the bot tells a location without being asked, and the outbox records that carry it to a
 * Teams conversation. Plain data: the store keeps it as JSON and the worker renders cards from it.
 */
export type NotificationKind =
  | 'referral-offered'
  | 'referral-reassigned-to-you'
  | 'part-reassigned'
  | 'pause-ending'
  | 'pause-ended'
  | 'acceptance-below-target';

export type NotificationData =
  | { readonly kind: 'referral-offered' | 'referral-reassigned-to-you'; readonly referralId: string; readonly assignmentId: string }
  | {
      readonly kind: 'part-reassigned';
      readonly referralId: string;
      readonly assignmentId: string;
      readonly to: readonly string[];
      readonly ftc: readonly string[];
      /** Set when FastTrack operations moved the part; absent after the location's own decline. */
      readonly byOperations: boolean;
    }
  | { readonly kind: 'pause-ending'; readonly pausedUntil: string }
  | { readonly kind: 'pause-ended'; readonly endedAt: string }
  | {
      readonly kind: 'acceptance-below-target';
      readonly quarter: string;
      readonly rate: number;
      readonly target: number;
      readonly accepted: number;
      readonly answered: number;
      readonly acceptNeeded: number | null;
    };

/** One thing to tell one location; `sourceId` (an event id or a schedule mark) makes it unique. */
export interface NotificationIntent {
  readonly sourceId: string;
  readonly mpnId: string;
  readonly at: string;
  readonly data: NotificationData;
}

export type ConversationScope = 'personal' | 'groupChat' | 'channel';

/**
 * Where the bot may post: only what sending needs. `active` turns false when Teams answers 403 or
 * 404 for it (uninstalled, blocked, removed); any later activity from it turns it back on.
 */
export interface ConversationRef {
  readonly id: string;
  readonly serviceUrl: string;
  readonly tenantId: string;
  readonly scope: ConversationScope;
  /** The user of a personal chat (AAD object id); null elsewhere. */
  readonly userAadObjectId: string | null;
  /** The team and channel of a channel conversation; null elsewhere. */
  readonly teamId: string | null;
  readonly channelId: string | null;
  readonly installedAt: string;
  readonly active: boolean;
  readonly inactiveReason: string | null;
}

/** A channel that receives a location's notifications (`subscribe <mpnId>`). */
export interface ChannelSubscription {
  readonly mpnId: string;
  readonly conversationId: string;
  readonly by: string;
  readonly at: string;
}

/**
 * - `pending`: waiting for its turn (`nextAttemptAt`);
 * - `sending`: claimed by the worker, request under way;
 * - `sent`: the connector answered 2xx;
 * - `dead`: gave up (attempts used up, or a refusal that retrying cannot fix); operations can retry;
 * - `unconfirmed`: the request may have been posted, but no answer says so (a crash while it was in
 *   flight, a 500, a connection cut after sending); never resent automatically, operations decide;
 * - `undeliverable`: the conversation is gone or blocked the bot (403/404).
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'dead' | 'unconfirmed' | 'undeliverable';

export interface OutboxEntry {
  /** `${sourceId}|${conversationId}`: the idempotency key. */
  readonly key: string;
  readonly sourceId: string;
  readonly mpnId: string;
  readonly conversationId: string;
  readonly data: NotificationData;
  readonly createdAt: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly doneAt: string | null;
}

export function outboxKey(sourceId: string, conversationId: string): string {
  return `${sourceId}|${conversationId}`;
}
