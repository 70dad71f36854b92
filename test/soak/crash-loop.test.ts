/**
 * Crash-safety soak: the real bot process is SIGKILLed again and again while it writes, and after
 * every kill the store on disk must open and hold everything the bot acknowledged.
 *
 * "Acknowledged" here: the child (test/helpers/crash-child.ts) sends `{ ack }` for an operation
 * over IPC only after that operation's promise (ReferralService → repository transaction →
 * JsonStore.update) RESOLVED, i.e. after its journal append was fsynced (README, "The store").
 * That is the moment the bot would answer a user or return 2xx to the intake API. Operations the
 * kill caught before their promise resolved were never acknowledged and may or may not be on disk.
 *
 * The first child loads the demo program (SEED_DEMO_DATA=true, buildApp's own start-up path)
 * before it reports `ready`, so no kill can land mid-seed; later children start with it off.
 *
 * Each iteration: start the child on the same DATA_DIR (it recovers from what the previous kill
 * left), wait for `ready`, let it run a random 100–600 ms (seeded), SIGKILL it, wait until its IPC
 * channel closed (every ack it managed to send is received), then, with no child running, open
 * the store with JsonStore.open (a throw fails the test) and check, for every operation
 * acknowledged so far in any iteration:
 * - intake: the referral exists and every event it produced is stored;
 * - accept: the part is `accepted` and its `accepted` event is stored;
 * - decline: the part is `declined` and its events (declined, reassigned, offered…) are stored;
 * - pause / resume: the `paused` / `resumed` event is stored (the location's state may have moved on);
 * and, over the whole store: no event id twice, no referral id twice, and every referral event
 * names a referral that exists (a transaction is never half on disk).
 *
 * SOAK_CRASHES sets the number of kills: 5 by default (the regular `npm test`), 50 for
 * `SOAK_CRASHES=50 mocha --grep @soak`. SOAK_SEED changes the seeded random choices. The totals go
 * to test/artifacts/soak-crash-loop.json (ignored by git); the test prints nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonStore } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { AckedOp, CrashChildMessage } from '../helpers/crash-child.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/crash-child.ts', import.meta.url));
const ARTIFACT = fileURLToPath(new URL('../artifacts/soak-crash-loop.json', import.meta.url));

/** Kills per run: SOAK_CRASHES, or 5 so the regular suite stays quick. */
export const SOAK_CRASHES = crashCount(process.env.SOAK_CRASHES);
const SEED = Number(process.env.SOAK_SEED ?? '20260501') >>> 0;
const READY_TIMEOUT_MS = 30_000;

function crashCount(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 5;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SOAK_CRASHES must be a whole number of at least 1, not "${text}"`);
  return n;
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const children: ChildProcess[] = [];

/** Kills what is still running; used in `after` so no child outlives the test, pass or fail. */
function killAll(): void {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

interface Run {
  readonly acks: AckedOp[];
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly error: string | null;
  readonly stderr: string;
}

/** Starts the child, kills it `runMs` after it is ready, and resolves once its IPC channel is closed. */
async function runAndKill(dataDir: string, iteration: number, runMs: number, childSeed: number): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(iteration), String(childSeed), iteration === 1 ? 'seed' : 'no-seed'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(child);
  const acks: AckedOp[] = [];
  let error: string | null = null;
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf-8')).slice(-20_000);
  });
  const readyTimeout = setTimeout(() => {
    error ??= `the child was not ready within ${READY_TIMEOUT_MS} ms`;
    child.kill('SIGKILL');
  }, READY_TIMEOUT_MS);
  child.on('message', (raw: unknown) => {
    const m = raw as CrashChildMessage;
    if ('ack' in m) acks.push(m.ack);
    else if (m.type === 'ready') {
      clearTimeout(readyTimeout);
      timer = setTimeout(() => child.kill('SIGKILL'), runMs);
    } else error = m.message;
  });
  // 'close' comes after the exit and after stderr and the IPC channel closed: no ack is still in transit.
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (c: number | null, s: NodeJS.Signals | null) => resolve({ code: c, signal: s }));
  });
  clearTimeout(readyTimeout);
  if (timer !== undefined) clearTimeout(timer);
  return { acks, code, signal, error, stderr };
}

/** Opens the store as the next start would (replaying the journal) and checks it; returns the checks made. */
async function checkStore(dataDir: string, acked: readonly AckedOp[], label: string): Promise<{ checks: number; tornLines: number }> {
  const warnings: string[] = [];
  // A snapshot or journal that cannot be used throws StoreFileError here, which fails the test.
  // The path is bot/app.ts's storeFile(), spelled out so the parent does not load the bot (restify).
  const store = await JsonStore.open<StoreData>(path.join(dataDir, 'db.json'), storeSchema, emptyStore, { warn: (m) => warnings.push(m) });
  try {
    const data = store.data;
    const events = new Map<string, StoreData['events'][number]>();
    for (const e of data.events) {
      assert.ok(!events.has(e.id), `${label}: event id ${e.id} appears twice in the store`);
      events.set(e.id, e);
    }
    const referrals = new Map<string, StoreData['referrals'][number]>();
    for (const r of data.referrals) {
      assert.ok(!referrals.has(r.id), `${label}: referral ${r.id} appears twice in the store`);
      referrals.set(r.id, r);
    }
    for (const e of data.events) {
      if ('referralId' in e) assert.ok(referrals.has(e.referralId), `${label}: event ${e.id} (${e.type}) names referral ${e.referralId}, which is not stored`);
    }
    let checks = 0;
    for (const op of acked) {
      const what = `${label}: acknowledged ${JSON.stringify(op)}`;
      assert.ok(op.events.length > 0 || op.kind === 'intake', `${what} produced no event`);
      for (const id of op.events) assert.ok(events.has(id), `${what}: its event ${id} is missing`);
      switch (op.kind) {
        case 'intake':
          assert.ok(referrals.has(op.referralId), `${what}: the referral is missing`);
          break;
        case 'accept':
        case 'decline': {
          const want = op.kind === 'accept' ? 'accepted' : 'declined';
          const part = referrals.get(op.referralId)?.assignments.find((a) => a.id === op.assignmentId);
          assert.equal(part?.state, want, `${what}: the part is not ${want}`);
          assert.ok(
            op.events.some((id) => { const e = events.get(id); return e?.type === want && 'assignmentId' in e && e.assignmentId === op.assignmentId; }),
            `${what}: no stored ${want} event for the part`,
          );
          break;
        }
        case 'pause':
        case 'resume': {
          const want = op.kind === 'pause' ? 'paused' : 'resumed';
          assert.ok(
            op.events.some((id) => { const e = events.get(id); return e?.type === want && e.mpnId === op.mpnId; }),
            `${what}: no stored ${want} event for ${op.mpnId}`,
          );
          break;
        }
      }
      checks++;
    }
    const unexpected = warnings.filter((w) => !w.includes('which a crash left unfinished'));
    assert.deepEqual(unexpected, [], `${label}: unexpected store warnings`);
    return { checks, tornLines: warnings.length - unexpected.length };
  } finally {
    // Nothing was changed, so this writes nothing; it closes the journal before the child reopens it.
    await store.flush();
  }
}

describe(`crash loop: SIGKILL the bot ${SOAK_CRASHES} times while it writes, every acknowledged change survives @soak`, function () {
  let dataDir = '';

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'crash-loop-'));
  });

  after(async () => {
    killAll();
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it(`every acknowledged operation is on disk after each of ${SOAK_CRASHES} kills, with no duplicate event or referral`, async function () {
    this.timeout(60_000 + SOAK_CRASHES * 15_000);
    const started = Date.now();
    const random = prng(SEED);
    const acked: AckedOp[] = [];
    const byKind: Record<AckedOp['kind'], number> = { intake: 0, accept: 0, decline: 0, pause: 0, resume: 0 };
    let checks = 0;
    let tornLines = 0;
    let minAcks = Number.POSITIVE_INFINITY;
    for (let i = 1; i <= SOAK_CRASHES; i++) {
      const runMs = 100 + Math.floor(random() * 501);
      const run = await runAndKill(dataDir, i, runMs, Math.floor(random() * 0xffff_ffff));
      assert.equal(run.error, null, `kill ${i}: the child failed: ${run.error ?? ''}\n${run.stderr}`);
      assert.equal(run.signal, 'SIGKILL', `kill ${i}: the child ended otherwise (code ${String(run.code)}):\n${run.stderr}`);
      acked.push(...run.acks);
      for (const op of run.acks) byKind[op.kind]++;
      minAcks = Math.min(minAcks, run.acks.length);
      const result = await checkStore(dataDir, acked, `after kill ${i}`);
      checks += result.checks;
      tornLines += result.tornLines;
    }
    const totals = {
      crashes: SOAK_CRASHES,
      seed: SEED,
      acknowledgedOperations: acked.length,
      acknowledgedByKind: byKind,
      fewestAcksInOneRun: minAcks,
      acknowledgedChecksMade: checks,
      tornJournalLinesDropped: tornLines,
      durationMs: Date.now() - started,
    };
    await mkdir(path.dirname(ARTIFACT), { recursive: true });
    await writeFile(ARTIFACT, `${JSON.stringify(totals, null, 2)}\n`);
    assert.ok(acked.length >= SOAK_CRASHES, `premise: the children acknowledged work (${JSON.stringify(totals)})`);
    assert.ok(byKind.intake > 0 && byKind.accept + byKind.decline > 0, `premise: intake and answers were exercised (${JSON.stringify(totals)})`);
  });
});
