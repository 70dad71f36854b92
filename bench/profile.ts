import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/** Where a sample's time is charged: the first rule that matches walking from the leaf to the root. */
export interface Rule {
  readonly category: string;
  readonly matches: (frame: Profiler.ProfileNode['callFrame']) => boolean;
}

export interface Attribution {
  /** Milliseconds of main-thread samples per category, plus `idle`, `gc` and `other`. */
  readonly ms: ReadonlyMap<string, number>;
  readonly totalMs: number;
}

/**
 * Runs `fn` under V8's sampling profiler (this process's main thread, via node:inspector) and
 * returns the profile. Sampling every 500 µs costs a little throughput, so callers profile a run
 * of their own rather than the one they report.
 */
export async function profiled<T>(fn: () => Promise<T>): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const outcome = await fn().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const { profile } = await session.post('Profiler.stop');
    if (!outcome.ok) throw outcome.error;
    return { result: outcome.value, profile };
  } finally {
    session.disconnect();
  }
}

/** Charges every sample to a category by its stack, so the shares add up to the whole run. */
export function attribute(profile: Profiler.Profile, rules: readonly Rule[]): Attribution {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = categoryOf.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)?.callFrame.functionName;
    let category = leaf === '(idle)' ? 'idle' : leaf === '(garbage collector)' ? 'gc' : 'other';
    if (category === 'other') {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        const rule = frame === undefined ? undefined : rules.find((r) => r.matches(frame));
        if (rule !== undefined) {
          category = rule.category;
          break;
        }
      }
    }
    categoryOf.set(id, category);
    return category;
  };
  const ms = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, i) => {
    // As DevTools does: a sample stands for the time until the next sample.
    const dt = (deltas[i + 1] ?? 0) / 1000;
    const category = classify(id);
    ms.set(category, (ms.get(category) ?? 0) + dt);
    total += dt;
  });
  return { ms, totalMs: total };
}
