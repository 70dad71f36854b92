import { MINUTES_PER_DAY, daysFromCivil, daysInMonth } from '../calendar.ts';
import { DomainError } from '../errors.ts';

/**
 * Contract dates are compared as UTC calendar days, so "expires 2026-11-25" is still valid on
 * asOf 2026-11-25 whatever time of day a full timestamp carries. Parsing is done by hand instead
 * of with `Date` to stay independent of the host time zone and of `Date`'s lenient parsing.
 */

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

/**
 * The UTC day number of `text`, or null when it is not a real date. Accepts `YYYY-MM-DD` and
 * ISO 8601 timestamps; a timestamp without an offset is read as UTC, because a pure module has
 * no local zone to read it in.
 */
export function tryParseDay(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = daysFromCivil(year, month, day);
  if (m[4] === undefined) return date;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const offset = offsetMinutes(m[7]);
  if (hour > 23 || minute > 59 || second > 59 || offset === null) return null;
  return date + Math.floor((hour * 60 + minute - offset) / MINUTES_PER_DAY);
}

/** True when `text` is a date the contract accepts. */
export function isContractDate(text: string): boolean {
  return tryParseDay(text) !== null;
}

/** Like {@link tryParseDay}, but a bad date is a domain error naming the field it came from. */
export function parseDay(text: string, field: string): number {
  const day = tryParseDay(text);
  if (day === null) {
    throw new DomainError('matching.invalid-date', `${field}: not a valid date: ${text}`, { field, value: text });
  }
  return day;
}

/** `YYYY-MM-DD` of a UTC day number, so explanations quote dates in one form. */
export function formatDay(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
