import { MS_PER_DAY, daysFromCivil, monthOrdinalOfDay } from '../calendar.ts';
import { formatInstant, parseInstant } from './instant.ts';
import { DomainError } from '../errors.ts';

/**
 * How quarters are labelled. `calendar`: Q1 is January–March (`2026-Q4`). `fiscal-july`:
 * Microsoft's fiscal year, starting 1 July and named after the calendar year it ends in, so
 * July–September 2026 is `FY27-Q1`. Both schemes cut the year at the same four dates.
 */
export type QuarterScheme = 'calendar' | 'fiscal-july';

export const QUARTER_SCHEMES = ['calendar', 'fiscal-july'] as const satisfies readonly QuarterScheme[];

/** The acceptance contract's default scheme. */
export const DEFAULT_QUARTER_SCHEME: QuarterScheme = 'fiscal-july';

/**
 * One quarter in UTC. `ordinal` is `calendarYear * 4 + (0..3)`; both schemes share quarter
 * boundaries, so the ordinal identifies the quarter in either and sorts chronologically, which the
 * labels do not always do (`FY00` would sort before `FY99`).
 */
export interface Quarter {
  readonly scheme: QuarterScheme;
  readonly ordinal: number;
  readonly label: string;
  /** First instant of the quarter, ISO 8601 UTC. */
  readonly start: string;
  /** First instant of the next quarter: the quarter is the half-open range [start, end). */
  readonly end: string;
}

/** Quarter ordinal of an epoch-millisecond instant, in UTC. Allocation-free for hot loops. */
export function quarterOrdinalOfMs(ms: number): number {
  return Math.floor(monthOrdinalOfDay(Math.floor(ms / MS_PER_DAY)) / 3);
}

/** Epoch milliseconds at which the quarter with this ordinal starts. */
export function quarterStartMs(ordinal: number): number {
  const year = Math.floor(ordinal / 4);
  return daysFromCivil(year, (ordinal - year * 4) * 3 + 1, 1) * MS_PER_DAY;
}

/** The label of a quarter ordinal in a scheme, e.g. `2026-Q4` or `FY27-Q2`. */
export function quarterLabel(ordinal: number, scheme: QuarterScheme): string {
  const year = Math.floor(ordinal / 4);
  const index = ordinal - year * 4;
  if (scheme === 'calendar') return `${String(year).padStart(4, '0')}-Q${index + 1}`;
  const fiscalYear = index >= 2 ? year + 1 : year;
  return `FY${String(fiscalYear % 100).padStart(2, '0')}-Q${((index + 2) % 4) + 1}`;
}

/** The quarter with this ordinal, with its label and UTC bounds. */
export function quarterFromOrdinal(ordinal: number, scheme: QuarterScheme): Quarter {
  return {
    scheme,
    ordinal,
    label: quarterLabel(ordinal, scheme),
    start: formatInstant(quarterStartMs(ordinal)),
    end: formatInstant(quarterStartMs(ordinal + 1)),
  };
}

/**
 * The quarter containing an instant (a Date, or ISO text as {@link parseInstant} reads it).
 * Throws `DomainError('acceptance.bad-date')` for text that is not an instant.
 */
export function quarterContaining(at: Date | string, scheme: QuarterScheme): Quarter {
  const ms = typeof at === 'string' ? parseInstant(at) : at.getTime();
  if (Number.isNaN(ms)) {
    throw new DomainError('acceptance.bad-date', `"${String(at)}" is not a date.`, { at: String(at) });
  }
  return quarterFromOrdinal(quarterOrdinalOfMs(ms), scheme);
}

/** The quarter just before `quarter`, in the same scheme; the bot reports it at quarter start. */
export function previousQuarter(quarter: Quarter): Quarter {
  return quarterFromOrdinal(quarter.ordinal - 1, quarter.scheme);
}

const CALENDAR_LABEL = /^(\d{4})-Q([1-4])$/;
const FISCAL_LABEL = /^FY(\d{2})-Q([1-4])$/i;

/**
 * Reads a label back into a quarter, or null when it is not a label of that scheme. Fiscal labels
 * carry two year digits only; they are read as years 2000–2099, the program's lifetime.
 */
export function parseQuarterLabel(label: string, scheme: QuarterScheme): Quarter | null {
  const match = (scheme === 'calendar' ? CALENDAR_LABEL : FISCAL_LABEL).exec(label.trim());
  if (match === null) return null;
  const year = Number(match[1]);
  const q = Number(match[2]) - 1;
  const ordinal = scheme === 'calendar' ? year * 4 + q : (2000 + year - 1) * 4 + q + 2;
  return quarterFromOrdinal(ordinal, scheme);
}
