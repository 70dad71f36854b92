import { quarterContaining } from '../../domain/acceptance/index.ts';
import { acceptanceAlertMark, dueAcceptanceAlerts, duePauseReminders, nextPauseWorkAt } from '../../domain/notifications/schedule.ts';
import type { ReferralService } from '../../domain/referrals/referral-service.ts';
import type { LowdbOutbox } from '../../data/store/outbox-store.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_TARGET } from '../../domain/acceptance/target.ts';

export interface SchedulerOptions {
  /** The longest sleep between checks, so a clock change or a missed wake-up costs at most this. */
  readonly checkEveryMs: number;
  /** How often acceptance rates are checked against the target. */
  readonly acceptanceEveryMs: number;
  readonly target: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { checkEveryMs: 60_000, acceptanceEveryMs: 60 * 60_000, target: DEFAULT_TARGET };

export interface TickResult {
  readonly pausesEnded: readonly string[];
  readonly reminders: number;
  readonly alerts: number;
}

/**
 * Timed work, run from what the store holds rather than from timers that die with the process:
 * pause ends and reminders come from each location's persisted pause, and each piece of work is
 * recorded (a `pause-expired` event, a mark) in the same update as its notifications. A tick after
 * any downtime therefore does each missed piece once, however many ticks were missed.
 */
export class NotificationScheduler {
  private lastAcceptanceCheck: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private ticking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly referrals: ReferralService,
    private readonly outbox: LowdbOutbox,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    private readonly options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS,
  ) {}

  async tick(): Promise<TickResult> {
    const now = this.clock();
    const nowMs = now.getTime();
    const pausesEnded = await this.referrals.expirePauses();
    const locations = this.referrals.read().locations();
    const reminders = await this.outbox.enqueueScheduled(duePauseReminders(nowMs, locations, (mark) => this.outbox.mark(mark) !== undefined));
    let alerts = 0;
    if (this.lastAcceptanceCheck === null || nowMs - this.lastAcceptanceCheck >= this.options.acceptanceEveryMs) {
      this.lastAcceptanceCheck = nowMs;
      const active = new Set(locations.filter((l) => l.status === 'active').map((l) => l.mpnId));
      const quarter = quarterContaining(now, this.referrals.quarterScheme).label;
      const rows = this.referrals.acceptance(now, [...active]).rates.filter((r) => r.quarter === quarter);
      const last = (mpnId: string): number | null => {
        const at = this.outbox.mark(acceptanceAlertMark(mpnId));
        return at === undefined ? null : Date.parse(at);
      };
      alerts = await this.outbox.enqueueScheduled(dueAcceptanceAlerts(nowMs, rows, this.options.target, last));
    }
    if (pausesEnded.length + reminders + alerts > 0) this.logger.info('scheduled notifications queued', { pausesEnded: pausesEnded.length, reminders, alerts });
    return { pausesEnded, reminders, alerts };
  }

  /** When the next tick is needed: the next pause event, or the regular check, whichever is first. */
  private nextWakeMs(): number {
    const nowMs = this.clock().getTime();
    const pauseWork = nextPauseWorkAt(nowMs, this.referrals.read().locations());
    return Math.min(nowMs + this.options.checkEveryMs, pauseWork ?? Number.POSITIVE_INFINITY);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = (): void => {
      if (!this.running) return;
      this.ticking = this.tick()
        .catch((err: unknown) => this.logger.error('scheduler tick failed', { error: String(err) }))
        .finally(() => {
          if (!this.running) return;
          this.timer = setTimeout(loop, Math.max(1_000, this.nextWakeMs() - this.clock().getTime()));
          this.timer.unref();
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.ticking;
  }
}
