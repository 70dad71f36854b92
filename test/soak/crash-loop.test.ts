/**
 * Crash-safety soak: the real bot process is SIGKILLed again and again while it writes, and after
 * every kill the store on disk must open and hold everything the bot acknowledged.
 *
 * "Acknowledged" here: the child (test/helpers/crash-child.ts) sends `{ ack }` for an operation
 * over IPC only after that operation's promise (ReferralService → repository transaction →
 * JsonStore.update) RESOLVED, i.e. after its journal append was fsynced (README, "The store").
 * That is the moment the bot would answer a user or return 2xx to the intake API. Operations the
 * kill caught before their promise resolved were never acknowledged and may or may not be on disk.
 * Operations that threw a DomainError (a resume of a location that is not paused…) changed nothing
 * and are not acknowledged. An update resolves once its journal line is synced, never later: the
 * snapshot rewrite it may trigger runs after it, so "acknowledged" does not mean "in the snapshot".
 *
 * The child's store rewrites its snapshot every 10 journal entries (the bot: every 5,000), so kills
 * also land during rewrites. Before reopening, the test records the two traces such a kill leaves:
 * lowdb's temp file `.db.json.tmp` (killed while the new snapshot was written; the temp file is
 * then removed, so it is not counted again) and journal lines the snapshot already holds (killed
 * after the rename, before the journal was emptied; the reopen must skip them, not apply them twice).
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
 * names a referral that exists (a transaction is never half on disk). Over the whole run, every
 * kind of operation (intake, accept, decline, pause, resume) must have been acknowledged at least
 * once, and the children must have rewritten snapshots while writing.
 *
 * SOAK_CRASHES sets the number of kills: 5 by default (the regular `npm test`), 50 for
 * `SOAK_CRASHES=50 mocha --grep @soak`. SOAK_SEED changes the seeded random choices. The totals go
 * to test/artifacts/soak-crash-loop.json (ignored by git); the test prints nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonStore, readStoreFiles } from '../../data/store/json-store.ts';
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
  /** Snapshots the child's store wrote after `ready`, as of its last ack. */
  readonly snapshots: number;
  readonly snapshotEveryEntries: number | null;
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
  let snapshots = 0;
  let snapshotEveryEntries: number | null = null;
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
    if ('ack' in m) {
      acks.push(m.ack);
      snapshots = m.snapshots;
    } else if (m.type === 'ready') {
      snapshotEveryEntries = m.snapshotEveryEntries;
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
  return { acks, snapshots, snapshotEveryEntries, code, signal, error, stderr };
}

/** What a kill in the middle of a snapshot rewrite left behind, if it did; read before the reopen. */
async function interruptedSnapshot(dataDir: string): Promise<'temp-file' | 'journal-not-emptied' | null> {
  // steno's temp file beside db.json (steno/lib: `.${basename}.tmp`).
  const temp = path.join(dataDir, '.db.json.tmp');
  if (existsSync(temp)) {
    await rm(temp);
    return 'temp-file';
  }
  const files = readStoreFiles(path.join(dataDir, 'db.json'), storeSchema, emptyStore);
  return files.replay.skipped > 0 ? 'journal-not-emptied' : null;
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
    let snapshotsWhileWriting = 0;
    let snapshotEveryEntries: number | null = null;
    const killsDuringSnapshot = { tempFile: 0, journalNotEmptied: 0 };
    for (let i = 1; i <= SOAK_CRASHES; i++) {
      const runMs = 100 + Math.floor(random() * 501);
      const run = await runAndKill(dataDir, i, runMs, Math.floor(random() * 0xffff_ffff));
      assert.equal(run.error, null, `kill ${i}: the child failed: ${run.error ?? ''}\n${run.stderr}`);
      assert.equal(run.signal, 'SIGKILL', `kill ${i}: the child ended otherwise (code ${String(run.code)}):\n${run.stderr}`);
      acked.push(...run.acks);
      for (const op of run.acks) byKind[op.kind]++;
      minAcks = Math.min(minAcks, run.acks.length);
      snapshotsWhileWriting += run.snapshots;
      snapshotEveryEntries ??= run.snapshotEveryEntries;
      const interrupted = await interruptedSnapshot(dataDir);
      if (interrupted === 'temp-file') killsDuringSnapshot.tempFile++;
      if (interrupted === 'journal-not-emptied') killsDuringSnapshot.journalNotEmptied++;
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
      snapshotEveryEntries,
      snapshotsWhileWriting,
      killsDuringSnapshot,
      acknowledgedChecksMade: checks,
      tornJournalLinesDropped: tornLines,
      durationMs: Date.now() - started,
    };
    await mkdir(path.dirname(ARTIFACT), { recursive: true });
    await writeFile(ARTIFACT, `${JSON.stringify(totals, null, 2)}\n`);
    assert.ok(acked.length >= SOAK_CRASHES, `premise: the children acknowledged work (${JSON.stringify(totals)})`);
    for (const kind of ['intake', 'accept', 'decline', 'pause', 'resume'] as const) {
      assert.ok(byKind[kind] > 0, `premise: ${kind} was acknowledged at least once (${JSON.stringify(totals)})`);
    }
    assert.ok(snapshotsWhileWriting > 0, `premise: snapshots were rewritten while the children wrote (${JSON.stringify(totals)})`);
    // About one kill in seven lands mid-rewrite (3 of 20 in a trial run): by chance in `npm test`'s
    // 5 kills, expected about seven times in the soak's 50, where it must have happened.
    if (SOAK_CRASHES >= 30) {
      assert.ok(killsDuringSnapshot.tempFile + killsDuringSnapshot.journalNotEmptied > 0, `premise: some kills landed during a snapshot rewrite (${JSON.stringify(totals)})`);
    }
  });
});
