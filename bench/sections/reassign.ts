import { rm, stat } from 'node:fs/promises';
import { driveDeclines, PartQueue, type DriveResult } from '../reassign/drive.ts';
import { measureBreakdown, type Breakdown } from '../reassign/breakdown.ts';
import { openTempProgram } from '../reassign/program.ts';
import { verifyOnDisk } from '../reassign/verify.ts';
import { whereTimeGoes, type WhereRow } from '../reassign/where.ts';
import { SNAPSHOT_EVERY_ENTRIES } from '../../data/store/json-store.ts';
import { loadRow, timedAsync, verdict } from '../measure.ts';
import { profiled } from '../profile.ts';
import type { Row, Section } from '../section.ts';
import { percentile } from '../stats.ts';

export interface ReassignBenchOptions {
  readonly locations: number;
  /** Referrals of history at 1x; 2x doubles them (the network stays). */
  readonly referrals: number;
  /** Newest share of the history still waiting for an answer: the offers the bench declines. */
  readonly openShare: number;
  readonly warmupOps: number;
  readonly sequentialOps: number;
  readonly sequentialMs: number;
  readonly inFlight: number;
  readonly concurrentOps: number;
  readonly concurrentMs: number;
  /** A further concurrent run under the sampling profiler, to say where the time goes. */
  readonly profiledMs: number;
  readonly breakdownRepeats: number;
  readonly breakdownOps: number;
}

export const REASSIGN_DEFAULTS: ReassignBenchOptions = {
  locations: 1_000,
  referrals: 10_000,
  openShare: 0.4,
  warmupOps: 32,
  sequentialOps: 40,
  sequentialMs: 2_500,
  inFlight: 64,
  concurrentOps: 3_000,
  concurrentMs: 3_000,
  profiledMs: 2_000,
  breakdownRepeats: 3,
  breakdownOps: 200,
};

const TARGET_PER_SECOND = 500;
const LINEAR_SLACK = 1.3;
const MB = 1024 * 1024;

interface SizeResult {
  readonly rows: Row[];
  readonly sequential: DriveResult;
  readonly concurrent: DriveResult;
  readonly fileBytes: number;
}

const rate = (d: DriveResult) => (d.ops * 1000) / d.ms;

/**
 * Decline-and-reassign through ReferralService onto a real lowdb store (snapshot + journal), each
 * decline counted only once the store reports it on disk. Sequential: one caller, every decline
 * its own journal append + fdatasync. Concurrent: `inFlight` callers, so declines that arrive
 * during an append share the next one (JsonStore's group commit); the snapshot is rewritten only
 * every 5,000 entries. Then the store is reopened and checked, and the pieces of a decline
 * (snapshot serialise and write, the decline itself) are measured apart.
 */
export function reassignSection(o: ReassignBenchOptions = REASSIGN_DEFAULTS): Section {
  return {
    name: 'reassign',
    title: `Reassign: ReferralService.decline persisted to lowdb, ${o.locations} locations, ${o.referrals.toLocaleString('en-US')} then ${(2 * o.referrals).toLocaleString('en-US')} referrals of history`,
    async run() {
      const rows: Row[] = [loadRow('at start')];
      const sizes: SizeResult[] = [];
      for (const scale of [1, 2]) {
        const size = await measureSize(o, scale);
        sizes.push(size);
        rows.push(...size.rows);
      }
      const [one, two] = sizes;
      if (one !== undefined && two !== undefined) {
        const seq = rate(one.sequential) / rate(two.sequential);
        const conc = rate(one.concurrent) / rate(two.concurrent);
        rows.push(
          {
            metric: 'scaling: time per decline 2x / 1x, concurrent',
            value: conc,
            note: `${verdict(conc <= LINEAR_SLACK)} roughly linear (<= ${LINEAR_SLACK}); file ${(two.fileBytes / one.fileBytes).toFixed(2)}x bigger`,
          },
          { metric: 'scaling: time per decline 2x / 1x, sequential', value: seq, note: 'every decline its own journal append + fdatasync; the snapshot is rewritten only every 5,000 entries' },
        );
      }
      rows.push(loadRow('at end'));
      return rows;
    },
  };
}

async function measureSize(o: ReassignBenchOptions, scale: number): Promise<SizeResult> {
  const tag = `${scale}x`;
  const referrals = o.referrals * scale;
  const program = await openTempProgram(o.locations, referrals, o.openShare, 4242);
  try {
    const { history, service, file, store } = program;
    const queue = new PartQueue(history.openParts);
    const startBytes = (await stat(file)).size;
    // Builds the matcher cache and warms the JIT; persisted like any decline, and verified too.
    await driveDeclines(service, store, queue, { inFlight: o.warmupOps, maxOps: o.warmupOps, maxMs: 30_000 });
    const sequential = await driveDeclines(service, store, queue, { inFlight: 1, maxOps: o.sequentialOps, maxMs: o.sequentialMs });
    // Keep enough parts back for the profiled run and the breakdown's declines.
    const spare = () => Math.floor((queue.left - o.breakdownOps) / 2);
    const concurrent = await driveDeclines(service, store, queue, { inFlight: o.inFlight, maxOps: Math.min(o.concurrentOps, spare()), maxMs: o.concurrentMs });
    const traced = await profiled(() => driveDeclines(service, store, queue, { inFlight: o.inFlight, maxOps: spare(), maxMs: o.profiledMs }));
    const where = whereTimeGoes(traced.profile, traced.result.appends);
    // What a snapshot costs: the store rewrites one every SNAPSHOT_EVERY_ENTRIES entries, and updates wait meanwhile.
    const snapshotMs = (await timedAsync(() => store.flush())).ms;
    const fileBytes = (await stat(file)).size;
    const verification = await verifyOnDisk(file, history.declined, queue.declined);
    const breakdown = await measureBreakdown(verification.data, program.dir, queue, { repeats: o.breakdownRepeats, ops: o.breakdownOps });

    const concRate = rate(concurrent);
    const rows: Row[] = [
      {
        metric: `${tag} program`,
        value: `${referrals} referrals`,
        note: `${o.locations} locations, ${history.events.length} events, ${history.openParts.length} open offers; file ${(startBytes / MB).toFixed(1)} MB; history built in ${(program.historyMs / 1000).toFixed(1)} s, loaded in one transaction (one journal line) in ${(program.loadMs / 1000).toFixed(1)} s, then flushed to the snapshot`,
      },
      ...driveRows(`${tag} sequential (1 in flight)`, sequential, null),
      ...driveRows(`${tag} concurrent (${o.inFlight} in flight)`, concurrent, `${verdict(concRate >= TARGET_PER_SECOND)} (target >= ${TARGET_PER_SECOND}/s)`),
      snapshotRow(tag, snapshotMs, concRate),
      { metric: `${tag} file after the run`, value: fileBytes / MB, unit: 'MB', note: `JSON, 2-space indented as lowdb writes it; was ${(startBytes / MB).toFixed(1)} MB` },
      { metric: `${tag} on disk after reopen`, value: verification.ok ? 'ok' : 'MISSING', note: verification.note },
      ...breakdownRows(tag, breakdown, concurrent),
      ...whereRows(tag, where, traced.result),
    ];
    return { rows, sequential, concurrent, fileBytes };
  } finally {
    await program.store.flush();
    await rm(program.dir, { recursive: true, force: true });
  }
}

function driveRows(label: string, d: DriveResult, target: string | null): Row[] {
  const sorted = [...d.latenciesMs].sort((a, b) => a - b);
  const failures = d.failed === 0 ? '' : `; ${d.failed} FAILED (${d.firstError ?? ''})`;
  return [
    {
      metric: `${label} declines/s`,
      value: rate(d),
      note: `${target === null ? '' : `${target}; `}${d.ops} declines in ${(d.ms / 1000).toFixed(1)} s${failures}`,
    },
    { metric: `${label} latency p50 / p99`, value: `${percentile(sorted, 0.5).toFixed(0)} / ${percentile(sorted, 0.99).toFixed(0)}`, unit: 'ms', note: 'call until the write holding it is on disk' },
    {
      metric: `${label} journal appends`,
      value: d.appends,
      note: `${(d.lines / Math.max(1, d.appends)).toFixed(1)} declines per append (write + fdatasync), one every ${(d.ms / Math.max(1, d.appends)).toFixed(1)} ms; ${d.writes} snapshot writes (renames seen by inotify)`,
    },
  ];
}

/** The snapshot's pause, and the concurrent rate once that pause is paid every SNAPSHOT_EVERY_ENTRIES declines. */
function snapshotRow(tag: string, snapshotMs: number, concRate: number): Row {
  const sustained = SNAPSHOT_EVERY_ENTRIES / (SNAPSHOT_EVERY_ENTRIES / concRate + snapshotMs / 1000);
  return {
    metric: `${tag} snapshot (flush: lowdb write + fsync, journal emptied)`,
    value: snapshotMs,
    unit: 'ms',
    note: `updates wait meanwhile; paid every ${SNAPSHOT_EVERY_ENTRIES.toLocaleString('en-US')} entries, the concurrent rate becomes ${sustained.toFixed(0)}/s ${verdict(sustained >= TARGET_PER_SECOND)}`,
  };
}

function breakdownRows(tag: string, b: Breakdown, concurrent: DriveResult): Row[] {
  const pagesPerWrite = concurrent.pageFaults / Math.max(1, concurrent.appends);
  return [
    {
      metric: `${tag} snapshot: JSON.stringify(data, null, 2) alone`,
      value: b.stringifyMs,
      unit: 'ms',
      note: `whole file, paid once per snapshot (every 5,000 entries, on flush), ${(b.prettyBytes / MB).toFixed(1)} MB; without indent ${b.compactMs.toFixed(0)} ms and ${(b.compactBytes / MB).toFixed(1)} MB; median of ${b.repeats}`,
    },
    {
      metric: `${tag} snapshot: writeFile + rename alone`,
      value: b.writeMs,
      unit: 'ms',
      note: `back to back on a quiet heap; in the run each journal append came with ${pagesPerWrite.toFixed(0)} fresh pages (${((pagesPerWrite * 4096) / MB).toFixed(0)} MB, minor faults)`,
    },
    {
      metric: `${tag} decline without persistence`,
      value: b.serviceOpMs,
      unit: 'ms',
      note: `service on an in-memory store, median of ${b.ops - 1} (ceiling ${(1000 / b.serviceOpMs).toFixed(0)}/s); declineAssignment alone ${b.domainOpMs.toFixed(2)} ms`,
    },
  ];
}

function whereRows(tag: string, where: readonly WhereRow[], run: DriveResult): Row[] {
  const perWrite = run.ops / Math.max(1, run.appends);
  return [
    {
      metric: `${tag} profiled concurrent run`,
      value: rate(run),
      unit: 'declines/s',
      note: `${run.ops} declines, ${run.appends} journal appends (${perWrite.toFixed(1)} per append, one every ${(run.ms / Math.max(1, run.appends)).toFixed(1)} ms), ${run.writes} snapshots; main thread per append:`,
    },
    ...where.map((w) => ({ metric: `${tag}   ${w.label}`, value: w.msPerWrite, unit: 'ms', note: `${(100 * w.share).toFixed(0)}%` })),
  ];
}
