/**
 * What to do after one attempt to post a notification. The rules follow Teams' guidance for
 * proactive messages: 429 is throttling (honour Retry-After), 412/502/503/504 are transient, 403
 * and 404 mean the conversation is gone or blocked the bot, other 4xx are our own bug.
 *
 * A 500, or a connection lost after the request left, is ambiguous: Teams may already have posted
 * the message, and it offers no way to ask. Resending could show the partner the same referral
 * twice, so such an attempt is recorded as `unconfirmed` for operations to resend by hand, not
 * retried. 502/504 come from a gateway in front of the service and are retried, as Teams advises.
 */
export type AttemptResult =
  | { readonly kind: 'sent' }
  | { readonly kind: 'http'; readonly status: number; readonly retryAfter: string | null; readonly message: string }
  /** The request never left: connection refused, DNS failure. Safe to retry. */
  | { readonly kind: 'not-sent'; readonly message: string }
  /** The request may have left: reset, timeout after writing. */
  | { readonly kind: 'lost'; readonly message: string }
  /** Nothing was sent: the entry could not be claimed (already taken or gone). */
  | { readonly kind: 'skipped' };

export type Decision =
  | { readonly kind: 'sent' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'dead'; readonly reason: string }
  | { readonly kind: 'unconfirmed'; readonly reason: string }
  | { readonly kind: 'inactive'; readonly reason: string };

export interface RetryPolicy {
  /** Attempts in all, the first one included; after the last failure the entry is dead-lettered. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After honoured as given; longer ones are cut to this. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

const TRANSIENT = new Set([412, 429, 502, 503, 504]);

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of many
 * notifications spread out but none comes back sooner than half its step. `attempt` counts from 1.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** The decision after attempt number `attempt` (from 1) ended with `result`. */
export function decide(result: AttemptResult, attempt: number, nowMs: number, policy: RetryPolicy, random: () => number): Decision {
  if (result.kind === 'sent') return { kind: 'sent' };
  if (result.kind === 'skipped') return { kind: 'dead', reason: 'not claimed' };
  if (result.kind === 'lost') return { kind: 'unconfirmed', reason: `no answer after the request was sent (${result.message})` };
  if (result.kind === 'http' && (result.status === 403 || result.status === 404)) {
    return { kind: 'inactive', reason: `${result.status} ${result.message}`.trim() };
  }
  if (result.kind === 'http' && result.status === 500) {
    return { kind: 'unconfirmed', reason: `500 ${result.message}: the message may have been posted`.trim() };
  }
  const retryable = result.kind === 'not-sent' || TRANSIENT.has(result.status);
  const reason = result.kind === 'http' ? `${result.status} ${result.message}`.trim() : result.message;
  if (!retryable) return { kind: 'dead', reason };
  if (attempt >= policy.maxAttempts) return { kind: 'dead', reason: `gave up after ${attempt} attempts: ${reason}` };
  const asked = result.kind === 'http' ? parseRetryAfter(result.retryAfter, nowMs) : null;
  const delayMs = asked === null ? backoffMs(attempt, policy, random) : Math.min(asked, policy.maxRetryAfterMs);
  return { kind: 'retry', delayMs, reason };
}
