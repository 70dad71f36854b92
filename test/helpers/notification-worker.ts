import assert from 'node:assert/strict';
import { createAdapter } from '../../bot/adapter.ts';
import { loadConfig } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import { namesFrom } from '../../bot/names.ts';
import { ConnectorTransport, type NotificationTransport } from '../../bot/notifications/connector-transport.ts';
import { DEFAULT_WORKER_OPTIONS, OutboxWorker, type RenderNotification, type WorkerOptions } from '../../bot/notifications/outbox-worker.ts';
import { notificationActivity } from '../../bot/notifications/render.ts';
import type { LowdbOutbox } from '../../data/store/outbox-store.ts';
import type { ReferralService } from '../../domain/referrals/referral-service.ts';

/**
 * Time for the outbox, the service and the worker that only moves when a test moves it, or when
 * the worker sleeps: `sleep` advances it, so a worker waiting out its rate cap finishes at once
 * and the send still leaves at the fake time the cap asked for.
 */
export class FakeClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  readonly date = (): Date => new Date(this.ms);
  readonly sleep = async (ms: number): Promise<void> => {
    const until = this.ms + ms;
    // Whatever else runs at this instant goes first, as it would before a real timer fires.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.ms = Math.max(this.ms, until);
  };
}

/**
 * The transport bot/app.ts builds: the real botbuilder CloudAdapter (no app id, so no auth) and
 * ConnectorTransport, posting to whatever service URL each conversation has (the stand-in's).
 */
export function connectorTransport(dataDir: string, logger: Logger): NotificationTransport {
  return new ConnectorTransport(createAdapter(loadConfig({ DATA_DIR: dataDir, PORT: '0' }, process.cwd()), logger), '');
}

export interface WorkerParts {
  readonly outbox: LowdbOutbox;
  readonly referrals: ReferralService;
  readonly transport: NotificationTransport;
  readonly logger: Logger;
  /** The fake clock, or null for real time and real timers. */
  readonly clock: FakeClock | null;
  readonly options?: Partial<WorkerOptions>;
  readonly random?: () => number;
}

/** An OutboxWorker rendering cards as bot/app.ts does, on the fake clock (and its sleep) if given. */
export function notificationWorker(p: WorkerParts): OutboxWorker {
  const names = namesFrom(() => p.referrals.read());
  const options: WorkerOptions = { ...DEFAULT_WORKER_OPTIONS, ...p.options };
  const render: RenderNotification = (e) => notificationActivity(e, p.referrals.read(), names);
  return p.clock === null
    ? new OutboxWorker(p.outbox, p.transport, render, p.logger, options, Date.now, p.random)
    : new OutboxWorker(p.outbox, p.transport, render, p.logger, options, p.clock.now, p.random, p.clock.sleep);
}

/** Runs the worker, moving the fake clock to each wake time, until nothing is left to send. */
export async function drain(worker: OutboxWorker, clock: FakeClock): Promise<void> {
  for (let round = 0; round < 500; round++) {
    const wake = await worker.runDue();
    if (wake === null) return;
    assert.ok(wake > clock.ms, 'a wake time is in the future');
    clock.ms = wake;
  }
  assert.fail('the outbox did not become idle');
}
