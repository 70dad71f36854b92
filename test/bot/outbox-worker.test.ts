import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { startNotificationStandIn, type NotificationStandIn, type ReceivedPost } from '../../bench/notification-stand-in.ts';
import { memoryLogger } from '../../bot/logger.ts';
import type { NotificationTransport } from '../../bot/notifications/connector-transport.ts';
import type { OutboxWorker, WorkerOptions } from '../../bot/notifications/outbox-worker.ts';
import { JsonStore, journalFileOf } from '../../data/store/json-store.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { AttemptResult, RetryPolicy } from '../../domain/notifications/delivery-policy.ts';
import type { ConversationRef, OutboxEntry } from '../../domain/notifications/types.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { connectorTransport, drain as drainWorker, FakeClock, notificationWorker } from '../helpers/notification-worker.ts';
import { location, newReferral, partner, sequentialIds, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

/**
 * The outbox worker end to end below the bot: program events → outbox entries (same store update)
 * → OutboxWorker → the real ConnectorTransport → the real botbuilder CloudAdapter (no app id: no
 * auth) → HTTP → the scriptable connector stand-in. Time is a fake clock handed to both the
 * outbox (`now`) and the worker (`clock`, and `sleep`, which moves it), so every retry's and every
 * paced send's timing is exact; only the concurrency test runs on real timers (`worker.start()`).
 */

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const MPN = '5000001';
const CHANNEL_A = '19:channel-a@thread.tacv2';
const CHANNEL_B = '19:channel-b@thread.tacv2';

/** Small enough to reach the dead letter quickly; Retry-After honoured up to an hour. */
const POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 8_000, maxRetryAfterMs: 3_600_000 };

interface RigOptions {
  readonly retry?: RetryPolicy;
  readonly random?: () => number;
  /** Real time for outbox and worker instead of the fake clock. */
  readonly realTime?: boolean;
  readonly worker?: Partial<WorkerOptions>;
  /** Wraps the real transport (to observe it, on the rig's clock); the real one is used as it is by default. */
  readonly wrap?: (transport: NotificationTransport, clock: FakeClock) => NotificationTransport;
}

interface Rig {
  readonly program: TempProgram;
  readonly standIn: NotificationStandIn;
  readonly clock: FakeClock;
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly referrals: ReferralService;
  readonly outbox: LowdbOutbox;
  readonly worker: OutboxWorker;
  /** A worker over another outbox (a reopened store), sharing this rig's transport and clock. */
  workerFor(outbox: LowdbOutbox, referrals: ReferralService, options?: Partial<WorkerOptions>): OutboxWorker;
  cleanup(): Promise<void>;
}

async function rig(options: RigOptions = {}): Promise<Rig> {
  const program = await tempProgram({ partners: [partner('pa', ['Teams'])], locations: [location(MPN, 'pa')] });
  const standIn = await startNotificationStandIn();
  const clock = new FakeClock(options.realTime === true ? Date.now() : T0);
  const outboxNow = options.realTime === true ? () => new Date() : clock.date;
  const logger = memoryLogger();
  const referrals = new ReferralService(program.repo, outboxNow, sequentialIds('ev-'));
  const outbox = new LowdbOutbox(program.store, program.repo, outboxNow);
  const real = connectorTransport(program.dir, logger);
  const transport = options.wrap === undefined ? real : options.wrap(real, clock);
  const random = options.random ?? (() => 0.5);
  const workerFor = (o: LowdbOutbox, r: ReferralService, extra: Partial<WorkerOptions> = {}): OutboxWorker =>
    notificationWorker({
      outbox: o,
      referrals: r,
      transport,
      logger,
      clock: options.realTime === true ? null : clock,
      options: { retry: options.retry ?? POLICY, ...options.worker, ...extra },
      random,
    });
  return {
    program,
    standIn,
    clock,
    logger,
    referrals,
    outbox,
    worker: workerFor(outbox, referrals),
    workerFor,
    async cleanup() {
      await standIn.close();
      await program.cleanup();
    },
  };
}

/** A channel conversation subscribed to the location, posting to `serviceUrl`. */
async function channel(outbox: LowdbOutbox, id: string, serviceUrl: string): Promise<void> {
  await outbox.remember({ id, serviceUrl, tenantId: 'tenant-1', scope: 'channel', userAadObjectId: null, teamId: 'team-1', channelId: id });
  assert.equal(await outbox.subscribe(MPN, id, 'u-admin'), true);
}

/** Takes in referral `id`; the location gets one offer, so each subscribed channel one entry. */
async function offer(r: Rig, id: string): Promise<void> {
  const result = await r.referrals.intake(newReferral(id, ['Teams']));
  assert.equal(result.created, true);
  assert.deepEqual(
    result.referral.assignments.map((a) => a.mpnId),
    [MPN],
  );
  // Distinct creation times on the fake clock, so creation order is unambiguous after a reopen
  // too (harmless with real time, where the fake clock is not read).
  r.clock.ms += 1;
}

function entriesOf(store: JsonStore<StoreData>, conversationId: string): OutboxEntry[] {
  return Object.values(store.data.outbox).filter((e) => e.conversationId === conversationId);
}

/** The single entry of a conversation about referral `referralId`. */
function entryFor(store: JsonStore<StoreData>, conversationId: string, referralId: string): OutboxEntry {
  const found = entriesOf(store, conversationId).filter((e) => e.data.kind === 'referral-offered' && e.data.referralId === referralId);
  assert.equal(found.length, 1, `one entry for ${referralId} in ${conversationId}`);
  return found[0] ?? assert.fail();
}

function postsTo(standIn: NotificationStandIn, conversationId: string): ReceivedPost[] {
  return standIn.posts.filter((p) => p.conversationId === conversationId);
}

/** Runs the worker, moving the fake clock to each wake time, until nothing is left to send. */
function drain(r: Rig, worker: OutboxWorker = r.worker): Promise<void> {
  return drainWorker(worker, r.clock);
}

/** Nothing went through the adapter's turn-error path (which would apologise into the conversation). */
function assertNoTurnErrors(r: Rig): void {
  const errors = r.logger.entries.filter((e) => e.level === 'error');
  assert.deepEqual(errors, []);
  for (const p of r.standIn.posts) assert.doesNotMatch(JSON.stringify(p.activity), /Sorry, something went wrong/);
}

/** A transport that notes, on the rig's fake clock, when each send starts (right after the worker's pacing). */
function stamping(log: number[]): NonNullable<RigOptions['wrap']> {
  return (inner, clock) => ({
    send(to, activity, claim) {
      log.push(clock.ms);
      return inner.send(to, activity, claim);
    },
  });
}

/** The most times (ascending) that fall in one window [t, t + ms). */
function busiestWindow(times: readonly number[], ms: number): number {
  let most = 0;
  let first = 0;
  times.forEach((t, last) => {
    while ((times[first] ?? t) <= t - ms) first++;
    most = Math.max(most, last - first + 1);
  });
  return most;
}

/** Waits (polling) until `done` holds; fails after `ms`. Not a performance assertion: a hang guard. */
async function until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('bot/notifications OutboxWorker through the real ConnectorTransport and botbuilder adapter', function () {
  this.timeout(30_000);

  let r: Rig;

  afterEach(async () => {
    await r.worker.stop();
    await r.cleanup();
  });

  async function setUp(options: RigOptions = {}, channels: readonly string[] = [CHANNEL_A]): Promise<void> {
    r = await rig(options);
    for (const c of channels) await channel(r.outbox, c, r.standIn.serviceUrl);
  }

  it('201: posts the offer card once to the subscribed channel, and the entry is sent', async () => {
    await setUp();
    await offer(r, 'R-1001');
    const queued = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(queued.state, 'pending');
    assert.equal(queued.attempts, 0);

    assert.equal(await r.worker.runDue(), null, 'nothing left to do');

    const posts = r.standIn.posts;
    assert.equal(posts.length, 1);
    const post = posts[0] ?? assert.fail();
    assert.equal(post.conversationId, CHANNEL_A);
    assert.equal(post.status, 201);
    assert.deepEqual(post.referralIds, ['R-1001']);
    assert.equal(post.activity['type'], 'message');
    const attachments = post.activity['attachments'];
    assert.ok(Array.isArray(attachments) && attachments.length === 1, 'one card');
    assert.match(JSON.stringify(attachments), /application\/vnd\.microsoft\.card\.adaptive/);
    assert.match(JSON.stringify(attachments), /R-1001/);

    const sent = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(sent.state, 'sent');
    assert.equal(sent.attempts, 1);
    assert.equal(sent.doneAt, new Date(r.clock.ms).toISOString());

    // Later runs send nothing again.
    r.clock.ms += 3_600_000;
    assert.equal(await r.worker.runDue(), null);
    assert.equal(r.standIn.posts.length, 1);
    assertNoTurnErrors(r);
  });

  it('429 with Retry-After: 7 waits exactly 7 s of clock time, then delivers: two posts in all', async () => {
    await setUp();
    r.standIn.setScript((p) => (p.nth === 1 ? { status: 429, headers: { 'Retry-After': '7' } } : { status: 201 }));
    await offer(r, 'R-1001');
    const start = r.clock.ms;

    const wake = await r.worker.runDue();
    assert.equal(wake, start + 7_000, 'the worker wakes when Retry-After says');
    const waiting = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(waiting.state, 'pending');
    assert.equal(waiting.attempts, 1);
    assert.equal(waiting.nextAttemptAt, new Date(start + 7_000).toISOString());
    assert.match(waiting.lastError ?? '', /^429\b/);
    assert.equal(r.standIn.posts.length, 1);

    r.clock.ms = start + 6_999;
    assert.equal(await r.worker.runDue(), start + 7_000);
    assert.equal(r.standIn.posts.length, 1, 'nothing is sent before Retry-After has passed');

    r.clock.ms = start + 7_000;
    assert.equal(await r.worker.runDue(), null);
    assert.deepEqual(
      r.standIn.posts.map((p) => [p.status, p.referralIds]),
      [
        [429, ['R-1001']],
        [201, ['R-1001']],
      ],
    );
    const sent = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(sent.state, 'sent');
    assert.equal(sent.attempts, 2);
    assertNoTurnErrors(r);
  });

  it('429 with Retry-After as an HTTP date waits until that date', async () => {
    await setUp();
    const retryAt = new Date(T0 + 30_000).toUTCString();
    r.standIn.setScript((p) => (p.nth === 1 ? { status: 429, headers: { 'Retry-After': retryAt } } : { status: 201 }));
    await offer(r, 'R-1001');
    // The clock is past T0 (one ms per intake), so a wake at exactly T0 + 30 s shows the date was read as a date.
    assert.equal(r.clock.ms, T0 + 1);
    assert.equal(await r.worker.runDue(), T0 + 30_000);
    assert.equal(entryFor(r.program.store, CHANNEL_A, 'R-1001').nextAttemptAt, new Date(T0 + 30_000).toISOString());
    r.clock.ms = T0 + 29_999;
    await r.worker.runDue();
    assert.equal(r.standIn.posts.length, 1);
    r.clock.ms = T0 + 30_000;
    assert.equal(await r.worker.runDue(), null);
    assert.equal(r.standIn.posts.length, 2);
  });

  it('429 without Retry-After backs off exponentially with equal jitter, doubling and capped by maxDelayMs', async () => {
    const randoms = [0, 0.999, 0.5, 0, 1];
    let draws = 0;
    const random = (): number => randoms[draws++] ?? assert.fail('random drawn more often than there were retries');
    await setUp({ random, retry: { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 5_000, maxRetryAfterMs: 3_600_000 } });
    r.standIn.setScript((p) => (p.nth <= 5 ? { status: 429 } : { status: 201 }));
    await offer(r, 'R-1001');

    // Step for attempt n: min(5000, 1000 * 2^(n-1)); delay = step/2 + step/2 * random.
    const steps = [1_000, 2_000, 4_000, 5_000, 5_000];
    const expected = [500, 1_999, 3_000, 2_500, 5_000];
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const sentAt = r.clock.ms;
      const wake = await r.worker.runDue();
      assert.equal(r.standIn.posts.length, attempt);
      const e = entryFor(r.program.store, CHANNEL_A, 'R-1001');
      assert.equal(e.state, 'pending');
      assert.equal(e.attempts, attempt);
      const delay = Date.parse(e.nextAttemptAt) - sentAt;
      assert.equal(wake, sentAt + delay);
      const step = steps[attempt - 1] ?? assert.fail();
      assert.ok(delay >= step / 2 && delay <= step, `attempt ${attempt}: ${delay} ms within [${step / 2}, ${step}]`);
      delays.push(delay);
      // One millisecond early: still nothing.
      r.clock.ms = sentAt + delay - 1;
      await r.worker.runDue();
      assert.equal(r.standIn.posts.length, attempt, `attempt ${attempt + 1} not before its time`);
      r.clock.ms = sentAt + delay;
    }
    assert.deepEqual(delays, expected);
    assert.equal(draws, 5, 'one random draw per backoff');
    assert.equal(await r.worker.runDue(), null);
    assert.equal(r.standIn.posts.length, 6);
    assert.equal(entryFor(r.program.store, CHANNEL_A, 'R-1001').state, 'sent');
  });

  it('412, 502, 504 are retried; after maxAttempts the entry is dead, listed as failed, and retry(all) delivers it', async () => {
    await setUp();
    const statuses = [412, 502, 504];
    r.standIn.setScript((p) => ({ status: statuses[p.nth - 1] ?? 201 }));
    await offer(r, 'R-1001');

    await drain(r);
    assert.deepEqual(
      r.standIn.posts.map((p) => p.status),
      [412, 502, 504],
    );
    const dead = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(dead.state, 'dead');
    assert.equal(dead.attempts, 3);
    assert.match(dead.lastError ?? '', /^gave up after 3 attempts: 504\b/);
    assert.deepEqual(
      r.outbox.failed().map((e) => e.key),
      [dead.key],
    );
    // Dead means dead: time passing sends nothing.
    r.clock.ms += 24 * 3_600_000;
    assert.equal(await r.worker.runDue(), null);
    assert.equal(r.standIn.posts.length, 3);

    assert.deepEqual(await r.outbox.retry('all'), [dead.key]);
    const again = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(again.state, 'pending');
    assert.equal(again.attempts, 0);
    await drain(r);
    assert.equal(r.standIn.posts.length, 4);
    assert.equal(r.standIn.posts[3]?.status, 201);
    assert.equal(entryFor(r.program.store, CHANNEL_A, 'R-1001').state, 'sent');
    assert.deepEqual(r.outbox.failed(), []);
    assertNoTurnErrors(r);
  });

  it('503 is retried after its backoff too', async () => {
    await setUp();
    r.standIn.setScript((p) => ({ status: p.nth === 1 ? 503 : 201 }));
    await offer(r, 'R-1001');
    const start = r.clock.ms;
    const wake = await r.worker.runDue();
    // random() = 0.5 → 500 + 250 for attempt 1.
    assert.equal(wake, start + 750);
    await drain(r);
    assert.deepEqual(
      r.standIn.posts.map((p) => p.status),
      [503, 201],
    );
    assert.equal(entryFor(r.program.store, CHANNEL_A, 'R-1001').state, 'sent');
  });

  for (const status of [403, 404]) {
    it(`${status}: the conversation is marked inactive after ONE post, all its open entries undeliverable, other conversations unaffected`, async () => {
      await setUp({}, [CHANNEL_A, CHANNEL_B]);
      r.standIn.setScript((p) => ({ status: p.conversationId === CHANNEL_A ? status : 201 }));
      for (const id of ['R-1001', 'R-1002', 'R-1003']) await offer(r, id);
      assert.equal(entriesOf(r.program.store, CHANNEL_A).length, 3);
      assert.equal(entriesOf(r.program.store, CHANNEL_B).length, 3);

      await drain(r);

      assert.equal(postsTo(r.standIn, CHANNEL_A).length, 1, 'one refused post, no retry storm');
      const conversation = r.outbox.conversation(CHANNEL_A);
      assert.equal(conversation?.active, false);
      assert.match(conversation?.inactiveReason ?? '', new RegExp(`^${status}\\b`));
      const a = entriesOf(r.program.store, CHANNEL_A);
      assert.deepEqual(
        a.map((e) => e.state),
        ['undeliverable', 'undeliverable', 'undeliverable'],
      );
      for (const e of a) assert.match(e.lastError ?? '', new RegExp(`^${status}\\b`));
      assert.equal(r.outbox.failed().length, 3);

      // The other channel got everything, in order.
      assert.deepEqual(
        postsTo(r.standIn, CHANNEL_B).map((p) => [p.status, p.referralIds[0]]),
        [
          [201, 'R-1001'],
          [201, 'R-1002'],
          [201, 'R-1003'],
        ],
      );
      assert.equal(r.outbox.conversation(CHANNEL_B)?.active, true);
      assert.ok(entriesOf(r.program.store, CHANNEL_B).every((e) => e.state === 'sent'));

      // New events no longer create entries for the refused conversation; the other still gets them.
      await offer(r, 'R-1004');
      assert.equal(entriesOf(r.program.store, CHANNEL_A).length, 3);
      assert.equal(entryFor(r.program.store, CHANNEL_B, 'R-1004').state, 'pending');
      // Operations cannot requeue into a conversation that is still inactive.
      assert.deepEqual(await r.outbox.retry('all'), []);
      await drain(r);
      assert.equal(postsTo(r.standIn, CHANNEL_A).length, 1);
      assert.equal(postsTo(r.standIn, CHANNEL_B).length, 4);
      assertNoTurnErrors(r);
    });
  }

  it('500: exactly one post (botbuilder’s own retry policy is out of the pipeline), entry unconfirmed and never resent', async () => {
    await setUp();
    r.standIn.setScript(() => ({ status: 500 }));
    await offer(r, 'R-1001');
    await drain(r);
    assert.equal(r.standIn.posts.length, 1);
    const e = entryFor(r.program.store, CHANNEL_A, 'R-1001');
    assert.equal(e.state, 'unconfirmed');
    assert.equal(e.attempts, 1);
    assert.match(e.lastError ?? '', /^500\b.*may have been posted/);
    assert.deepEqual(
      r.outbox.failed().map((f) => f.key),
      [e.key],
    );
    r.clock.ms += 24 * 3_600_000;
    assert.equal(await r.worker.runDue(), null);
    assert.equal(r.standIn.posts.length, 1, 'an ambiguous send is not resent automatically');
    assertNoTurnErrors(r);
  });

  it('429 is not retried inside botbuilder either: one post per attempt', async () => {
    await setUp();
    r.standIn.setScript(() => ({ status: 429 }));
    await offer(r, 'R-1001');
    await r.worker.runDue();
    assert.equal(r.standIn.posts.length, 1);
    assert.equal(entryFor(r.program.store, CHANNEL_A, 'R-1001').attempts, 1);
  });

  // Note: each failed connection leaves a 30 s timer behind in @typespec/ts-http-runtime (its
  // NodeHttpClient clears the request timeout only when a response arrives), so mocha running this
  // file alone waits about 30 s before exiting. The timer only aborts a request already over.
  describe('connection failures (a raw socket server, not the stand-in)', () => {
    let server: http.Server | null = null;
    let requests = 0;

    afterEach(async () => {
      if (server !== null) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      }
      server = null;
      requests = 0;
    });

    it('a connection cut after the request was sent: one request, entry unconfirmed, not resent', async () => {
      r = await rig();
        server = http.createServer((req) => {
        requests++;
        req.on('data', () => undefined);
        req.on('end', () => req.socket.destroy());
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await channel(r.outbox, CHANNEL_A, `http://127.0.0.1:${port}/`);
      await offer(r, 'R-1001');
      await drain(r);
      assert.equal(requests, 1);
      const e = entryFor(r.program.store, CHANNEL_A, 'R-1001');
      assert.equal(e.state, 'unconfirmed', e.lastError ?? '');
      r.clock.ms += 3_600_000;
      assert.equal(await r.worker.runDue(), null);
      assert.equal(requests, 1);
    });

    it('connection refused (nothing was sent) is retried, then dead after maxAttempts', async () => {
      r = await rig();
        // A port that was just free: nobody listens there.
      const probe = http.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as AddressInfo;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      await channel(r.outbox, CHANNEL_A, `http://127.0.0.1:${port}/`);
      await offer(r, 'R-1001');
      const start = r.clock.ms;
      const wake = await r.worker.runDue();
      const first = entryFor(r.program.store, CHANNEL_A, 'R-1001');
      assert.equal(first.state, 'pending', first.lastError ?? '');
      assert.match(first.lastError ?? '', /ECONNREFUSED/);
      assert.equal(wake, start + 750);
      await drain(r);
      const e = entryFor(r.program.store, CHANNEL_A, 'R-1001');
      assert.equal(e.state, 'dead');
      assert.equal(e.attempts, 3);
    });
  });

  it('per conversation one request at a time and in creation order, while conversations run concurrently (real timers)', async () => {
    const channels = ['19:c1@thread.tacv2', '19:c2@thread.tacv2', '19:c3@thread.tacv2', '19:c4@thread.tacv2'];
    const watch = { inFlight: new Map<string, number>(), maxPerConversation: 0, total: 0, maxTotal: 0, sends: 0 };
    const wrap = (inner: NotificationTransport): NotificationTransport => ({
      async send(to: ConversationRef, activity: Partial<Activity>, claim?: () => Promise<boolean>): Promise<AttemptResult> {
        const n = (watch.inFlight.get(to.id) ?? 0) + 1;
        watch.inFlight.set(to.id, n);
        watch.maxPerConversation = Math.max(watch.maxPerConversation, n);
        watch.total++;
        watch.sends++;
        watch.maxTotal = Math.max(watch.maxTotal, watch.total);
        try {
          return await inner.send(to, activity, claim);
        } finally {
          watch.inFlight.set(to.id, (watch.inFlight.get(to.id) ?? 1) - 1);
          watch.total--;
        }
      },
    });
    await setUp({ realTime: true, wrap }, channels);
    // Every answer is late, the first channel's much later than the others', so requests overlap
    // whenever the worker lets them, and the worker gets many chances (each answer elsewhere) to
    // start a second request in a conversation that is still waiting.
    const delays = new Map(channels.map((c, i) => [c, [150, 60, 25, 10][i] ?? 10]));
    r.standIn.setScript((p) => ({ status: 201, delayMs: delays.get(p.conversationId) ?? 10 }));
    const ids = ['R-1001', 'R-1002', 'R-1003', 'R-1004', 'R-1005'];
    for (const id of ids) await offer(r, id);
    assert.equal(r.outbox.counts().pending, 20);

    r.worker.start();
    await until(() => r.outbox.counts().sent === 20, 'all 20 notifications sent');
    await r.worker.stop();

    assert.equal(watch.sends, 20);
    assert.equal(r.standIn.posts.length, 20);
    assert.equal(watch.maxPerConversation, 1, 'never two requests in flight for one conversation');
    assert.ok(watch.maxTotal > 1, `conversations were sent to concurrently (max ${watch.maxTotal} in flight)`);
    for (const c of channels) {
      assert.deepEqual(
        postsTo(r.standIn, c).map((p) => p.referralIds[0]),
        ids,
        `${c} in creation order`,
      );
    }
    // On the stand-in's side as well: each conversation's post arrived after the previous one's answer.
    for (const c of channels) {
      const at = postsTo(r.standIn, c).map((p) => p.at);
      const delay = delays.get(c) ?? 10;
      for (let i = 1; i < at.length; i++) assert.ok((at[i] ?? 0) - (at[i - 1] ?? 0) >= delay - 1, `${c}: post ${i + 1} came ${(at[i] ?? 0) - (at[i - 1] ?? 0)} ms after the previous one`);
    }
    assertNoTurnErrors(r);
  });

  describe('pacing, on the fake clock', () => {
    it('one conversation: 12 notifications leave at most 5 in any 1 s and 6 in any 2 s, each once and in order', async () => {
      const sentAt: number[] = [];
      await setUp({ wrap: stamping(sentAt) });
      const ids = Array.from({ length: 12 }, (_, i) => `R-${1001 + i}`);
      for (const id of ids) await offer(r, id);
      await drain(r);
      assert.deepEqual(
        postsTo(r.standIn, CHANNEL_A).map((p) => [p.status, p.referralIds[0]]),
        ids.map((id) => [201, id]),
      );
      assert.equal(sentAt.length, ids.length);
      const shown = sentAt.map((t) => t - T0).join(', ');
      assert.ok(busiestWindow(sentAt, 1_000) <= 5, `more than 5 in a second (ms after T0: ${shown})`);
      assert.ok(busiestWindow(sentAt, 2_000) <= 6, `more than 6 in 2 s (ms after T0: ${shown})`);
      assertNoTurnErrors(r);
    });

    const fanOut = Array.from({ length: 100 }, (_, i) => `19:fan-${String(i).padStart(3, '0')}@thread.tacv2`);

    /** One referral offered to 100 subscribed channels, sent with `worker` options; returns the send times. */
    async function sendFanOut(worker: Partial<WorkerOptions>): Promise<number[]> {
      const sentAt: number[] = [];
      await setUp({ wrap: stamping(sentAt), worker }, fanOut);
      await offer(r, 'R-1001');
      assert.equal(r.outbox.counts().pending, fanOut.length);
      await drain(r);
      assert.deepEqual(
        r.standIn.posts.map((p) => p.conversationId).sort(),
        fanOut,
        'every channel got exactly one post',
      );
      assert.deepEqual(r.outbox.counts(), { pending: 0, sending: 0, sent: fanOut.length, dead: 0, unconfirmed: 0, undeliverable: 0 });
      assert.equal(sentAt.length, fanOut.length);
      assertNoTurnErrors(r);
      return sentAt;
    }

    it('100 conversations at ratePerSecond 10: at most 10 leave in any 1 s, evenly spaced, each delivered exactly once', async () => {
      const sentAt = await sendFanOut({ ratePerSecond: 10 });
      assert.ok(busiestWindow(sentAt, 1_000) <= 10, `more than 10 in a second: ${busiestWindow(sentAt, 1_000)}`);
      const gaps = sentAt.slice(1).map((t, i) => t - (sentAt[i] ?? t));
      assert.ok(Math.min(...gaps) >= 100, `sends 1000 / 10 ms apart at least; the closest were ${Math.min(...gaps)} ms apart`);
    });

    it('a burst the token bucket lets through at once (burst 10) still leaves at most 10 in any 1 s and 2 in any 200 ms', async () => {
      const sentAt = await sendFanOut({ ratePerSecond: 10, burst: 10 });
      assert.ok(busiestWindow(sentAt, 1_000) <= 10, `more than 10 in a second: ${busiestWindow(sentAt, 1_000)}`);
      assert.ok(busiestWindow(sentAt, 200) <= 2, `more than 2 in 200 ms: ${busiestWindow(sentAt, 200)}`);
    });

    it('claims that a slow disk sync finishes all at once still leave at most 10 in any 1 s and 2 in any 200 ms', async () => {
      const leftAt: number[] = [];
      // The first 10 claims wait for one another, as claims sharing one slow journal sync do.
      const held: Array<() => void> = [];
      const stalledSync = (): Promise<void> =>
        held.length >= 10
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              held.push(resolve);
              if (held.length === 10) for (const release of held) release();
            });
      const wrap: NonNullable<RigOptions['wrap']> = (inner, clock) => ({
        send: (to, activity, claim) =>
          inner.send(to, activity, async () => {
            await stalledSync();
            const ok = claim === undefined ? true : await claim();
            if (ok) leftAt.push(clock.ms);
            return ok;
          }),
      });
      await setUp({ wrap, worker: { ratePerSecond: 10, burst: 10 } }, fanOut);
      await offer(r, 'R-1001');
      await drain(r);
      assert.equal(r.standIn.posts.length, fanOut.length);
      assert.equal(leftAt.length, fanOut.length);
      const shown = leftAt.slice(0, 12).map((t) => t - T0).join(', ');
      assert.ok(busiestWindow(leftAt, 1_000) <= 10, `more than 10 in a second: ${busiestWindow(leftAt, 1_000)} (first, ms after T0: ${shown})`);
      assert.ok(busiestWindow(leftAt, 200) <= 2, `more than 2 in 200 ms: ${busiestWindow(leftAt, 200)} (first, ms after T0: ${shown})`);
    });
  });

  describe('restart', () => {
    const dirs: string[] = [];
    const opened: Array<JsonStore<StoreData>> = [];

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.flush();
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    });

    it('a crash image with an entry left "sending": recoverInFlight makes it unconfirmed (never resent); the pending one is delivered', async () => {
      await setUp();
      const crash = mkdtempSync(path.join(os.tmpdir(), 'outbox-crash-'));
      dirs.push(crash);
      const image = path.join(crash, 'db.json');
      let copied = false;
      // The moment the first request reaches the connector, copy the store files as a kill -9
      // would leave them: the claim ('sending') is in the journal, the answer not yet.
      r.standIn.onPost((p) => {
        if (copied) return;
        copied = true;
        assert.deepEqual(p.referralIds, ['R-1001']);
        copyFileSync(r.program.file, image);
        if (existsSync(journalFileOf(r.program.file))) copyFileSync(journalFileOf(r.program.file), journalFileOf(image));
      });
      r.standIn.setScript(() => ({ status: 201, delayMs: 50 }));
      await offer(r, 'R-1001');
      await offer(r, 'R-1002');
      // The process that "dies": one send only (its global pace allows no second one at this instant).
      const dying = r.workerFor(r.outbox, r.referrals, { ratePerSecond: 1, burst: 1 });
      await dying.runDue();
      assert.equal(copied, true);
      assert.equal(r.standIn.posts.length, 1);

      // The restart, from the crash image.
      const store = await JsonStore.open<StoreData>(image, storeSchema, emptyStore);
      opened.push(store);
      const repo = new LowdbProgramRepository(store);
      const onDisk = Object.values(store.data.outbox);
      assert.deepEqual(
        onDisk.map((e) => [e.data.kind === 'referral-offered' ? e.data.referralId : '?', e.state]).sort(),
        [
          ['R-1001', 'sending'],
          ['R-1002', 'pending'],
        ],
      );
      const referrals = new ReferralService(repo, r.clock.date, sequentialIds('ev2-'));
      const outbox = new LowdbOutbox(store, repo, r.clock.date);
      assert.equal(await outbox.recoverInFlight(), 1);
      const recovered = entryFor(store, CHANNEL_A, 'R-1001');
      assert.equal(recovered.state, 'unconfirmed');
      assert.match(recovered.lastError ?? '', /stopped while this was being sent/);
      assert.deepEqual(
        outbox.failed().map((e) => e.key),
        [recovered.key],
      );

      await drain(r, r.workerFor(outbox, referrals));
      assert.deepEqual(
        r.standIn.posts.map((p) => p.referralIds[0]),
        ['R-1001', 'R-1002'],
        'R-1001 was not sent again, R-1002 was delivered',
      );
      assert.equal(entryFor(store, CHANNEL_A, 'R-1001').state, 'unconfirmed');
      assert.equal(entryFor(store, CHANNEL_A, 'R-1002').state, 'sent');
    });

    it('pending entries survive closing and reopening the store file, and are then delivered in order', async () => {
      await setUp({}, [CHANNEL_A, CHANNEL_B]);
      for (const id of ['R-1001', 'R-1002', 'R-1003']) await offer(r, id);
      assert.equal(r.outbox.counts().pending, 6);
      assert.equal(r.standIn.posts.length, 0);

      const again = await r.program.reopen();
      opened.push(again.store);
      const outbox = new LowdbOutbox(again.store, again.repo, r.clock.date);
      assert.equal(await outbox.recoverInFlight(), 0);
      assert.equal(outbox.counts().pending, 6);
      const referrals = new ReferralService(again.repo, r.clock.date, sequentialIds('ev2-'));
      await drain(r, r.workerFor(outbox, referrals));
      for (const c of [CHANNEL_A, CHANNEL_B]) {
        assert.deepEqual(
          postsTo(r.standIn, c).map((p) => p.referralIds[0]),
          ['R-1001', 'R-1002', 'R-1003'],
        );
      }
      assert.deepEqual(outbox.counts(), { pending: 0, sending: 0, sent: 6, dead: 0, unconfirmed: 0, undeliverable: 0 });
    });
  });
});
