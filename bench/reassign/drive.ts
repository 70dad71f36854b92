import { watch } from 'node:fs';
import path from 'node:path';
import type { JsonStore } from '../../data/store/json-store.ts';
import type { StoreData } from '../../data/store/schema.ts';
import type { ReferralService } from '../../domain/referrals/referral-service.ts';
import { DECLINE_REASONS, type OpenPart } from '../synthetic/history.ts';

/** Hands out open parts one by one, so no part is declined twice; remembers which were declined. */
export class PartQueue {
  private next = 0;
  readonly declined: OpenPart[] = [];

  constructor(private readonly parts: readonly OpenPart[]) {}

  get left(): number {
    return this.parts.length - this.next;
  }

  take(): OpenPart | undefined {
    return this.parts[this.next++];
  }
}

export interface DriveResult {
  readonly ops: number;
  readonly failed: number;
  readonly firstError: string | null;
  readonly ms: number;
  readonly latenciesMs: number[];
  /** Renames onto the snapshot file seen while driving: one per snapshot (whole-file write). */
  readonly writes: number;
  /** Journal appends (one write + fdatasync each, group-committed) and lines, from the store's counters. */
  readonly appends: number;
  readonly lines: number;
  /** Minor page faults of the process while driving: fresh memory touched for the first time. */
  readonly pageFaults: number;
}

/**
 * Counts completed snapshot writes from the outside: lowdb (steno) writes a temp file and renames
 * it onto the file, and inotify reports each rename. No code under test is touched.
 */
function countWrites(file: string): { stop(): number } {
  let writes = 0;
  const name = path.basename(file);
  const watcher = watch(path.dirname(file), (event, filename) => {
    if (event === 'rename' && filename === name) writes++;
  });
  return {
    stop() {
      watcher.close();
      return writes;
    },
  };
}

/**
 * Declines with `inFlight` callers in a closed loop: each awaits its decline, then starts the
 * next. 1 is the latency-bound case (every decline its own journal append); more let the store
 * group declines that arrive during an append into the next one. Stops after `maxOps` declines or
 * when `maxMs` has passed, whichever comes first, and always waits for what is in flight.
 */
export async function driveDeclines(
  service: ReferralService,
  store: JsonStore<StoreData>,
  queue: PartQueue,
  o: { readonly inFlight: number; readonly maxOps: number; readonly maxMs: number },
): Promise<DriveResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let started = 0;
  const watcher = countWrites(store.file);
  const before = store.stats;
  const faults = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const deadline = t0 + o.maxMs;
  const caller = async (c: number) => {
    while (started < o.maxOps && performance.now() < deadline) {
      const part = queue.take();
      if (part === undefined) return;
      const reason = DECLINE_REASONS[(started + c) % DECLINE_REASONS.length] ?? { code: 'no-capacity', text: null };
      started++;
      const t = performance.now();
      try {
        await service.decline(part.referralId, part.assignmentId, reason, `bench-${c}`);
        latencies.push(performance.now() - t);
        queue.declined.push(part);
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, (_, c) => caller(c)));
  const ms = performance.now() - t0;
  const pageFaults = process.resourceUsage().minorPageFault - faults;
  // inotify events arrive on the event loop after the rename; give the last one time to land.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = store.stats;
  return {
    ops: latencies.length,
    failed,
    firstError,
    ms,
    latenciesMs: latencies,
    writes: watcher.stop(),
    appends: after.appends - before.appends,
    lines: after.lines - before.lines,
    pageFaults,
  };
}
