import { authorize, type Principal } from '../domain/access/policy.ts';
import type { FailedNotifications } from '../domain/notifications/subscription-book.ts';
import type { OutboxEntry, OutboxState } from '../domain/notifications/types.ts';
import type { RefusalLog } from './referral-commands.ts';

/** How many failed notifications `notifications` lists: the newest. */
export const FAILED_SHOWN = 10;

export type OutboxReply =
  | { readonly kind: 'refused'; readonly needed: string; readonly reason: string }
  | { readonly kind: 'failed'; readonly counts: Readonly<Record<OutboxState, number>>; readonly items: readonly OutboxEntry[]; readonly total: number }
  | { readonly kind: 'requeued'; readonly count: number };

/**
 * For FastTrack operations: `notifications` lists what could not be delivered (dead letters,
 * unconfirmed sends, conversations that refused the bot); `notifications retry` sends them again.
 */
export class OutboxCommands {
  constructor(
    private readonly outbox: FailedNotifications,
    private readonly logRefusal: RefusalLog,
  ) {}

  async run(p: Principal, text: string): Promise<OutboxReply> {
    const d = authorize(p, 'manage-outbox');
    if (!d.allowed) {
      this.logRefusal({ action: 'manage-outbox', mpnId: null, userId: p.aadObjectId, reason: d.reason });
      return { kind: 'refused', needed: d.needed, reason: d.reason };
    }
    if (/\bretry\b/i.test(text)) return { kind: 'requeued', count: (await this.outbox.retry('all')).length };
    const failed = this.outbox.failed();
    return { kind: 'failed', counts: this.outbox.counts(), items: failed.slice(0, FAILED_SHOWN), total: failed.length };
  }
}
