import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GlobalPace, nextAllowedAt, THREAD_WINDOWS, trimHistory } from '../../../domain/notifications/rate-limits.ts';

/** Simulates a sender that always sends as soon as the limiter allows, and returns the send times. */
function greedy(count: number, start: number): number[] {
  const history: number[] = [];
  const all: number[] = [];
  let now = start;
  for (let i = 0; i < count; i++) {
    now = nextAllowedAt(history, now);
    history.push(now);
    all.push(now);
    trimHistory(history, now);
  }
  return all;
}

function maxIn(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] ?? 0) - (times[lo] ?? 0) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('rate limits', () => {
  it("a greedy sender stays within Teams' per-thread limits (7/1 s, 8/2 s, 60/30 s)", () => {
    const times = greedy(400, 1_000_000);
    assert.ok(maxIn(times, 1000) <= 7, `1 s: ${maxIn(times, 1000)}`);
    assert.ok(maxIn(times, 2000) <= 8, `2 s: ${maxIn(times, 2000)}`);
    assert.ok(maxIn(times, 30_000) <= 60, `30 s: ${maxIn(times, 30_000)}`);
    // …and is not slower than it must be: the 30 s window is used to its configured size.
    assert.equal(maxIn(times, 30_000), THREAD_WINDOWS.find((w) => w.ms === 30_000)?.max);
  });

  it('any history the limiter allowed keeps every window within its maximum (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 120 }), (gaps) => {
        const history: number[] = [];
        const sent: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now = nextAllowedAt(history, now + gap);
          history.push(now);
          sent.push(now);
        }
        return THREAD_WINDOWS.every((w) => maxIn(sent, w.ms) <= w.max);
      }),
    );
  });

  it('the global pace never lets more than rate + burst start in any second', () => {
    const pace = new GlobalPace(45, 5);
    const starts: number[] = [];
    let now = 0;
    while (starts.length < 500) {
      const slot = pace.slot(now);
      if (slot > now) {
        now = slot;
        continue;
      }
      pace.take(now);
      starts.push(now);
    }
    assert.ok(maxIn(starts, 1000) <= 50, `peak ${maxIn(starts, 1000)}`);
    const seconds = ((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / 1000;
    assert.ok(500 / seconds > 40 && 500 / seconds <= 50, `average ${500 / seconds}/s`);
  });

  it('trimHistory forgets only what no window can see', () => {
    const h = [0, 10, 3_600_000, 3_600_010];
    trimHistory(h, 3_600_005);
    assert.deepEqual(h, [10, 3_600_000, 3_600_010]);
  });
});
