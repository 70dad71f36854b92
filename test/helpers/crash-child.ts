/**
 * The bot as a separate process, for the crash-loop soak test (test/soak/crash-loop.test.ts):
 *
 *   node --import tsx test/helpers/crash-child.ts <dataDir> <runTag> <seed> seed|no-seed
 *
 * Builds the real app on `<dataDir>` with buildApp (which replays the journal left by the previous,
 * killed process; with `seed`, the first start, it also loads the demo program into the empty store
 * before `ready`, so no kill lands mid-seed), listens on a free port as bot/index.ts does, reports `ready`, then loops until it
 * is killed, running a random mix of operations through the real ReferralService one at a time:
 * intake of new referrals (ids `S-<runTag>-<n>`, unique across runs), accept and decline of offered
 * parts, pause and resume of locations. DomainErrors (a resume of an unpaused location, …) are
 * expected and skipped.
 *
 * The store rewrites its snapshot every {@link SNAPSHOT_EVERY} journal entries (the bot's default
 * is 5,000), so a good share of kills land while a snapshot is being written or before the journal
 * it replaces was emptied.
 *
 * After an operation's promise resolves (so its journal append was fsynced), the child sends
 * `{ ack }` to the parent with what that operation produced, and how many snapshots the store has
 * written since `ready`. Nothing else is reported, except an unexpected error (then the child
 * exits 1). The background worker and scheduler are not started.
 */
import { buildApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import type { Logger } from '../../bot/logger.ts';
import { PLAYGROUND_USERS, DEMO_MPN } from '../../data/seed/demo-network.ts';
import { isDomainError } from '../../domain/errors.ts';
import { DECLINE_REASONS, type DeclineReason, type ProgramEvent } from '../../domain/referrals/types.ts';

/** What one acknowledged operation produced. `events` are the ids of the events it appended. */
export type AckedOp =
  | { readonly kind: 'intake'; readonly referralId: string; readonly events: readonly string[] }
  | { readonly kind: 'accept'; readonly referralId: string; readonly assignmentId: string; readonly events: readonly string[] }
  | { readonly kind: 'decline'; readonly referralId: string; readonly assignmentId: string; readonly events: readonly string[] }
  | { readonly kind: 'pause'; readonly mpnId: string; readonly events: readonly string[] }
  | { readonly kind: 'resume'; readonly mpnId: string; readonly events: readonly string[] };

export type CrashChildMessage =
  | { readonly type: 'ready'; readonly snapshotEveryEntries: number }
  | { readonly ack: AckedOp; readonly snapshots: number }
  | { readonly type: 'error'; readonly message: string };

/** Journal entries between snapshot rewrites in the child; small, so kills also hit rewrites. */
const SNAPSHOT_EVERY = 10;

function report(message: CrashChildMessage): void {
  if (process.send !== undefined) process.send(message);
}

const [dataDir, runTag, seedText, seedDemo] = process.argv.slice(2);
if (dataDir === undefined || dataDir === '' || runTag === undefined || seedText === undefined) {
  process.stderr.write('usage: node --import tsx test/helpers/crash-child.ts <dataDir> <runTag> <seed> seed|no-seed\n');
  process.exit(2);
}

/** Deterministic choices (timing still varies from run to run). */
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
const random = prng(Number(seedText));
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

const quiet = (): void => undefined;
const logger: Logger = {
  info: quiet,
  warn: quiet,
  error: (message, context) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...context })}\n`),
};

// The test runner went away (crashed, interrupted): do not outlive it.
process.once('disconnect', () => process.exit(1));

const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', SEED_DEMO_DATA: seedDemo === 'seed' ? 'true' : 'false', INTAKE_API_KEY: '' }, process.cwd());
const app = await buildApp(config, logger, undefined, undefined, undefined, { snapshotEveryEntries: SNAPSHOT_EVERY });
await listen(app.server, 0);
const service = app.referrals;
const snapshotsAtReady = app.store.stats.snapshots;
report({ type: 'ready', snapshotEveryEntries: SNAPSHOT_EVERY });

const WORKLOADS = ['Teams', 'Intune', 'Exchange', 'SharePoint', 'Defender', 'Purview'];
const COUNTRIES: ReadonlyArray<readonly [string, string]> = [['US', 'en'], ['US', 'en'], ['GB', 'en'], ['DE', 'de'], ['FR', 'fr'], ['MX', 'es']];
const DAY = 86_400_000;

/** The admin who answers for a location: Alex for Contoso US, a made-up admin elsewhere. */
function adminOf(mpnId: string): string {
  return mpnId === DEMO_MPN.contosoUs ? PLAYGROUND_USERS.alex : `admin-${mpnId}`;
}

function reason(): DeclineReason {
  const code = pick(DECLINE_REASONS) ?? 'no-capacity';
  return { code, text: code === 'other' ? 'soak test: no consultant free' : null };
}

/** Operations run one at a time, so the events appended while one ran are exactly its own. */
async function produced(run: () => Promise<unknown>): Promise<string[]> {
  const before = service.read().events().length;
  await run();
  return service.read().events().slice(before).map((e: ProgramEvent) => e.id);
}

let n = 0;

async function intake(): Promise<AckedOp> {
  const referralId = `S-${runTag}-${++n}`;
  const [country, language] = pick(COUNTRIES) ?? ['US', 'en'];
  const workloads = [...new Set([pick(WORKLOADS) ?? 'Teams', ...(random() < 0.3 ? [pick(WORKLOADS) ?? 'Intune'] : [])])];
  const events = await produced(() =>
    service.intake({
      id: referralId,
      type: random() < 0.6 ? 'Benefit' : 'Standard',
      workloads,
      customer: { name: `Soak ${referralId}`, country, language, seats: 150 + Math.floor(random() * 40) * 100, industry: 'Retail', cporClaims: [] },
    }),
  );
  return { kind: 'intake', referralId, events };
}

async function step(): Promise<AckedOp | null> {
  const roll = random();
  const locations = service.read().locations().filter((l) => l.status === 'active');
  if (roll < 0.35) return intake();
  if (roll < 0.8) {
    const pending = locations.flatMap((l) => service.pendingFor(l.mpnId));
    const offer = pick(pending);
    if (offer === undefined) return intake();
    const { referral, part } = offer;
    if (roll < 0.6) {
      const events = await produced(() => service.accept(referral.id, part.id, adminOf(part.mpnId)));
      return { kind: 'accept', referralId: referral.id, assignmentId: part.id, events };
    }
    const events = await produced(() => service.decline(referral.id, part.id, reason(), adminOf(part.mpnId)));
    return { kind: 'decline', referralId: referral.id, assignmentId: part.id, events };
  }
  const location = pick(locations);
  if (location === undefined) return null;
  if (roll < 0.9) {
    const until = new Date(Date.now() + (2 + Math.floor(random() * 20)) * DAY);
    const events = await produced(() => service.pause(location.mpnId, until, adminOf(location.mpnId)));
    return { kind: 'pause', mpnId: location.mpnId, events };
  }
  const events = await produced(() => service.resume(location.mpnId, adminOf(location.mpnId)));
  return { kind: 'resume', mpnId: location.mpnId, events };
}

for (;;) {
  try {
    const ack = await step();
    // Sent only now: the operation's promise resolved, so its journal append was synced.
    if (ack !== null) report({ ack, snapshots: app.store.stats.snapshots - snapshotsAtReady });
  } catch (err) {
    if (!isDomainError(err)) {
      report({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    }
  }
}
