import { DomainError } from '../errors.ts';
import { MS_PER_DAY } from '../calendar.ts';
import { formatInstant } from '../acceptance/instant.ts';
import { isPauseExpired } from './expiry.ts';
import {
  DEFAULT_PAUSE_SETTINGS,
  MAX_PAUSE_DAYS,
  PAUSE_RULE,
  dayToDate,
  instantMs,
  pauseEndMs,
  utcDay,
} from './state.ts';
import type { LocationPause, PauseSettings, PauseState } from './state.ts';

export interface PauseRequest {
  readonly now: Date | string;
  readonly current: LocationPause;
  /**
   * When referrals start again. Only its UTC date counts: the pause runs in whole UTC days, as the
   * matching contract's `pausedUntil` is a date. The bot passes the date the admin named.
   */
  readonly until: Date | string;
  /** The program admin asking; recorded as `pausedBy`. */
  readonly by: string;
  /**
   * When the location's previous pause stopped: its resume instant if resumed early, else its
   * `pausedUntil`. Needed only for `minDaysBetweenPauses`.
   */
  readonly previousPauseEndedAt?: Date | string | null | undefined;
  readonly settings?: PauseSettings | undefined;
}

export interface PausePlan {
  /** The state to store for the location. */
  readonly state: PauseState;
  /** Days without referrals, counted in UTC dates from today to the day before `pausedUntil`. */
  readonly days: number;
  /**
   * A stored pause that had already run out: the caller records its `pause-expired` event (at its
   * `pausedUntil`) before this pause, so that history has no overlap.
   */
  readonly replacesExpired: PauseState | null;
}

/**
 * Validates a request to turn off a location's referrals, returning the state to store or
 * throwing a DomainError whose message states the rule:
 * - `pause.already-paused` while a pause is running (an expired one does not count: it no longer
 *   stops referrals, and is returned as `replacesExpired`);
 * - `pause.cooldown` when `settings.minDaysBetweenPauses` days have not passed since the previous
 *   pause ended (the latest of `previousPauseEndedAt` and an expired `current`);
 * - `pause.in-past` when `until` falls today or earlier (UTC): a pause lasts at least one day;
 * - `pause.too-long` when `until` is more than 30 days after today: the program's limit;
 * - `pause.bad-date`, `pause.bad-settings`, `pause.no-admin` for unusable arguments.
 * The last allowed `until` is today + 30 days, so a pause never lasts longer than 30 × 24 hours.
 */
export function planPause(request: PauseRequest): PausePlan {
  const nowMs = instantMs(request.now, 'now');
  const untilMs = instantMs(request.until, 'until');
  const settings = request.settings ?? DEFAULT_PAUSE_SETTINGS;
  const by = request.by.trim();
  if (by === '') throw new DomainError('pause.no-admin', 'A pause must name the program admin who asked for it.', {});
  const { current } = request;
  const replacesExpired = current !== null && isPauseExpired(nowMs, current) ? current : null;
  if (current !== null && replacesExpired === null) {
    throw new DomainError(
      'pause.already-paused',
      `This location is already paused until ${current.pausedUntil}. Resume it first, or wait for the pause to end, to set a new one.`,
      { pausedUntil: current.pausedUntil },
    );
  }

  checkCooldown(nowMs, previousEnd(request.previousPauseEndedAt, replacesExpired), settings);

  const today = utcDay(nowMs);
  const days = utcDay(untilMs) - today;
  if (days < 1) {
    throw new DomainError(
      'pause.in-past',
      `A pause must end on a later date than today; ${dayToDate(today + days)} is ${days === 0 ? 'today' : 'in the past'}. The earliest end date is ${dayToDate(today + 1)}.`,
      { until: dayToDate(today + days), earliest: dayToDate(today + 1), today: days === 0 },
    );
  }
  if (days > MAX_PAUSE_DAYS) {
    throw new DomainError(
      'pause.too-long',
      `${PAUSE_RULE} A pause ending on ${dayToDate(today + days)} would last ${days} days; the latest end date is ${dayToDate(today + MAX_PAUSE_DAYS)}.`,
      { until: dayToDate(today + days), latest: dayToDate(today + MAX_PAUSE_DAYS), days, maxDays: MAX_PAUSE_DAYS },
    );
  }
  return {
    state: { pausedAt: formatInstant(nowMs), pausedUntil: dayToDate(today + days), pausedBy: by },
    days,
    replacesExpired,
  };
}

function previousEnd(given: Date | string | null | undefined, expired: PauseState | null): number | null {
  const givenMs = given === null || given === undefined ? null : instantMs(given, 'previousPauseEndedAt');
  const expiredMs = expired === null ? null : pauseEndMs(expired);
  if (givenMs === null) return expiredMs;
  return expiredMs === null ? givenMs : Math.max(givenMs, expiredMs);
}

function checkCooldown(nowMs: number, endedMs: number | null, settings: PauseSettings): void {
  const gap = settings.minDaysBetweenPauses;
  if (gap === null) return;
  if (!Number.isInteger(gap) || gap < 0) {
    throw new DomainError('pause.bad-settings', `minDaysBetweenPauses must be a whole number of days or null, not ${gap}.`, {
      minDaysBetweenPauses: gap,
    });
  }
  if (endedMs === null) return;
  const allowedFromMs = endedMs + gap * MS_PER_DAY;
  if (nowMs < allowedFromMs) {
    throw new DomainError(
      'pause.cooldown',
      `A new pause can start only ${gap} days after the previous one ended (${formatInstant(endedMs)}). The next pause is possible from ${formatInstant(allowedFromMs)}.`,
      { previousEndedAt: formatInstant(endedMs), allowedFrom: formatInstant(allowedFromMs), minDaysBetweenPauses: gap },
    );
  }
}

export interface ResumeRequest {
  readonly now: Date | string;
  readonly current: LocationPause;
}

export interface ResumePlan {
  /** When referrals start again; store it as the pause's end, for the cooldown. */
  readonly resumedAt: string;
  /** The pause that this resume ends early. */
  readonly ended: PauseState;
}

/**
 * Validates an early resume. Throws `pause.not-paused` when the location has no running pause,
 * including when the stored pause has already run out (the caller then records its expiry).
 */
export function planResume(request: ResumeRequest): ResumePlan {
  const nowMs = instantMs(request.now, 'now');
  const { current } = request;
  if (current === null) {
    throw new DomainError('pause.not-paused', 'This location is not paused, so there is nothing to resume.', { endedOn: null });
  }
  if (isPauseExpired(nowMs, current)) {
    throw new DomainError(
      'pause.not-paused',
      `This location's pause already ended on ${current.pausedUntil}; it receives referrals again.`,
      { endedOn: current.pausedUntil },
    );
  }
  return { resumedAt: formatInstant(nowMs), ended: current };
}
