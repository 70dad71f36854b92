import { z } from 'zod';

const iso = z.string().min(1);
const id = z.string().min(1);

export const conversationRefSchema = z.object({
  id,
  serviceUrl: z.string().url(),
  tenantId: z.string(),
  scope: z.enum(['personal', 'groupChat', 'channel']),
  userAadObjectId: z.string().nullable(),
  teamId: z.string().nullable(),
  channelId: z.string().nullable(),
  installedAt: iso,
  active: z.boolean(),
  inactiveReason: z.string().nullable(),
});

export const channelSubscriptionSchema = z.object({ mpnId: id, conversationId: id, by: z.string(), at: iso });

const referralPart = z.object({ referralId: id, assignmentId: id });

export const notificationDataSchema = z.discriminatedUnion('kind', [
  referralPart.extend({ kind: z.literal('referral-offered') }),
  referralPart.extend({ kind: z.literal('referral-reassigned-to-you') }),
  referralPart.extend({ kind: z.literal('part-reassigned'), to: z.array(z.string()).readonly(), ftc: z.array(z.string()).readonly(), byOperations: z.boolean() }),
  z.object({ kind: z.literal('pause-ending'), pausedUntil: iso }),
  z.object({ kind: z.literal('pause-ended'), endedAt: iso }),
  z.object({
    kind: z.literal('acceptance-below-target'),
    quarter: z.string(),
    rate: z.number(),
    target: z.number(),
    accepted: z.number().int(),
    answered: z.number().int(),
    acceptNeeded: z.number().int().nullable(),
  }),
]);

export const outboxEntrySchema = z.object({
  key: id,
  sourceId: id,
  mpnId: id,
  conversationId: id,
  data: notificationDataSchema,
  createdAt: iso,
  state: z.enum(['pending', 'sending', 'sent', 'dead', 'unconfirmed', 'undeliverable']),
  attempts: z.number().int().min(0),
  nextAttemptAt: iso,
  lastError: z.string().nullable(),
  doneAt: iso.nullable(),
});
