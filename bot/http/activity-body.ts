import { z } from 'zod';

/**
 * The least an inbound activity must carry before it reaches the adapter. botbuilder's own parser
 * throws outside its try block on a malformed shape, which surfaces as a 500 with internals in the
 * body; checking here turns that into a plain 400.
 */
const activityBody = z
  .object({
    type: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1, 'is required'),
    id: z.string().optional(),
    channelId: z.string().optional(),
    serviceUrl: z.string().optional(),
    text: z.string().optional(),
    from: z.object({ id: z.string() }).passthrough().optional(),
    recipient: z.object({ id: z.string() }).passthrough().optional(),
    conversation: z.object({ id: z.string() }).passthrough().optional(),
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
