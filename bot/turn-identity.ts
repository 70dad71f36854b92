import { TurnContext, type Activity } from 'botbuilder';
import type { Principal } from '../domain/access/policy.ts';
import type { ProgramReadModel } from '../domain/referrals/repository.ts';
import type { Caller } from '../dialogs/conversation.ts';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Identity comes from the activity, which the adapter authenticated; never from card data. */
export function callerOf(activity: Activity): Caller {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const tenant = str(channelData?.tenant?.id) ?? str(activity.conversation?.tenantId);
  return {
    // Teams' AAD object id, never `from.id`, which a non-Teams client sets itself. Only text
    // reaches the store: a number here would make the store fail validation at the next start.
    userId: str(activity.from?.aadObjectId) ?? '',
    tenantId: tenant ?? '',
    conversationId: str(activity.conversation?.id) ?? '',
  };
}

/** Who the caller is, from the store's users: tenant + AAD object id, never a display name. */
export function principalOf(activity: Activity, read: ProgramReadModel): Principal {
  const caller = callerOf(activity);
  return { tenantId: caller.tenantId, aadObjectId: caller.userId, user: read.user(caller.tenantId, caller.userId) };
}

export function isMentioned(activity: Activity): boolean {
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === activity.recipient?.id,
  );
}

/** Removes every <at>…</at> mention and leftover whitespace before routing. */
export function stripMentions(activity: Activity): string {
  if (typeof activity.text !== 'string') return '';
  const withoutBot = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
  return withoutBot.replace(/<at>[^<]*<\/at>/g, ' ').replace(/\s+/g, ' ').trim();
}
