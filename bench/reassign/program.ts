import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { timed, timedAsync } from '../measure.ts';
import { buildHistory, counterIds, NOW_MS, type ProgramHistory } from '../synthetic/history.ts';

export interface TempProgram {
  readonly dir: string;
  readonly file: string;
  readonly store: JsonStore<StoreData>;
  readonly service: ReferralService;
  readonly history: ProgramHistory;
  readonly historyMs: number;
  readonly loadMs: number;
}

/**
 * A real lowdb file in a fresh temp directory holding a program's history, with the service the
 * bot would put on it: JsonStore, LowdbProgramRepository, ReferralService. The clock is fixed, so
 * the matcher cache keeps one matcher for the whole run as it would within a day, and ids are
 * counters, so two runs write the same bytes.
 */
export async function openTempProgram(locations: number, referrals: number, openShare: number, seed: number): Promise<TempProgram> {
  const built = timed(() => buildHistory({ locations, referrals, seed, openShare }));
  const history = built.result;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ft-bench-reassign-'));
  const file = path.join(dir, 'db.json');
  const store = await JsonStore.open<StoreData>(file, storeSchema, emptyStore);
  const repo = new LowdbProgramRepository(store);
  // One transaction, so loading the history is one journal line, not one per referral.
  const loaded = await timedAsync(() =>
    repo.transaction((tx) => {
      for (const p of history.partners) tx.putPartner(p);
      for (const l of history.locations) tx.putLocation(l);
      for (const r of history.referrals) tx.putReferral(r);
      tx.appendEvents(history.events);
    }),
  );
  // The history goes into the snapshot, as a store that has been running for a while would hold it.
  await store.flush();
  const service = new ReferralService(repo, () => new Date(NOW_MS), counterIds('b-'));
  return { dir, file, store, service, history, historyMs: built.ms, loadMs: loaded.ms };
}
