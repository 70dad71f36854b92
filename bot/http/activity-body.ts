import { z } from 'zod';

/**
 * The least an inbound activity must carry before it reaches the adapter. botbuilder's own parser
 * throws outside its try block on a malformed shape, which surfaces as a 500 with internals in the
 * body; checking here turns that into a plain 400.
 */
const str = z.string({ invalid_type_error: 'must be a string' });
const account = z
  .object({ id: str, name: str.optional(), aadObjectId: str.optional(), role: str.optional() })
  .passthrough();
/** A channel account in a members list; Teams sends ids only, so only those are checked. */
const members = z.array(z.object({ id: str }).passthrough(), { invalid_type_error: 'must be a list' }).optional();

/**
 * Every field the bot or botbuilder reads is typed here, so a wrong type is a 400 at the door, not
 * an exception in a turn (or a non-string id written into the store, which would stop the next
 * start). Unknown fields pass through: channels add new ones.
 */
const activityBody = z
  .object({
    type: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1, 'is required'),
    id: str.optional(),
    name: str.optional(),
    action: str.optional(),
    channelId: str.optional(),
    serviceUrl: str.optional(),
    locale: str.optional(),
    text: str.optional(),
    replyToId: str.optional(),
    from: account.optional(),
    recipient: account.optional(),
    conversation: z
      .object({ id: str.min(1, 'is required'), name: str.optional(), tenantId: str.optional(), conversationType: str.optional(), isGroup: z.boolean().optional() })
      .passthrough()
      .optional(),
    membersAdded: members,
    membersRemoved: members,
    entities: z.array(z.record(z.unknown()), { invalid_type_error: 'must be a list of objects' }).optional(),
    channelData: z.record(z.unknown()).optional(),
  })
  .passthrough();

export type ActivityBody = z.infer<typeof activityBody>;

export type ActivityCheck =
  | { readonly ok: true; readonly activity: ActivityBody }
  | { readonly ok: false; readonly reason: string };

export function checkActivityBody(body: unknown): ActivityCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, reason: 'the body must be a JSON object (a Bot Framework activity)' };
  }
  const parsed = activityBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? 'body' : issue.path.join('.') || 'body';
    return { ok: false, reason: `invalid activity: ${field} ${issue?.message ?? 'is invalid'}` };
  }
  return { ok: true, activity: parsed.data };
}

/** Teams puts the caller's tenant in channelData; conversation.tenantId is the fallback. */
export function tenantOf(activity: ActivityBody): string | undefined {
  const fromChannel = activity.channelData?.['tenant'];
  if (fromChannel !== null && typeof fromChannel === 'object' && 'id' in fromChannel) {
    const id = (fromChannel as { id: unknown }).id;
    if (typeof id === 'string') return id;
  }
  const conv = activity.conversation as { tenantId?: unknown } | undefined;
  return typeof conv?.tenantId === 'string' ? conv.tenantId : undefined;
}
