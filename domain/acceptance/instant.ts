import { MS_PER_DAY, daysInMonth, daysFromCivil } from '../calendar.ts';


/**
 * Parses an ISO 8601 instant strictly and returns epoch milliseconds, or NaN when the text is not
 * one.
 *
 * Accepted forms: `YYYY-MM-DD` (midnight UTC of that day) and `YYYY-MM-DDTHH:MM[:SS[.fff…]]`
 * followed by `Z` or `±HH:MM`. A time without a zone is refused: `Date.parse` would read it in the
 * host's local zone, and the same event log must give the same figures on every machine. Impossible
 * dates such as `2026-02-30` are refused instead of rolling over into March.
 *
 * Hand-written rather than a regular expression because the acceptance computation calls it once
 * per event over logs of a million events, and this allocates nothing.
 */
export function parseInstant(text: string): number {
  const n = text.length;
  if (n < 10) return NaN;
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (n === 10) return dayMs;

  const sep = text.charCodeAt(10);
  if ((sep !== 84 && sep !== 116) || text.charCodeAt(13) !== 58) return NaN;
  const hour = readDigits(text, 11, 2);
  const minute = readDigits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  let second = 0;
  let millis = 0;
  let i = 16;
  if (text.charCodeAt(i) === 58) {
    second = readDigits(text, 17, 2);
    if (second < 0 || second > 59) return NaN;
    i = 19;
    if (text.charCodeAt(i) === 46) {
      i++;
      const start = i;
      let scale = 100;
      for (let c = text.charCodeAt(i) - 48; c >= 0 && c <= 9; c = text.charCodeAt(i) - 48) {
        if (scale >= 1) millis += c * scale;
        scale /= 10;
        i++;
      }
      if (i === start || i - start > 9) return NaN;
    }
  }

  const zone = text.charCodeAt(i);
  let offsetMinutes = 0;
  if (zone === 90 || zone === 122) {
    if (i + 1 !== n) return NaN;
  } else if (zone === 43 || zone === 45) {
    const oh = readDigits(text, i + 1, 2);
    const om = readDigits(text, i + 4, 2);
    if (i + 6 !== n || text.charCodeAt(i + 3) !== 58 || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMinutes = (zone === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return NaN;
  }
  return dayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** The value of `count` decimal digits at `start`, or -1 when any of them is not a digit. */
function readDigits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** ISO 8601 text of an epoch-millisecond instant, always in UTC with milliseconds. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** `YYYY-MM-DD` of the UTC day containing the instant. */
export function formatUtcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
