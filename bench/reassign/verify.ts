import { JsonStore } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { OpenPart } from '../synthetic/history.ts';

export interface Verification {
  readonly ok: boolean;
  readonly note: string;
  /** The program read back from disk, for the breakdown to measure on. */
  readonly data: StoreData;
}

/**
 * Opens the file again, as a restart would (schema validation included), and checks that every
 * decline the run reported as done is on disk: the declined events add up, and each declined part
 * is in state `declined`. A benchmark that loses writes would report a throughput it never had.
 */
export async function verifyOnDisk(file: string, historyDeclines: number, declined: readonly OpenPart[]): Promise<Verification> {
  const reopened = await JsonStore.open<StoreData>(file, storeSchema, emptyStore);
  const data = reopened.data as StoreData;
  const declinedEvents = data.events.filter((e) => e.type === 'declined').length;
  const byId = new Map(data.referrals.map((r) => [r.id, r]));
  const missing = declined.filter((p) => byId.get(p.referralId)?.assignments.find((a) => a.id === p.assignmentId)?.state !== 'declined').length;
  const expected = historyDeclines + declined.length;
  const ok = declinedEvents === expected && missing === 0;
  return {
    ok,
    data,
    note: `reopened: ${declinedEvents} declined events = ${historyDeclines} history + ${declined.length} by the bench${declinedEvents === expected ? '' : ` (expected ${expected})`}; parts not declined on disk: ${missing}`,
  };
}
