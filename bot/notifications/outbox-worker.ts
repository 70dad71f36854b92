import type { Activity } from 'botbuilder';
import { decide, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../domain/notifications/delivery-policy.ts';
import { GlobalPace, nextAllowedAt, THREAD_WINDOWS, trimHistory, type Window } from '../../domain/notifications/rate-limits.ts';
import type { ConversationRef, OutboxEntry } from '../../domain/notifications/types.ts';
import type { LowdbOutbox } from '../../data/store/outbox-store.ts';
import type { Logger } from '../logger.ts';
import type { NotificationTransport } from './connector-transport.ts';

export interface WorkerOptions {
  /** Average sends per second over all conversations. */
  readonly ratePerSecond: number;
  /** Sends that may start at once over all conversations. */
  readonly burst: number;
  /** Requests in flight at once (each conversation has at most one). */
  readonly maxInFlight: number;
  readonly retry: RetryPolicy;
  /** Per-conversation limits; Teams' thread limits by default. */
  readonly windows: readonly Window[];
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  ratePerSecond: 40,
  burst: 1,
  maxInFlight: 32,
  retry: DEFAULT_RETRY_POLICY,
  windows: THREAD_WINDOWS,
};

/** The activity for an entry, or null when what it is about no longer exists. */
export type RenderNotification = (entry: OutboxEntry) => Partial<Activity> | null;

/**
 * Sends the outbox. Each conversation's notifications go one at a time, in order, within Teams'
 * per-thread limits; all conversations together stay under the global rate. Every attempt is
 * claimed on disk before the request leaves and settled on disk after the answer, so a restart
 * neither loses a pending notification nor sends a delivered one again.
 *
 * Time comes from `clock` and waiting from `sleep`, which must move `clock` on by at least what it
 * was asked: a test that drives `runDue` with a fake clock hands in a sleep that advances it, and
 * sees exactly which send leaves when. Otherwise real timers are used only by `start` and the
 * default `sleep`.
 */
export class OutboxWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly history = new Map<string, number[]>();
  private readonly pace: GlobalPace;
  /** When requests left, over the last second, for the hard global cap at the moment of sending. */
  private readonly departures: number[] = [];
  /** When requests left, after their claim was synced (see `leave`). */
  private readonly leaving: number[] = [];
  private running = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly outbox: LowdbOutbox,
    private readonly transport: NotificationTransport,
    private readonly render: RenderNotification,
    private readonly logger: Logger,
    private readonly options: WorkerOptions = DEFAULT_WORKER_OPTIONS,
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
    /** Waits out the hard cap in `depart`; with a fake `clock`, a fake sleep that moves it. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.pace = new GlobalPace(options.ratePerSecond, options.burst);
  }

  /** Sends in flight right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Starts every send that is due and allowed now. Returns when the next one could start (ms), or
   * null when nothing waits but the sends in flight.
   */
  pump(): number | null {
    const now = this.clock();
    let wake: number | null = null;
    const earliest = (at: number): void => {
      wake = wake === null ? at : Math.min(wake, at);
    };
    for (const [conversationId, queue] of [...this.outbox.openQueues()]) {
      if (this.inFlight.has(conversationId)) continue;
      const entry = this.head(conversationId, queue);
      if (entry === undefined) continue;
      const conversation = this.outbox.conversation(conversationId);
      if (conversation === undefined || !conversation.active) {
        // Forgetting or deactivating a conversation closes its entries; this is a leftover.
        this.outbox.dropHead(conversationId, entry.key);
        continue;
      }
      const history = this.history.get(conversationId) ?? [];
      const due = Math.max(Date.parse(entry.nextAttemptAt), nextAllowedAt(history, now, this.options.windows));
      if (due > now) {
        earliest(due);
        continue;
      }
      if (this.inFlight.size >= this.options.maxInFlight) break;
      const slot = this.pace.slot(now);
      if (slot > now) {
        earliest(slot);
        break;
      }
      this.pace.take(now);
      this.outbox.rotate(conversationId);
      const sending = this.deliver(entry, conversation).finally(() => {
        this.inFlight.delete(conversationId);
        this.kick();
      });
      this.inFlight.set(conversationId, sending);
    }
    return wake;
  }

  /**
   * Waits until the next request may go, and records it. The token bucket in `pump` decides which
   * sends start; this hard cap (the last second, and each fifth of it) keeps what leaves under
   * the limits Teams counts even when a stall releases many sends at once. It runs just before
   * the claim; `leave` repeats it after the claim's disk sync, right before the request.
   */
  private async depart(conversationId: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      const wait = this.capWait(this.departures, now);
      if (wait === 0) {
        this.departures.push(now);
        const history = this.history.get(conversationId) ?? [];
        history.push(now);
        trimHistory(history, now, this.options.windows);
        this.history.set(conversationId, history);
        return;
      }
      await this.sleep(wait);
    }
  }

  /**
   * How long a request must wait to leave now: the last second may hold `ratePerSecond` of them,
   * and the last fifth of a second a fifth of that, so a group released at once (after a stall)
   * still goes out spread over the second instead of in one burst.
   */
  private capWait(times: number[], now: number): number {
    while (times.length > 0 && (times[0] ?? 0) <= now - 1000) times.shift();
    const perSecond = this.options.ratePerSecond;
    let wait = 0;
    if (times.length >= perSecond) wait = Math.max(wait, (times[times.length - perSecond] ?? now) + 1000 - now);
    const perFifth = Math.max(1, Math.ceil(perSecond / 5));
    const recent = times.length >= perFifth ? times[times.length - perFifth] : undefined;
    if (recent !== undefined && recent > now - 200) wait = Math.max(wait, recent + 200 - now);
    return wait === 0 ? 0 : Math.max(1, Math.ceil(wait));
  }

  /**
   * The same cap once more, after the claim is on disk and just before the request. A slow disk
   * sync finishes many claims at once; without this they would all leave together (54 posts in one
   * second were seen at the benchmark's stand-in with a 376 ms sync). It only waits after such a
   * stall, so an entry is rarely held claimed, and never for more than about a second.
   */
  private async leave(): Promise<void> {
    for (;;) {
      const now = this.clock();
      const wait = this.capWait(this.leaving, now);
      if (wait === 0) {
        this.leaving.push(now);
        return;
      }
      await this.sleep(wait);
    }
  }

  /** The first pending entry of a queue; finished or vanished entries are dropped on the way. */
  private head(conversationId: string, queue: readonly string[]): OutboxEntry | undefined {
    for (const key of [...queue]) {
      const e = this.outbox.entry(key);
      if (e !== undefined && e.state === 'pending') return e;
      this.outbox.dropHead(conversationId, key);
    }
    return undefined;
  }

  private async deliver(entry: OutboxEntry, conversation: ConversationRef): Promise<void> {
    try {
      // The pace is kept before the claim, not between the claim and the request: an entry that
      // waited there claimed would, after a crash, be `unconfirmed` without ever having been sent.
      await this.depart(conversation.id);
      const activity = this.render(entry);
      if (activity === null) {
        await this.outbox.settle(entry.key, 'dead', 'nothing to send: what it was about no longer exists');
        this.outbox.dropHead(conversation.id, entry.key);
        return;
      }
      // The claim is made by the transport once its connection to the connector is ready, right
      // before the request, so a crash between the two is as unlikely as it can be.
      let claimed: OutboxEntry | undefined;
      const result = await this.transport.send(conversation, activity, async () => {
        claimed = await this.outbox.claim(entry.key);
        if (claimed === undefined) return false;
        await this.leave();
        return true;
      });
      if (result.kind === 'skipped') {
        this.outbox.dropHead(conversation.id, entry.key);
        return;
      }
      // Failed before it could claim (credentials, connector set-up): still an attempt.
      const attempts = claimed?.attempts ?? entry.attempts + 1;
      const now = this.clock();
      const decision = decide(result, attempts, now, this.options.retry, this.random);
      switch (decision.kind) {
        case 'sent':
          await this.outbox.settle(entry.key, 'sent', null);
          this.outbox.dropHead(conversation.id, entry.key);
          return;
        case 'retry':
          await this.outbox.retryAt(entry.key, new Date(now + decision.delayMs), decision.reason, attempts);
          this.logger.warn('notification will be retried', { key: entry.key, attempt: attempts, delayMs: decision.delayMs, reason: decision.reason });
          return;
        case 'dead':
        case 'unconfirmed':
          await this.outbox.settle(entry.key, decision.kind, decision.reason, attempts);
          this.outbox.dropHead(conversation.id, entry.key);
          this.logger.warn(decision.kind === 'dead' ? 'notification dead-lettered' : 'notification unconfirmed', { key: entry.key, attempts, reason: decision.reason });
          return;
        case 'inactive':
          await this.outbox.markInactive(conversation.id, decision.reason);
          this.logger.warn('conversation marked inactive', { conversationId: conversation.id, reason: decision.reason });
          return;
      }
    } catch (err) {
      // The store could not record the step; the entry stays as the disk has it and start-up
      // recovery settles it.
      this.logger.error('notification delivery step failed', { key: entry.key, error: String(err) });
    }
  }

  /**
   * Sends everything due at the clock's current time, waiting for each answer, until nothing more
   * can start now. Returns when the next send could start (ms), or null when the outbox is idle.
   */
  async runDue(): Promise<number | null> {
    for (;;) {
      const wake = this.pump();
      if (this.inFlight.size === 0) return wake;
      await Promise.all([...this.inFlight.values()]);
    }
  }

  /** Sends in the background with real timers until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.outbox.onQueued(() => this.kick());
    this.kick();
  }

  private kick(): void {
    if (!this.running) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const wake = this.pump();
    if (wake !== null) {
      this.timer = setTimeout(() => this.kick(), Math.max(1, wake - this.clock()));
      this.timer.unref();
    }
  }

  /** Starts no new send and waits for those in flight to be settled on disk. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight.values()]);
  }
}
