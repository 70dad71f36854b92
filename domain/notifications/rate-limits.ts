/**
 * Teams throttles a bot per conversation ("thread"): at most 7 messages in any 1 s, 8 in 2 s, 60
 * in 30 s and 1,800 in an hour. The worker keeps each conversation under a lower copy of
 * those windows, so a fan-out never draws a 429 it could have avoided.
 */
export interface Window {
  readonly ms: number;
  readonly max: number;
}

export const THREAD_WINDOWS: readonly Window[] = [
  // One below Teams' figures: the limits are counted where requests arrive, and network jitter
  // can bring the next request into the window the previous one closed (the hot-conversation
  // benchmark saw 7 in 1 s arrive with a window of 6).
  { ms: 1_000, max: 5 },
  { ms: 2_000, max: 6 },
  { ms: 30_000, max: 50 },
  { ms: 3_600_000, max: 1_600 },
];

/**
 * The earliest time (ms) a new send may start, given the start times of earlier sends (ascending):
 * for each window already full, one window-length after the send that filled it.
 */
export function nextAllowedAt(history: readonly number[], nowMs: number, windows: readonly Window[] = THREAD_WINDOWS): number {
  let at = nowMs;
  for (const w of windows) {
    if (history.length < w.max) continue;
    // The send that must leave the window before another one fits.
    const blocking = history[history.length - w.max];
    if (blocking !== undefined) at = Math.max(at, blocking + w.ms);
  }
  return at;
}

/** Drops start times older than the longest window; they can no longer block anything. */
export function trimHistory(history: number[], nowMs: number, windows: readonly Window[] = THREAD_WINDOWS): void {
  const longest = Math.max(...windows.map((w) => w.ms));
  let drop = 0;
  while (drop < history.length && (history[drop] ?? 0) <= nowMs - longest) drop++;
  if (drop > 0) history.splice(0, drop);
}

/**
 * A token bucket over all conversations: `perSecond` sends a second on average, at most `burst`
 * at once, so no second holds more than perSecond + burst (Teams allows about 50 requests per
 * second per bot; the defaults keep under that).
 */
export class GlobalPace {
  private tokens: number;
  private last: number | null = null;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  private refill(nowMs: number): void {
    if (this.last !== null && nowMs > this.last) this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.last) * this.perSecond) / 1000);
    if (this.last === null || nowMs > this.last) this.last = nowMs;
  }

  /** When the next send may start (ms). */
  slot(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 1 ? nowMs : nowMs + Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  /** Books a send now; call only when slot(now) <= now. */
  take(nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= 1;
  }
}
