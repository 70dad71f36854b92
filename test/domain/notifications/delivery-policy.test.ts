import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffMs, decide, parseRetryAfter, type RetryPolicy } from '../../../domain/notifications/delivery-policy.ts';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };
const NOW = Date.parse('2026-11-25T12:00:00Z');
const http = (status: number, retryAfter: string | null = null) => ({ kind: 'http', status, retryAfter, message: 'x' }) as const;

describe('delivery policy', () => {
  it('a 2xx is sent', () => {
    assert.deepEqual(decide({ kind: 'sent' }, 1, NOW, POLICY, () => 0), { kind: 'sent' });
  });

  it('honours Retry-After in seconds and as an HTTP date, capped', () => {
    assert.deepEqual(decide(http(429, '7'), 1, NOW, POLICY, () => 0.5), { kind: 'retry', delayMs: 7000, reason: '429 x' });
    const date = new Date(NOW + 12_000).toUTCString();
    const d = decide(http(429, date), 1, NOW, POLICY, () => 0.5);
    assert.equal(d.kind, 'retry');
    assert.equal(d.kind === 'retry' ? d.delayMs : -1, 12_000);
    const far = decide(http(503, '99999'), 1, NOW, POLICY, () => 0.5);
    assert.equal(far.kind === 'retry' ? far.delayMs : -1, 60_000);
  });

  it('without Retry-After backs off exponentially with jitter, within [step/2, step], capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const step = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * 2 ** (attempt - 1));
        const d = backoffMs(attempt, POLICY, () => r);
        return d >= step / 2 && d <= step;
      }),
    );
    assert.equal(backoffMs(1, POLICY, () => 0), 500);
    assert.equal(backoffMs(2, POLICY, () => 0.999999), 2000);
    assert.equal(backoffMs(10, POLICY, () => 0.999999), 8000);
  });

  for (const status of [412, 429, 502, 503, 504]) {
    it(`retries ${status}, then dead-letters after the last attempt`, () => {
      assert.equal(decide(http(status), 1, NOW, POLICY, () => 0).kind, 'retry');
      assert.equal(decide(http(status), 3, NOW, POLICY, () => 0).kind, 'retry');
      const last = decide(http(status), 4, NOW, POLICY, () => 0);
      assert.equal(last.kind, 'dead');
      assert.match(last.kind === 'dead' ? last.reason : '', /gave up after 4 attempts/);
    });
  }

  it('403 and 404 make the conversation inactive, never a retry', () => {
    assert.equal(decide(http(403), 1, NOW, POLICY, () => 0).kind, 'inactive');
    assert.equal(decide(http(404), 1, NOW, POLICY, () => 0).kind, 'inactive');
  });

  it('a 500 or a lost connection is unconfirmed: it may have been posted, so it is not resent', () => {
    assert.equal(decide(http(500), 1, NOW, POLICY, () => 0).kind, 'unconfirmed');
    assert.equal(decide({ kind: 'lost', message: 'ECONNRESET' }, 1, NOW, POLICY, () => 0).kind, 'unconfirmed');
  });

  it('a request that never left is retried; other 4xx are dead at once', () => {
    assert.equal(decide({ kind: 'not-sent', message: 'ECONNREFUSED' }, 1, NOW, POLICY, () => 0).kind, 'retry');
    assert.equal(decide(http(400), 1, NOW, POLICY, () => 0).kind, 'dead');
    assert.equal(decide(http(401), 1, NOW, POLICY, () => 0).kind, 'dead');
  });

  it('reads Retry-After leniently and ignores junk', () => {
    assert.equal(parseRetryAfter(null, NOW), null);
    assert.equal(parseRetryAfter('soon', NOW), null);
    assert.equal(parseRetryAfter(' 2 ', NOW), 2000);
    assert.equal(parseRetryAfter('1.5', NOW), 1500);
    assert.equal(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW), 0);
  });
});
