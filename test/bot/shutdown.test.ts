import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import { buildApp, storeFile, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { startNotificationStandIn, type NotificationStandIn, type StandInScript } from '../../bench/notification-stand-in.ts';
import { journalFileOf, JsonStore } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import type { OutboxEntry } from '../../domain/notifications/types.ts';
import { messageActivity, postActivity } from '../security/support.ts';

const KEY = 'shutdown-test-intake-key-0123456789';
const CHAT = 'shutdown-alex-chat';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(10)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
  }
}

/** Alex (program admin of Contoso US) in his personal chat, so Contoso US's notifications come here. */
function alexSays(serviceUrl: string, text: string): Record<string, unknown> {
  return messageActivity(serviceUrl, CHAT, {
    text,
    from: { id: '29:alex', aadObjectId: PLAYGROUND_USERS.alex },
    conversation: { id: CHAT, conversationType: 'personal', tenantId: PLAYGROUND_TENANT },
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
  });
}

interface Running {
  readonly app: App;
  readonly port: number;
  readonly dir: string;
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly standIn: NotificationStandIn;
}

async function start(script: StandInScript): Promise<Running> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shutdown-'));
  const standIn = await startNotificationStandIn(script);
  const logger = memoryLogger();
  const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', INTAKE_API_KEY: KEY }, process.cwd()), logger);
  return { app, port: await listen(app.server, 0), dir, logger, standIn };
}

async function stop(r: Running | undefined): Promise<void> {
  if (r === undefined) return;
  await r.app.close().catch(() => undefined);
  await r.standIn.close();
  await rm(r.dir, { recursive: true, force: true });
}

/** A new referral claimed by Contoso US: one offer, so one notification to Alex's chat. */
async function intake(port: number, id: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/api/referrals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify({
      id,
      type: 'Standard',
      workloads: ['Teams'],
      customer: { name: `Shutdown ${id}`, country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] },
    }),
  });
  assert.equal(res.status, 201, await res.text());
}

/** The notifications for Alex's chat in the store as the next start reads it (snapshot + journal). */
async function entriesOnDisk(dir: string): Promise<OutboxEntry[]> {
  const store = await JsonStore.open<StoreData>(storeFile({ dataDir: dir }), storeSchema, emptyStore);
  try {
    return Object.values(store.data.outbox).filter((e) => e.conversationId === CHAT);
  } finally {
    await store.flush();
  }
}

/** This test's referrals (R-99xx): the demo program's never use these ids. */
const ours = (referralIds: readonly string[]): string[] => referralIds.filter((id) => id.startsWith('R-99'));

/** Notifications about this test's referrals are held at the connector this long; replies are not. */
const holdReferralCards =
  (ms: number): StandInScript =>
  (post) => (ours(post.referralIds).length > 0 ? { status: 201, delayMs: ms } : { status: 201 });

/**
 * The worker running, Alex's chat known, one referral card per id queued for it (one send in flight
 * per conversation, in order), the first held at the connector for `holdMs`.
 */
async function notificationsQueued(holdMs: number, referralIds: readonly string[]): Promise<Running> {
  const r = await start(holdReferralCards(holdMs));
  try {
    r.app.startBackground();
    assert.equal((await postActivity(r.port, alexSays(r.standIn.serviceUrl, 'help'))).status, 200);
    for (const id of referralIds) await intake(r.port, id);
    await waitFor('the first card is at the connector', () => r.standIn.posts.some((p) => ours(p.referralIds).length > 0));
    return r;
  } catch (err) {
    await stop(r);
    throw err;
  }
}

describe('graceful shutdown (bot/shutdown.ts through buildApp and the real server)', function () {
  this.timeout(30_000);
  let r: Running | undefined;

  afterEach(async () => {
    await stop(r);
    r = undefined;
  });

  it('close() waits while a turn is held, and resolves only after the turn answered through the connector', async () => {
    r = await start(() => ({ status: 201 }));
    const { app, standIn } = r;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let turnStarted = false;
    let turnFinishedAt: number | null = null;
    const run = app.bot.run.bind(app.bot);
    app.bot.run = async (context: TurnContext): Promise<void> => {
      turnStarted = true;
      await gate;
      await run(context);
      turnFinishedAt = Date.now();
    };
    const turn = postActivity(r.port, alexSays(standIn.serviceUrl, 'help'));
    await waitFor('the turn started', () => turnStarted);

    let closedAt: number | null = null;
    const closing = app.close().then(() => {
      closedAt = Date.now();
    });
    await sleep(500);
    assert.equal(closedAt, null, 'close() must not resolve while a turn is in flight');
    assert.equal(standIn.posts.length, 0, 'the held turn has not replied yet');

    release();
    const res = await turn;
    assert.equal(res.status, 200, 'the turn finished normally');
    await closing;
    assert.equal(standIn.delivered().length, 1, 'the reply reached the connector');
    assert.ok(turnFinishedAt !== null && closedAt !== null, 'both happened');
    assert.ok(turnFinishedAt <= closedAt, 'the turn (and its reply) finished before close() resolved');
    assert.ok(!r.logger.entries.some((e) => /still running/.test(e.message)));
  });

  it('a notification in flight when close() is called completes, and is `sent` on disk, not `unconfirmed`', async () => {
    r = await notificationsQueued(1_500, ['R-9901']);
    const { app } = r;
    assert.deepEqual(
      Object.values(app.store.data.outbox).map((e) => e.state),
      ['sending'],
      'claimed on disk and in flight',
    );

    const started = Date.now();
    await app.close();
    assert.ok(Date.now() - started >= 1_000, 'close() waited for the connector’s answer');
    const onDisk = await entriesOnDisk(r.dir);
    assert.deepEqual(onDisk.map((e) => e.state), ['sent']);
  });

  it('notifications already due but not yet sent go out before exit (within the outbox limit)', async () => {
    r = await notificationsQueued(600, ['R-9902', 'R-9903']);
    const { app, standIn } = r;
    // The first card is held at the connector; the second waits behind it, due.
    assert.deepEqual(Object.values(app.store.data.outbox).map((e) => e.state).sort(), ['pending', 'sending']);

    await app.close();
    assert.deepEqual(
      standIn.posts.flatMap((p) => ours(p.referralIds)),
      ['R-9902', 'R-9903'],
      'both cards were posted, in order',
    );
    assert.deepEqual((await entriesOnDisk(r.dir)).map((e) => e.state), ['sent', 'sent']);
  });

  it('what is not sent within the outbox limit stays `pending` on disk, for the next start, and is logged', async () => {
    r = await notificationsQueued(1_200, ['R-9904', 'R-9905']);
    const { app, standIn } = r;
    await app.close({ outboxMs: 200 });
    assert.deepEqual(standIn.posts.flatMap((p) => ours(p.referralIds)), ['R-9904'], 'no send started after the limit');
    assert.deepEqual((await entriesOnDisk(r.dir)).map((e) => e.state).sort(), ['pending', 'sent']);
    const warning = r.logger.entries.find((e) => e.message.startsWith('shutdown: due notifications left pending'));
    assert.equal(warning?.context?.['count'], 1, JSON.stringify(r.logger.entries));
  });
});

describe('SIGTERM to the real process (tsx bot/index.ts)', function () {
  this.timeout(60_000);

  it('stops gracefully: exit code 0, the snapshot written, the journal empty, the store opens again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sigterm-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dir, PORT: '0', INTAKE_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf-8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf-8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await waitFor('the bot is listening', () => /"bot listening"/.test(stdout) || child.exitCode !== null, 45_000);
      const port = Number(/localhost:(\d+)\/api\/messages/.exec(stdout)?.[1]);
      assert.ok(port > 0, `the bot reported its port:\n${stdout}\n${stderr}`);
      await intake(port, 'R-9906');
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, `${stdout}\n${stderr}`);
      assert.match(stdout, /"msg":"shutting down".*"signal":"SIGTERM"|"signal":"SIGTERM".*"msg":"shutting down"/);
      assert.equal(await readFile(journalFileOf(storeFile({ dataDir: dir })), 'utf-8').catch(() => ''), '', 'the journal was emptied into the snapshot');
      const store = await JsonStore.open<StoreData>(storeFile({ dataDir: dir }), storeSchema, emptyStore);
      try {
        assert.ok(store.data.referrals.some((x) => x.id === 'R-9906'), 'the referral taken before SIGTERM is stored');
      } finally {
        await store.flush();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
