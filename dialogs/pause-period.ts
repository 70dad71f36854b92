import * as chrono from 'chrono-node';
import { MS_PER_DAY } from '../domain/calendar.ts';

export type PauseEnd =
  | { readonly ok: true; readonly until: string; readonly matched: string }
  | { readonly ok: false; readonly reason: 'missing' | 'unparsed' };


function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The day referrals resume, from what an admin typed: "for two weeks", "for 10 days", "until 1
 * March", "until the 15th of next month". Dates are read in UTC, like the pause policy, and only
 * forward. The caller shows the exact resume date for confirmation before anything changes.
 */
export function parsePauseEnd(text: string, now: Date): PauseEnd {
  const lower = text.toLowerCase();
  // chrono reads "the 15th of next month" as just "next month"; spell that case out.
  const nth = /\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+of\s+next\s+month\b/.exec(lower);
  if (nth !== null) {
    const dayOfMonth = Number(nth[1]);
    const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, dayOfMonth));
    if (target.getUTCDate() === dayOfMonth) return { ok: true, until: isoDay(target), matched: nth[0] };
    return { ok: false, reason: 'unparsed' };
  }
  const results = chrono.parse(text, { instant: now, timezone: 'UTC' }, { forwardDate: true });
  const first = results[0];
  if (first === undefined) {
    return { ok: false, reason: /\b(for|until|till|til|through|to)\b/.test(lower) ? 'unparsed' : 'missing' };
  }
  const date = first.start.date();
  // A duration ("for two weeks") lands at now + duration; the pause then ends on that day.
  return { ok: true, until: isoDay(new Date(Math.floor(date.getTime() / MS_PER_DAY) * MS_PER_DAY)), matched: first.text };
}
