import type { Server } from 'restify';
import type { LowdbOutbox } from '../data/store/outbox-store.ts';
import { drainRequests } from './http/server.ts';
import type { Logger } from './logger.ts';

/** How long shutdown waits for each stage; the whole stop fits a 30 s SIGTERM grace period. */
export interface ShutdownLimits {
  /** Requests (turns) in flight may finish for this long. */
  readonly requestsMs: number;
  /** Notifications already due may still be sent for this long; sends in flight then still settle. */
  readonly outboxMs: number;
}

export const SHUTDOWN_LIMITS: ShutdownLimits = { requestsMs: 10_000, outboxMs: 5_000 };

export interface ShutdownParts {
  readonly server: Server;
  readonly scheduler: { stop(): Promise<void> };
  readonly worker: { readonly busy: number; stop(): Promise<void> };
  readonly outbox: Pick<LowdbOutbox, 'openQueues' | 'entry' | 'conversation'>;
  readonly store: { flush(): Promise<void> };
  readonly logger: Logger;
  /** Whether the worker was started; a hand-driven worker (tests) is not waited for. */
  readonly sending: boolean;
  readonly clock?: () => number;
}

/** Pending notifications to active conversations whose next attempt is due at `now`. */
export function dueNotifications(outbox: ShutdownParts['outbox'], now: number): number {
  let due = 0;
  for (const [conversationId, queue] of outbox.openQueues()) {
    if (outbox.conversation(conversationId)?.active !== true) continue;
    for (const key of queue) {
      const e = outbox.entry(key);
      if (e?.state === 'pending' && Date.parse(e.nextAttemptAt) <= now) due++;
    }
  }
  return due;
}

/**
 * Graceful stop, in order: no new connections; the requests in flight finish (a turn answers its
 * user); the scheduler stops; notifications already due go out while time allows, so a planned
 * restart does not hold a new referral's card back; the worker starts nothing more and the sends
 * in flight settle on disk (`sent`, not `unconfirmed`); the snapshot is written.
 *
 * Notifications not due yet (a retry's back-off, a thread's rate limit) or not sent in time stay
 * `pending` on disk and go out after the next start: waiting for them could outlast the platform's
 * grace period, and a kill in mid-send would leave them `unconfirmed`.
 */
export async function shutDown(parts: ShutdownParts, limits: ShutdownLimits = SHUTDOWN_LIMITS): Promise<void> {
  const { server, logger } = parts;
  const clock = parts.clock ?? Date.now;
  server.close();
  if (!(await drainRequests(server, limits.requestsMs))) logger.warn(`shutdown: requests still running after ${limits.requestsMs} ms; closing anyway`);
  await parts.scheduler.stop();
  if (parts.sending) {
    const deadline = clock() + limits.outboxMs;
    while ((dueNotifications(parts.outbox, clock()) > 0 || parts.worker.busy > 0) && clock() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = dueNotifications(parts.outbox, clock());
    if (left > 0) logger.warn('shutdown: due notifications left pending; they go out after the next start', { count: left, waitedMs: limits.outboxMs });
  }
  await parts.worker.stop();
  await parts.store.flush();
}
