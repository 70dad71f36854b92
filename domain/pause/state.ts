import { DomainError } from '../errors.ts';
import { MS_PER_DAY } from '../calendar.ts';
import { formatUtcDate, parseInstant } from '../acceptance/instant.ts';

/**
 * A location's pause: referrals (Standard and Benefit) are turned off from `pausedAt` until
 * `pausedUntil`. `pausedUntil` is a UTC date `YYYY-MM-DD` with the matching contract's meaning of
 * the location's `pausedUntil` field: no referrals while `asOf` is before that date, referrals
 * again from 00:00 UTC that day. The store can copy it to the location record unchanged.
 */
export interface PauseState {
  /** ISO 8601 instant the pause was planned. */
  readonly pausedAt: string;
  /** First UTC date on which the location receives referrals again. */
  readonly pausedUntil: string;
  /** Who paused: the program admin's user ID, for the audit trail. */
  readonly pausedBy: string;
}

/** A location's pause, or null when it is not paused. */
export type LocationPause = PauseState | null;

/**
 * Program rule: "a 30-day period to turn off all referrals is allowed; after that time a partner
 * must resume receiving referrals or depart the program". A rule of the program, not a setting.
 */
export const MAX_PAUSE_DAYS = 30;

/** How long before a pause ends its admin is reminded. */
export const PAUSE_REMINDER_DAYS = 3;

/** Deployment choices on top of the program rule. */
export interface PauseSettings {
  /**
   * Whole days that must pass between the end of one pause and the start of the next; null puts
   * no limit. The FAQ sets none, but without one 30-day pauses could be chained end to end.
   */
  readonly minDaysBetweenPauses: number | null;
}

export const DEFAULT_PAUSE_SETTINGS: PauseSettings = { minDaysBetweenPauses: null };

/** Sentence quoted in refusals, so the admin reads the rule and not only the refusal. */
export const PAUSE_RULE =
  'The program lets a location turn off all referrals for up to 30 days; after that it must resume receiving referrals or leave the program.';

/** Epoch milliseconds of a Date or ISO text; DomainError `pause.bad-date` naming `field` otherwise. */
export function instantMs(value: Date | string, field: string): number {
  const ms = typeof value === 'string' ? parseInstant(value) : value.getTime();
  if (Number.isNaN(ms)) {
    throw new DomainError('pause.bad-date', `${field} "${String(value)}" is not a date.`, { field, value: String(value) });
  }
  return ms;
}

/** The UTC day number (days since 1970-01-01) containing an instant. */
export function utcDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** `YYYY-MM-DD` of a UTC day number. */
export function dayToDate(day: number): string {
  return formatUtcDate(day * MS_PER_DAY);
}

/** The instant a pause ends: 00:00 UTC on `pausedUntil`. */
export function pauseEndMs(state: PauseState): number {
  return instantMs(state.pausedUntil, 'pausedUntil');
}
