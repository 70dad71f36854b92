import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import type { StoreData } from '../../data/store/schema.ts';
import { Matcher } from '../../domain/matching/index.ts';
import { matchingLocation } from '../../domain/referrals/matcher-cache.ts';
import { declineAssignment } from '../../domain/referrals/operations.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { memoryStore } from '../memory-store.ts';
import { timed, timedAsync } from '../measure.ts';
import { median } from '../stats.ts';
import { AS_OF } from '../synthetic/network.ts';
import { DECLINE_REASONS, NOW_MS, counterIds } from '../synthetic/history.ts';
import type { PartQueue } from './drive.ts';

/** Where one persisted decline's time goes, each piece measured on its own. */
export interface Breakdown {
  /** JSON.stringify(data, null, 2): what lowdb's JSONFile does before every write. */
  readonly stringifyMs: number;
  /** The same without indentation, for comparison. */
  readonly compactMs: number;
  readonly prettyBytes: number;
  readonly compactBytes: number;
  /** writeFile of the pretty text to a temp file, then rename: what steno does. */
  readonly writeMs: number;
  /** service.decline on an in-memory store: matcher, explanations, transaction; no persistence. */
  readonly serviceOpMs: number;
  /** declineAssignment alone on a ready matcher: the matching and explanation part of it. */
  readonly domainOpMs: number;
  readonly ops: number;
  readonly repeats: number;
}

/**
 * Measures the pieces of a persisted decline on the program as the run left it (`data`, read
 * back from the file): serialising it, writing it, and the decline without persistence. The
 * in-memory declines mutate `data`, so this runs last.
 */
export async function measureBreakdown(data: StoreData, dir: string, queue: PartQueue, o: { repeats: number; ops: number }): Promise<Breakdown> {
  const pretty: number[] = [];
  const compact: number[] = [];
  const writes: number[] = [];
  let prettyBytes = 0;
  let compactBytes = 0;
  const tmp = path.join(dir, '.breakdown.json.tmp');
  const target = path.join(dir, 'breakdown.json');
  for (let r = 0; r < o.repeats; r++) {
    const p = timed(() => JSON.stringify(data, null, 2));
    pretty.push(p.ms);
    prettyBytes = Buffer.byteLength(p.result);
    const c = timed(() => JSON.stringify(data));
    compact.push(c.ms);
    compactBytes = Buffer.byteLength(c.result);
    writes.push(
      (
        await timedAsync(async () => {
          await writeFile(tmp, p.result, 'utf-8');
          await rename(tmp, target);
        })
      ).ms,
    );
  }
  await rm(target, { force: true });

  // Parts not declined yet; the domain-only declines leave data untouched, so they can reuse them.
  const parts = Array.from({ length: o.ops }, () => queue.take()).filter((p) => p !== undefined);
  const matcher = new Matcher({ asOf: AS_OF, locations: data.locations.map(matchingLocation), partners: data.partners });
  const newId = counterIds('d-');
  const domain: number[] = [];
  for (const [i, part] of parts.entries()) {
    const referral = data.referrals.find((r) => r.id === part.referralId);
    if (referral === undefined) continue;
    const reason = DECLINE_REASONS[i % DECLINE_REASONS.length] ?? { code: 'no-capacity', text: null };
    domain.push(timed(() => declineAssignment(referral, part.assignmentId, reason, matcher, { now: new Date(NOW_MS).toISOString(), actor: 'bench', newId })).ms);
  }

  const service = new ReferralService(new LowdbProgramRepository(memoryStore(data)), () => new Date(NOW_MS), counterIds('m-'));
  const serviceOps: number[] = [];
  for (const [i, part] of parts.entries()) {
    const reason = DECLINE_REASONS[i % DECLINE_REASONS.length] ?? { code: 'no-capacity', text: null };
    serviceOps.push((await timedAsync(() => service.decline(part.referralId, part.assignmentId, reason, 'bench'))).ms);
  }
  // The first service decline builds the matcher; the steady state is what the runs saw.
  serviceOps.shift();
  return {
    stringifyMs: median(pretty),
    compactMs: median(compact),
    prettyBytes,
    compactBytes,
    writeMs: median(writes),
    serviceOpMs: median(serviceOps),
    domainOpMs: median(domain),
    ops: parts.length,
    repeats: o.repeats,
  };
}
