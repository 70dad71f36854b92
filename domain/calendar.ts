/**
 * Proleptic Gregorian calendar arithmetic on UTC days, shared by every part that counts days:
 * no Date object, no host time zone.
 */

/** Milliseconds in one UTC day; UTC has no daylight saving, so every day has this length. */
export const MS_PER_DAY = 86_400_000;

export const MINUTES_PER_DAY = 1440;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return 30 + ((month + (month >> 3)) & 1);
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (`month` 1–12), by H. Hinnant's
 * `days_from_civil` arithmetic, so no Date object is built on hot paths.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * `year * 12 + (month - 1)` of the UTC day `days` since 1970-01-01: a single month ordinal that
 * quarter bucketing divides by 3. Inverse of {@link daysFromCivil} (Hinnant's `civil_from_days`).
 */
export function monthOrdinalOfDay(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}
