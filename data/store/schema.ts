import { z } from 'zod';

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
 * The whole store file. Collections added later default to empty, so a file written by an older
 * version still opens.
 */
export const storeSchema = z.object({
  version: z.literal(1),
  faqFeedback: z.array(feedback).default([]),
  unanswered: z.array(unanswered).default([]),
  greetedConversations: z.array(greeted).default([]),
});

export type StoreData = z.infer<typeof storeSchema>;

export function emptyStore(): StoreData {
  return { version: 1, faqFeedback: [], unanswered: [], greetedConversations: [] };
}
