import os from 'node:os';
import type { Row } from './section.ts';

export interface Timed<T> {
  readonly ms: number;
  /** User + system CPU of the whole process (GC helper threads included) over the same span. */
  readonly cpuMs: number;
  readonly result: T;
}

/**
 * Wall and CPU time of one call. On the shared two-core machine wall time also counts the
 * neighbours' turns on the CPU; CPU time does not, so a section prints both.
 */
export function timed<T>(fn: () => T): Timed<T> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = fn();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

export async function timedAsync<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

/** The 1-minute load average now: more than 2 means neighbours were competing for the 2 cores. */
export function loadRow(when: string): Row {
  const [one, five] = os.loadavg();
  return { metric: `load average ${when}`, value: (one ?? 0).toFixed(2), note: `5-min ${(five ?? 0).toFixed(2)}; ${os.cpus().length} cpus` };
}

export function verdict(pass: boolean): 'PASS' | 'FAIL' {
  return pass ? 'PASS' : 'FAIL';
}

/** Lets pending I/O callbacks and timers run, and gives the GC a quiet moment, between runs. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
