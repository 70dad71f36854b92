import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp, storeFile, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { journalFileOf } from '../../data/store/json-store.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import type { NewReferral } from '../../domain/referrals/operations.ts';
import { startConnectorStandIn, type ConnectorStandIn } from '../connector-stand-in.ts';
import { runLoad, type LoadResult } from '../load-driver.ts';
import type { Row, Section } from '../section.ts';
import { percentile } from '../stats.ts';
import { faqTexts, launchEchoBot } from './faq-throughput.ts';

export interface MixedLoadOptions {
  /** Concurrent users per cell; each user is a closed loop of requests. */
  readonly concurrency: readonly number[];
  /** Measured time of each cell (echo, FAQ-only, mixed at each concurrency). */
  readonly cellMs: number;
  /** Uncounted time at the start of each cell, to fill the closed loop. */
  readonly cellWarmupMs: number;
  /** One uncounted run per server first, so both are JIT-warm. */
  readonly serverWarmupMs: number;
  readonly timeoutMs: number;
  /** Size the store is grown to (referrals) before memory and disk are measured. */
  readonly storeReferrals: number;
  /** Intakes in flight at once while growing the store. */
  readonly growInFlight: number;
}

export const MIXED_LOAD_DEFAULTS: MixedLoadOptions = {
  concurrency: [32, 128],
  cellMs: 15_000,
  cellWarmupMs: 1_000,
  serverWarmupMs: 2_000,
  timeoutMs: 10_000,
  storeReferrals: 100_000,
  growInFlight: 256,
};

const INTAKE_KEY = 'mixed-load-intake-key-0123456789';
const WORKLOADS = ['Teams', 'Exchange', 'SharePoint', 'Intune', 'Defender', 'Purview'];
const INDUSTRIES = ['Retail', 'Manufacturing', 'Finance', 'Healthcare', 'Education'];

type Op = 'faq' | 'pending' | 'intake' | 'answer' | 'pause';
const OPS: readonly Op[] = ['faq', 'pending', 'intake', 'answer', 'pause'];

/** One cell's figures; `completed` and latencies only count requests finished inside the window. */
interface Cell {
  readonly label: string;
  readonly users: number;
  readonly perSecond: number;
  readonly latenciesMs: readonly number[];
  readonly sent: number;
  readonly fiveHundreds: number;
  readonly fourHundreds: number;
  readonly requestErrors: number;
  readonly missingReplies: number;
  readonly byOp?: Readonly<Record<Op, number>>;
}

function cellOf(label: string, users: number, r: LoadResult): Cell {
  return {
    label,
    users,
    perSecond: r.perSecond,
    latenciesMs: r.latenciesMs,
    sent: r.sent,
    fiveHundreds: r.non200,
    fourHundreds: 0,
    requestErrors: r.requestErrors,
    missingReplies: r.missingReplies,
  };
}

/**
 * Sustained mixed load on the real bot, against the bare echo bot at the same concurrency, then
 * the bot's memory and store size with a large store.
 *
 * Every server runs in this process (the echo bot too, so the ratio compares like with like): the
 * mixed workload picks offered parts from the live ReferralService as test/soak/concurrency does,
 * and the store is grown through the same service afterwards. Driver and stand-in CPU are thus in
 * every figure, and the memory figures include them (they are small next to a 100k store).
 *
 * Mixed = 35% FAQ, 15% `pending` (both to /api/messages, counted when 200 and the reply reached
 * the connector stand-in), 15% intake (POST /api/referrals), 25% accept/decline of an offered part
 * and 10% pause/resume (/api/tab/... ?as=megan|alex, development sign-in). A 4xx (a part someone
 * else answered first, a pause too soon) is a completed request; a 5xx or a network error is not.
 */
export function mixedLoadSection(o: MixedLoadOptions = MIXED_LOAD_DEFAULTS): Section {
  return {
    name: 'mixed-load',
    title: `Sustained mixed load (${o.concurrency.join(' / ')} users, ${o.cellMs / 1000} s per cell, servers in-process), then a ${o.storeReferrals.toLocaleString('en-US')}-referral store`,
    async run() {
      const texts = faqTexts();
      const standIn = await startConnectorStandIn();
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ft-bench-mixed-'));
      const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', INTAKE_API_KEY: INTAKE_KEY }, process.cwd());
      const logger = memoryLogger();
      let app: App | undefined;
      const echo = await launchEchoBot('in-process');
      let echoClosed = false;
      try {
        app = await buildApp(config, logger);
        const server = app.server;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const realUrl = `${base}/api/messages`;
        let runNo = 0;
        const faqRun = (url: string, users: number, warmupMs: number, durationMs: number) =>
          runLoad({ url, standIn, users, texts, runId: `mx${runNo++}`, warmupMs, durationMs, timeoutMs: o.timeoutMs });

        await faqRun(echo.url, 16, 0, o.serverWarmupMs);
        await faqRun(realUrl, 16, 0, o.serverWarmupMs);
        await runMixed(app, base, standIn, 16, `mxw`, 0, o.serverWarmupMs, o.timeoutMs);

        const cells: Array<{ echo: Cell; faq: Cell; mixed: Cell }> = [];
        for (const users of o.concurrency) {
          const e = cellOf('echo', users, await faqRun(echo.url, users, o.cellWarmupMs, o.cellMs));
          const f = cellOf('faq-only', users, await faqRun(realUrl, users, o.cellWarmupMs, o.cellMs));
          const m = await runMixed(app, base, standIn, users, `mx${runNo++}`, o.cellWarmupMs, o.cellMs, o.timeoutMs);
          cells.push({ echo: e, faq: f, mixed: m });
        }
        await echo.close();
        echoClosed = true;

        const logErrors = logger.entries.filter((e) => e.level === 'error').length;
        const afterLoad = { referrals: app.store.data.referrals.length, memory: await memoryAfterGc() };
        const grow = await growStore(app, o.storeReferrals, o.growInFlight);
        await app.store.flush();
        const memory = await memoryAfterGc();
        const dbBytes = await sizeOf(storeFile(config));
        const journalBytes = await sizeOf(journalFileOf(storeFile(config)));
        return [
          ...cellRows(cells),
          { metric: 'bot log errors during load', value: logErrors },
          { metric: 'connector stand-in', value: standIn.counts().received, note: `replies received; unexpected ${standIn.counts().unexpected}, malformed ${standIn.counts().malformed}` },
          {
            metric: 'store grown to',
            value: app.store.data.referrals.length,
            unit: 'referrals',
            note: `${afterLoad.referrals} after the load; ${grow.added} intakes in ${(grow.ms / 1000).toFixed(1)} s (${((grow.added / grow.ms) * 1000).toFixed(0)}/s, ${o.growInFlight} in flight), ${grow.failed} failed; events ${app.store.data.events.length}`,
          },
          { metric: 'rss after load', value: mb(afterLoad.memory.rss), unit: 'MB', note: `heapUsed ${mb(afterLoad.memory.heapUsed).toFixed(1)} MB; ${afterLoad.memory.gc}` },
          { metric: 'rss with grown store', value: mb(memory.rss), unit: 'MB', note: `whole bench process (driver and stand-in included); ${memory.gc}` },
          { metric: 'heapUsed with grown store', value: mb(memory.heapUsed), unit: 'MB', note: `heapTotal ${mb(memory.heapTotal).toFixed(1)} MB, external ${mb(memory.external).toFixed(1)} MB` },
          { metric: 'db.json on disk', value: mb(dbBytes), unit: 'MB', note: `${dbBytes} B after flush` },
          { metric: 'db.json.journal on disk', value: journalBytes, unit: 'B', note: `after flush; total ${mb(dbBytes + journalBytes).toFixed(1)} MB` },
        ];
      } finally {
        if (!echoClosed) await echo.close();
        if (app !== undefined) await app.close();
        await standIn.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

function cellRows(cells: ReadonlyArray<{ echo: Cell; faq: Cell; mixed: Cell }>): Row[] {
  const out: Row[] = [];
  for (const { echo, faq, mixed } of cells) {
    const u = echo.users;
    const perCell = (c: Cell, ratioNote: string | null): Row[] => [
      { metric: `${c.label} ${u}u latency p50`, value: percentile(c.latenciesMs, 0.5), unit: 'ms' },
      { metric: `${c.label} ${u}u latency p99`, value: percentile(c.latenciesMs, 0.99), unit: 'ms' },
      {
        metric: `${c.label} ${u}u throughput`,
        value: c.perSecond,
        unit: 'req/s',
        note: `${c.latenciesMs.length} completed in window; ${c.sent} sent incl. warm-up${c.byOp === undefined ? '' : `; ${OPS.map((op) => `${op} ${c.byOp?.[op] ?? 0}`).join(', ')}`}`,
      },
      ...(ratioNote === null ? [] : [{ metric: `${c.label} ${u}u ratio vs echo`, value: c.perSecond / echo.perSecond, note: ratioNote }]),
      {
        metric: `${c.label} ${u}u errors`,
        value: c.fiveHundreds + c.requestErrors + c.missingReplies,
        note: `5xx ${c.fiveHundreds}${c.label === 'mixed' ? '' : ' (non-200)'}, request errors ${c.requestErrors}, missing replies ${c.missingReplies}${c.label === 'mixed' ? `; 4xx ${c.fourHundreds} (completed, not errors)` : ''}`,
      },
    ];
    out.push(...perCell(echo, null), ...perCell(faq, 'throughput / echo throughput'), ...perCell(mixed, 'informational: the mix is not what the echo bot does'));
  }
  return out;
}

/** A request's outcome: the HTTP status, or -1 for a network error or timeout. */
function request(agent: http.Agent, url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? -1));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

/** The soak test's mix, as closed-loop users against the live app, each for warm-up + duration. */
async function runMixed(
  app: App,
  base: string,
  standIn: ConnectorStandIn,
  users: number,
  runId: string,
  warmupMs: number,
  durationMs: number,
  timeoutMs: number,
): Promise<Cell> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: users });
  const texts = faqTexts();
  const t0 = performance.now();
  const measureFrom = t0 + warmupMs;
  const end = measureFrom + durationMs;
  const latencies: number[] = [];
  const byOp: Record<Op, number> = { faq: 0, pending: 0, intake: 0, answer: 0, pause: 0 };
  let sent = 0;
  let fiveHundreds = 0;
  let fourHundreds = 0;
  let requestErrors = 0;
  let missingReplies = 0;
  let seed = 7 + runId.length * 31 + users;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const day = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  const message = async (u: number, seq: number, text: string): Promise<number> => {
    const conversationId = `a:${runId}-c${u}`;
    const activityId = `m${seq}`;
    const body = JSON.stringify({
      type: 'message',
      id: activityId,
      text,
      channelId: 'msteams',
      serviceUrl: standIn.serviceUrl,
      from: { id: `29:megan-${runId}-${u}`, aadObjectId: PLAYGROUND_USERS.megan },
      recipient: { id: '28:bot' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: PLAYGROUND_TENANT },
      channelData: { tenant: { id: PLAYGROUND_TENANT } },
    });
    const reply = standIn.expectReply(conversationId, activityId, timeoutMs);
    const status = await request(agent, `${base}/api/messages`, body, {}, timeoutMs);
    if (status !== 200) {
      reply.cancel();
      return status;
    }
    return (await reply.arrived) ? 200 : -2;
  };

  const user = async (u: number): Promise<void> => {
    for (let seq = 0; performance.now() < end; seq++) {
      const r = random();
      const op: Op = r < 0.35 ? 'faq' : r < 0.5 ? 'pending' : r < 0.65 ? 'intake' : r < 0.9 ? 'answer' : 'pause';
      const started = performance.now();
      let status: number;
      if (op === 'faq') {
        status = await message(u, seq, texts[(u * 7 + seq) % texts.length] ?? 'help');
      } else if (op === 'pending') {
        status = await message(u, seq, 'pending');
      } else if (op === 'intake') {
        const body: NewReferral = {
          id: `MX-${runId}-${u}-${seq}`,
          type: 'Standard',
          workloads: ['Teams'],
          customer: { name: `Load ${u}-${seq}`, country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] },
        };
        status = await request(agent, `${base}/api/referrals`, JSON.stringify(body), { 'x-api-key': INTAKE_KEY }, timeoutMs);
      } else if (op === 'answer') {
        const open = app.referrals.pendingFor(DEMO_MPN.contosoUs);
        const pick = open[Math.floor(random() * open.length)];
        if (pick === undefined) continue;
        const verb = random() < 0.6 ? 'accept' : 'decline';
        status = await request(
          agent,
          `${base}/api/tab/referrals/${pick.referral.id}/parts/${pick.part.id}/${verb}?as=megan`,
          JSON.stringify(verb === 'accept' ? {} : { reason: 'no-capacity' }),
          {},
          timeoutMs,
        );
      } else {
        const verb = random() < 0.5 ? 'pause' : 'resume';
        status = await request(agent, `${base}/api/tab/locations/${DEMO_MPN.contosoUs}/${verb}?as=alex`, JSON.stringify(random() < 0.5 ? { until: day(5) } : {}), {}, timeoutMs);
      }
      sent++;
      const done = performance.now();
      const inWindow = done >= measureFrom && done <= end;
      if (status === -1) requestErrors++;
      else if (status === -2) missingReplies++;
      else if (status >= 500) fiveHundreds++;
      else {
        if (status >= 400 && inWindow) fourHundreds++;
        if (inWindow) {
          latencies.push(done - started);
          byOp[op]++;
        }
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: users }, (_, u) => user(u)));
  } finally {
    agent.destroy();
  }
  return {
    label: 'mixed',
    users,
    perSecond: latencies.length / (durationMs / 1000),
    latenciesMs: latencies,
    sent,
    fiveHundreds,
    fourHundreds,
    requestErrors,
    missingReplies,
    byOp,
  };
}

/** Intakes through the live ReferralService until the store holds `target` referrals. */
async function growStore(app: App, target: number, inFlight: number): Promise<{ added: number; failed: number; ms: number }> {
  const t0 = performance.now();
  let next = app.store.data.referrals.length;
  let added = 0;
  let failed = 0;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (next < target) {
      next++;
      const i = n++;
      const workloads = [WORKLOADS[i % WORKLOADS.length] ?? 'Teams', ...(i % 3 === 0 ? [WORKLOADS[(i + 2) % WORKLOADS.length] ?? 'Exchange'] : [])];
      const input: NewReferral = {
        id: `GROW-${String(i).padStart(7, '0')}`,
        type: i % 5 < 3 ? 'Benefit' : 'Standard',
        workloads,
        customer: {
          name: `Grown customer ${i}`,
          country: 'US',
          language: 'en',
          seats: 150 + (i % 40) * 250,
          industry: INDUSTRIES[i % INDUSTRIES.length] ?? 'Retail',
          cporClaims: i % 10 === 0 ? [{ mpnId: i % 20 === 0 ? DEMO_MPN.contosoUs : DEMO_MPN.fabrikamUs, workload: workloads[0] ?? 'Teams' }] : [],
        },
      };
      try {
        await app.referrals.intake(input);
        added++;
      } catch {
        failed++;
        next--;
        if (failed > 1000) throw new Error(`store growth: ${failed} intakes failed`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  return { added, failed, ms: performance.now() - t0 };
}

type GcFn = () => void;

/** global.gc when node runs with --expose-gc; otherwise the flag is set at run time and gc taken from a fresh context. */
function gcFunction(): GcFn | undefined {
  const existing = (globalThis as { gc?: GcFn }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    return typeof fn === 'function' ? (fn as GcFn) : undefined;
  } catch {
    return undefined;
  }
}

async function memoryAfterGc(): Promise<NodeJS.MemoryUsage & { gc: string }> {
  const gc = gcFunction();
  if (gc !== undefined) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return { ...process.memoryUsage(), gc: gc === undefined ? 'no gc available (not collected)' : 'after a full gc' };
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

const mb = (bytes: number): number => bytes / (1024 * 1024);
