import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNotificationStandIn, type NotificationStandIn, type ReceivedPost } from '../../bench/notification-stand-in.ts';
import { storeFile } from '../../bot/app.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { OutboxEntry } from '../../domain/notifications/types.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { location, newReferral, partner, sequentialIds } from '../helpers/program-fixture.ts';
import type { ChildMessage } from '../helpers/outbox-child.ts';

/**
 * Exactly-once delivery across `kill -9`, with the real bot process (buildApp, the real
 * ConnectorTransport and botbuilder adapter) posting to the connector stand-in over HTTP.
 *
 * The parent seeds a store with one location, 20 channel conversations subscribed to it and 10
 * referrals: 200 outbox entries, one per (conversation, referral). A child process sends them;
 * it is SIGKILLed with requests in flight, restarted on the same data directory, and left to
 * finish. The stand-in's record of every request it received is then compared with the store.
 *
 * The ambiguity policy being tested: the worker writes `sending` to disk (fsync) before a request
 * leaves and `sent` after the 2xx. An entry found `sending` at start-up may or may not have been
 * posted (the process died between the two writes), and Teams offers no way to ask, so it
 * becomes `unconfirmed` and is never resent automatically: operations see it in the failed list
 * and decide. Delivery is therefore at-most-once for those few entries, and exactly-once for
 * every other one. What the tests prove:
 * - no (conversation, referral) pair ever reaches the connector twice, whatever the kill hit;
 * - every entry the store calls `sent` reached the connector exactly once;
 * - nothing is lost silently: every entry ends `sent` or `unconfirmed`, nothing stays pending,
 *   sending or dead, and the `unconfirmed` ones are exactly those the kill caught mid-send (at
 *   most one per conversation, never resent by the restarted process);
 * - when the kill catches every open conversation with its request at the connector (second
 *   test), each unconfirmed entry was received exactly once, so every pair was delivered exactly
 *   once in all.
 *
 * It takes a few tens of seconds (two bot processes per test, real rate limits: 40 sends/s over
 * all conversations, 7 per 2 s per conversation).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/outbox-child.ts', import.meta.url));
const MPN = '5000001';
const CONVERSATIONS = Array.from({ length: 20 }, (_, i) => `19:kill-channel-${String(i + 1).padStart(2, '0')}@thread.tacv2`);
const REFERRALS = Array.from({ length: 10 }, (_, i) => `R-${2001 + i}`);
const TOTAL = CONVERSATIONS.length * REFERRALS.length;
const KILL_AT = 100;

interface Child {
  readonly process: ChildProcess;
  readonly messages: ChildMessage[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Resolves with the first message of `type`; rejects if the child exits first. */
  next<K extends ChildMessage['type']>(type: K): Promise<Extract<ChildMessage, { type: K }>>;
}

const children: ChildProcess[] = [];

function startChild(dataDir: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  children.push(child);
  const messages: ChildMessage[] = [];
  const waiters: Array<() => void> = [];
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf-8')).slice(-20_000);
  });
  child.on('message', (m: unknown) => {
    messages.push(m as ChildMessage);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters.splice(0)) w();
    });
  });
  return {
    process: child,
    messages,
    exited,
    stderr: () => err,
    next<K extends ChildMessage['type']>(type: K): Promise<Extract<ChildMessage, { type: K }>> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = messages.find((m): m is Extract<ChildMessage, { type: K }> => m.type === type);
          if (found !== undefined) resolve(found);
          else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`the child exited before "${type}":\n${err}`));
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Kills what is still running; used in `after` so no child outlives the tests. */
function killAll(): void {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

/** One location, the conversations subscribed to it, and the referrals' 200 pending entries. */
async function seed(dataDir: string, serviceUrl: string): Promise<void> {
  const store = await JsonStore.open<StoreData>(storeFile({ dataDir }), storeSchema, emptyStore);
  const repo = new LowdbProgramRepository(store);
  await repo.transaction((tx) => {
    tx.putPartner(partner('pa', ['Teams']));
    tx.putLocation(location(MPN, 'pa'));
  });
  const now = (): Date => new Date();
  const outbox = new LowdbOutbox(store, repo, now);
  for (const id of CONVERSATIONS) {
    await outbox.remember({ id, serviceUrl, tenantId: 'tenant-1', scope: 'channel', userAadObjectId: null, teamId: 'team-1', channelId: id });
    await outbox.subscribe(MPN, id, 'u-admin');
  }
  const referrals = new ReferralService(repo, now, sequentialIds('ev-'));
  for (const id of REFERRALS) {
    const r = await referrals.intake(newReferral(id, ['Teams']));
    assert.deepEqual(
      r.referral.assignments.map((a) => a.mpnId),
      [MPN],
    );
  }
  assert.equal(outbox.counts().pending, TOTAL);
  // The parent never touches this store again: the child owns the files from here.
  await store.flush();
}

async function readOutbox(dataDir: string): Promise<OutboxEntry[]> {
  const store = await JsonStore.open<StoreData>(storeFile({ dataDir }), storeSchema, emptyStore);
  const entries = Object.values(store.data.outbox);
  await store.flush();
  return entries;
}

/** Index of the last post to `conversationId`, or -1. */
function lastIndexOf(posts: readonly ReceivedPost[], conversationId: string): number {
  for (let i = posts.length - 1; i >= 0; i--) if (posts[i]?.conversationId === conversationId) return i;
  return -1;
}

function pairOf(conversationId: string, referralId: string): string {
  return `${conversationId} ${referralId}`;
}

function entryPair(e: OutboxEntry): string {
  assert.equal(e.data.kind, 'referral-offered', e.key);
  return pairOf(e.conversationId, e.data.kind === 'referral-offered' ? e.data.referralId : '');
}

function postPair(p: ReceivedPost): string {
  assert.equal(p.referralIds.length, 1, `one referral per card: ${p.referralIds.join(', ')}`);
  return pairOf(p.conversationId, p.referralIds[0] ?? '');
}

interface Run {
  readonly entries: OutboxEntry[];
  /** Every request the stand-in received, in arrival order, tagged with the bot process that sent it. */
  readonly posts: ReadonlyArray<ReceivedPost & { readonly run: 1 | 2 }>;
  /** How many requests the stand-in had received when the kill was issued. */
  readonly killedAt: number;
  /** Date.now() when the kill was issued. */
  readonly killedAtMs: number;
  /** What the restarted process logged about entries it found in flight. */
  readonly recovered: number;
}

/**
 * Seeds, runs the bot until `killNow` says so (asked on each request's arrival, before it is
 * answered), SIGKILLs it, restarts it on the same files, lets it finish and stops it cleanly.
 */
async function killAndRestart(standIn: NotificationStandIn, dataDir: string, killNow: (posts: readonly ReceivedPost[]) => boolean): Promise<Run> {
  await seed(dataDir, standIn.serviceUrl);
  const posts: Array<ReceivedPost & { run: 1 | 2 }> = [];
  let run: 1 | 2 = 1;
  let killedAt = -1;
  let killedAtMs = -1;
  const first = startChild(dataDir);
  standIn.onPost((p) => {
    posts.push({ ...p, run });
    if (run === 1 && killedAt < 0 && killNow(posts)) {
      killedAt = posts.length;
      killedAtMs = Date.now();
      first.process.kill('SIGKILL');
    }
  });
  const started = await first.next('started');
  assert.equal(started.counts.pending, TOTAL);
  const died = await first.exited;
  assert.equal(died.signal, 'SIGKILL', `the first process was killed, not ended otherwise:\n${first.stderr()}`);
  assert.ok(killedAt > 0);

  run = 2;
  const second = startChild(dataDir);
  await second.next('started');
  const idle = await second.next('idle');
  second.process.kill('SIGTERM');
  const stopped = await second.exited;
  assert.equal(stopped.code, 0, `the second process stopped cleanly:\n${second.stderr()}`);
  assert.deepEqual(
    second.messages.filter((m) => m.type === 'log' && m.level === 'error'),
    [],
  );
  const recovery = second.messages.find((m) => m.type === 'log' && m.message.startsWith('notifications in flight at the last stop'));
  const recovered = recovery?.type === 'log' ? Number(recovery.context?.['count']) : 0;

  const entries = await readOutbox(dataDir);
  assert.deepEqual(idle.counts, {
    pending: 0,
    sending: 0,
    sent: entries.filter((e) => e.state === 'sent').length,
    dead: 0,
    unconfirmed: entries.filter((e) => e.state === 'unconfirmed').length,
    undeliverable: 0,
  });
  return { entries, posts, killedAt, killedAtMs, recovered };
}

/** What holds whatever the kill hit; returns the unconfirmed entries and how often each pair was received. */
function assertNoDuplicateNoLoss(run: Run): { unconfirmed: OutboxEntry[]; received: Map<string, number> } {
  const { entries, posts } = run;
  assert.equal(entries.length, TOTAL);
  const pairs = new Set(entries.map(entryPair));
  assert.equal(pairs.size, TOTAL, 'one entry per (conversation, referral)');

  const received = new Map<string, number>();
  for (const p of posts) received.set(postPair(p), (received.get(postPair(p)) ?? 0) + 1);
  for (const [pair, n] of received) {
    assert.ok(pairs.has(pair), `${pair} was posted but is not in the outbox`);
    assert.equal(n, 1, `${pair} reached the connector ${n} times`);
  }

  const states = new Set(entries.map((e) => e.state));
  assert.deepEqual(
    [...states].filter((s) => s !== 'sent' && s !== 'unconfirmed'),
    [],
    'every entry ends sent or unconfirmed',
  );
  const unconfirmed = entries.filter((e) => e.state === 'unconfirmed');
  for (const e of entries) {
    const n = received.get(entryPair(e)) ?? 0;
    if (e.state === 'sent') {
      assert.equal(n, 1, `${e.key} is sent: received exactly once`);
    } else {
      assert.ok(n <= 1, `${e.key} is unconfirmed: received at most once`);
      assert.equal(e.lastError, 'the bot stopped while this was being sent');
      assert.equal(e.attempts, 1);
    }
  }
  // The unconfirmed ones are what the kill caught in flight: at most one per conversation, all
  // claimed by the first process, none sent by the second.
  assert.ok(unconfirmed.length >= 1, 'the kill caught a request in flight');
  assert.equal(new Set(unconfirmed.map((e) => e.conversationId)).size, unconfirmed.length, 'at most one in flight per conversation');
  assert.equal(run.recovered, unconfirmed.length, 'the restarted bot reported the entries it found in flight');
  const unconfirmedPairs = new Set(unconfirmed.map(entryPair));
  for (const p of posts) if (p.run === 2) assert.ok(!unconfirmedPairs.has(postPair(p)), `${postPair(p)} was unconfirmed but sent again`);
  // Nothing lost: each pair was received once, or is unconfirmed (in the failed list for operations).
  for (const pair of pairs) assert.ok(received.has(pair) || unconfirmedPairs.has(pair), `${pair} was lost`);
  // The restart had work to do: the first process had not sent everything.
  assert.ok(posts.some((p) => p.run === 2), 'the second process sent the rest');
  return { unconfirmed, received };
}

describe('bot/notifications outbox across kill -9 (real bot processes, connector stand-in)', function () {
  this.timeout(120_000);

  let standIn: NotificationStandIn | null = null;
  let dataDir = '';

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-kill-'));
  });

  afterEach(async () => {
    killAll();
    await standIn?.close();
    standIn = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  after(() => {
    killAll();
  });

  it('killed at the 100th request with several in flight: no pair posted twice, sent ones exactly once, the rest unconfirmed', async () => {
    let n = 0;
    // Answers come 20-200 ms late (the global pace starts a send about every 25 ms), so several
    // requests are in flight at any time; the request that triggers the kill is held, so it is
    // certainly in flight when the process dies.
    standIn = await startNotificationStandIn(() => {
      n++;
      return { status: 201, delayMs: n === KILL_AT ? 5_000 : 20 + ((n * 37) % 180) };
    });
    const run = await killAndRestart(standIn, dataDir, (posts) => posts.length === KILL_AT);
    assert.equal(run.killedAt, KILL_AT);
    const { unconfirmed, received } = assertNoDuplicateNoLoss(run);
    const trigger = run.posts[KILL_AT - 1] ?? assert.fail();
    assert.ok(
      unconfirmed.some((e) => entryPair(e) === postPair(trigger)),
      'the request in flight at the kill is unconfirmed',
    );
    assert.equal(received.get(postPair(trigger)), 1);
  });

  it('killed while every unfinished conversation has its request at the connector: every pair delivered exactly once, unconfirmed ones included', async () => {
    const HOLD_MS = 8_000;
    // From the 100th request until the kill, answers are held: each conversation stops at its
    // next request. The restarted process is answered at once again.
    let n = 0;
    let holdingSince: number | null = null;
    let killed = false;
    const heldIndexes = new Set<number>();
    standIn = await startNotificationStandIn(() => {
      n++;
      if (n < KILL_AT || killed) return { status: 201, delayMs: 2 };
      holdingSince ??= Date.now();
      heldIndexes.add(n - 1);
      return { status: 201, delayMs: HOLD_MS };
    });
    // Kill once every conversation has received all its notifications or has a held request:
    // then no process is between claiming an entry and posting it.
    const killNow = (posts: readonly ReceivedPost[]): boolean => {
      if (holdingSince === null) return false;
      killed = CONVERSATIONS.every((c) => {
        const last = lastIndexOf(posts, c);
        return heldIndexes.has(last) || posts.filter((p) => p.conversationId === c).length === REFERRALS.length;
      });
      return killed;
    };
    const run = await killAndRestart(standIn, dataDir, killNow);
    assert.ok(holdingSince !== null);
    assert.ok(run.killedAtMs - holdingSince < HOLD_MS - 1_000, `premise: the kill came before any held request was answered (${run.killedAtMs - holdingSince} ms)`);

    const { unconfirmed, received } = assertNoDuplicateNoLoss(run);
    const unconfirmedPairs = new Set(unconfirmed.map(entryPair));
    const beforeKill = run.posts.slice(0, run.killedAt);
    const inFlight = CONVERSATIONS.map((c) => lastIndexOf(beforeKill, c)).filter((i) => heldIndexes.has(i));
    assert.ok(inFlight.length >= 1);
    for (const i of inFlight) {
      const p = beforeKill[i] ?? assert.fail();
      assert.ok(unconfirmedPairs.has(postPair(p)), `${postPair(p)} was in flight at the kill, so it is unconfirmed`);
    }
    for (const e of unconfirmed) assert.equal(received.get(entryPair(e)), 1, `${e.key} was received exactly once`);
    assert.equal(received.size, TOTAL, 'every pair reached the connector');
    assert.equal(run.posts.length, TOTAL, 'and none twice');
  });
});
