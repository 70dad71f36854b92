import { state } from './state.ts';

const DAY_MS = 86_400_000;

export const format = {
  rate(rate: number | null): string {
    if (rate === null) return '–';
    return new Intl.NumberFormat(state.locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
  },
  target(target: number): string {
    return new Intl.NumberFormat(state.locale, { style: 'percent', maximumFractionDigits: 1 }).format(target);
  },
  count(n: number): string {
    return new Intl.NumberFormat(state.locale).format(n);
  },
  /** A calendar date (YYYY-MM-DD), the same day everywhere. */
  day(isoDay: string): string {
    const date = new Date(`${isoDay.slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return isoDay;
    return new Intl.DateTimeFormat(state.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  },
  /** An instant, in the viewer's time zone. */
  instant(iso: string): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(state.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  },
};

export function utcToday(): number {
  return Math.floor(Date.now() / DAY_MS);
}

export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
