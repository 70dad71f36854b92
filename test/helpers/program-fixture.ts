import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { NewReferral } from '../../domain/referrals/operations.ts';
import type { CustomerRecord, LocationRecord, PartnerRecord } from '../../domain/referrals/types.ts';

/** A partner endorsed for `workloads` until `expires` (far in the future by default). */
export function partner(partnerId: string, workloads: readonly string[], expires = '2030-12-31'): PartnerRecord {
  return { partnerId, name: `Partner ${partnerId}`, specializations: workloads.map((workload) => ({ workload, expires })) };
}

/** An active, unpaused US location serving English, any size and any industry, unless overridden. */
export function location(mpnId: string, partnerId: string, overrides: Partial<LocationRecord> = {}): LocationRecord {
  return {
    mpnId,
    partnerId,
    name: `Location ${mpnId}`,
    country: 'US',
    languages: ['en'],
    minSeats: null,
    maxSeats: null,
    industries: [],
    status: 'active',
    pause: null,
    distributionLists: { benefit: `benefit-${mpnId}@example.com`, standard: `standard-${mpnId}@example.com` },
    referralsReceived: 0,
    lastPauseEndedAt: null,
    ...overrides,
  };
}

export function customer(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return { name: 'Alpine Ski House', country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [], ...overrides };
}

export function newReferral(id: string, workloads: readonly string[], overrides: Partial<NewReferral> = {}): NewReferral {
  return { id, type: 'Benefit', workloads, customer: customer(), ...overrides };
}

/** Ids `${prefix}1`, `${prefix}2`, … in call order. */
export function sequentialIds(prefix = 'id-'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export interface TempProgram {
  readonly dir: string;
  readonly file: string;
  readonly store: JsonStore<StoreData>;
  readonly repo: LowdbProgramRepository;
  /** Opens the same file again, as a restart would. */
  reopen(): Promise<{ store: JsonStore<StoreData>; repo: LowdbProgramRepository }>;
  cleanup(): Promise<void>;
}

/** A real lowdb store in a fresh temp directory, optionally holding a network. */
export async function tempProgram(network: { partners?: readonly PartnerRecord[]; locations?: readonly LocationRecord[] } = {}): Promise<TempProgram> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'program-test-'));
  const file = path.join(dir, 'db.json');
  const store = await JsonStore.open<StoreData>(file, storeSchema, emptyStore);
  const repo = new LowdbProgramRepository(store);
  if ((network.partners?.length ?? 0) + (network.locations?.length ?? 0) > 0) {
    await repo.transaction((tx) => {
      for (const p of network.partners ?? []) tx.putPartner(p);
      for (const l of network.locations ?? []) tx.putLocation(l);
    });
  }
  return {
    dir,
    file,
    store,
    repo,
    async reopen() {
      await store.flush();
      const again = await JsonStore.open<StoreData>(file, storeSchema, emptyStore);
      return { store: again, repo: new LowdbProgramRepository(again) };
    },
    async cleanup() {
      await store.flush();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A deep copy of the store's data, to compare before and after a refused operation. */
export function snapshot(store: JsonStore<StoreData>): StoreData {
  return structuredClone(store.data) as StoreData;
}

/** Awaits a promise that must reject and returns the reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it fulfilled');
}
