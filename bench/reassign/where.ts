import type { Profiler } from 'node:inspector';
import { attribute, type Rule } from '../profile.ts';

type Frame = Profiler.ProfileNode['callFrame'];

/**
 * The pieces of a persisted decline, by the code a main-thread sample is in. Walking from the
 * leaf, the first match wins, so the JSON.stringify that JSONFile calls from inside the store's
 * drain loop is charged to stringify, not to the store.
 */
const RULES: readonly Rule[] = [
  { category: 'JSON.stringify (lowdb JSONFile, 2-space indent)', matches: (f: Frame) => f.functionName === 'stringify' && f.url.includes('lowdb') },
  { category: 'snapshot fs.writeFile + rename (UTF-8 encoding of the text included)', matches: (f: Frame) => f.url.includes('internal/fs/promises') || f.url.includes('steno') },
  { category: 'journal append (fs.write + fdatasync)', matches: (f: Frame) => f.url.includes('/data/store/journal-file') || f.url === 'node:fs' },
  { category: 'matching (rematch + explanations)', matches: (f: Frame) => f.url.includes('/domain/matching/') },
  { category: 'referral operations + service', matches: (f: Frame) => f.url.includes('/domain/referrals/') },
  { category: 'store + repository (transaction, indexes)', matches: (f: Frame) => f.url.includes('/data/store/') },
  { category: 'bench driver', matches: (f: Frame) => f.url.includes('/bench/') },
];

const ORDER = [...RULES.map((r) => r.category), 'gc', 'other', 'idle'];
const LABEL: Record<string, string> = {
  gc: 'garbage collection',
  other: 'other (node internals, promise plumbing)',
  idle: 'idle (main thread waiting for the disk in the thread pool)',
};

export interface WhereRow {
  readonly label: string;
  readonly msPerWrite: number;
  readonly share: number;
}

/** Main-thread time per journal append of a profiled concurrent run, by piece, largest first. */
export function whereTimeGoes(profile: Profiler.Profile, writes: number): WhereRow[] {
  const { ms, totalMs } = attribute(profile, RULES);
  return ORDER.map((category) => {
    const spent = ms.get(category) ?? 0;
    return { label: LABEL[category] ?? category, msPerWrite: spent / Math.max(1, writes), share: spent / Math.max(1e-9, totalMs) };
  })
    .filter((r) => r.share >= 0.005)
    .sort((a, b) => b.msPerWrite - a.msPerWrite);
}
