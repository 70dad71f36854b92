import { z } from 'zod';
import {
  locationRecordSchema,
  partnerRecordSchema,
  programEventSchema,
  referralSchema,
  userRecordSchema,
} from './program-schema.ts';
import { channelSubscriptionSchema, conversationRefSchema, outboxEntrySchema } from './notification-schema.ts';

const iso = z.string().min(1);

const feedback = z.object({
  topicId: z.string(),
  helpful: z.boolean(),
  userId: z.string(),
  tenantId: z.string(),
  conversationId: z.string(),
  at: iso,
});

const unanswered = z.object({
  text: z.string(),
  userId: z.string(),
  tenantId: z.string(),
  closest: z.array(z.string()),
  score: z.number(),
  at: iso,
});

const greeted = z.object({ conversationId: z.string(), at: iso });

/**
 * The whole store snapshot (`db.json`). Collections added later default to empty, so a file written by an older
 * version still opens.
 */
export const storeSchema = z.object({
  version: z.literal(1),
  faqFeedback: z.array(feedback).default([]),
  unanswered: z.array(unanswered).default([]),
  greetedConversations: z.array(greeted).default([]),
  partners: z.array(partnerRecordSchema).default([]),
  locations: z.array(locationRecordSchema).default([]),
  referrals: z.array(referralSchema).default([]),
  events: z.array(programEventSchema).default([]),
  users: z.array(userRecordSchema).default([]),
  /** Conversations the bot may post to, by conversation id (see ConversationRef). */
  conversations: z.record(conversationRefSchema).default({}),
  /** Channels subscribed to a location's notifications, by `${mpnId}|${conversationId}`. */
  subscriptions: z.record(channelSubscriptionSchema).default({}),
  /** Notifications to send and sent, by idempotency key (`${sourceId}|${conversationId}`). */
  outbox: z.record(outboxEntrySchema).default({}),
  /** Scheduled work already done (a pause reminder sent, the last below-target alert), mark → ISO time. */
  notificationMarks: z.record(z.string()).default({}),
  /** botbuilder Storage items (conversation and user state), with their eTags. */
  botState: z.record(z.object({ eTag: z.string(), value: z.record(z.unknown()), updatedAt: z.string() })).default({}),
  /** Set once the demo seed (or real data) was loaded, so a restart never re-seeds. */
  seededAt: z.string().nullable().default(null),
  /** Seq of the last journal line this snapshot holds (see JsonStore); older lines are skipped on replay. */
  journalSeq: z.number().int().min(0).default(0),
});

export type StoreData = z.infer<typeof storeSchema>;

export function emptyStore(): StoreData {
  return {
    version: 1,
    faqFeedback: [],
    unanswered: [],
    greetedConversations: [],
    partners: [],
    locations: [],
    referrals: [],
    events: [],
    users: [],
    conversations: {},
    subscriptions: {},
    outbox: {},
    notificationMarks: {},
    botState: {},
    seededAt: null,
    journalSeq: 0,
  };
}
