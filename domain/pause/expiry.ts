import { MS_PER_DAY } from '../calendar.ts';
import { formatInstant } from '../acceptance/instant.ts';
import { PAUSE_REMINDER_DAYS, instantMs, pauseEndMs } from './state.ts';
import type { LocationPause, PauseState } from './state.ts';

/**
 * Whether the pause has run out at `now`: `now` is at or after 00:00 UTC on `pausedUntil`. An
 * expired pause stops nothing; the caller records `pause-expired` and clears it, and it is never
 * extended without the admin asking again.
 */
export function isPauseExpired(now: Date | string | number, state: LocationPause): state is PauseState {
  return state !== null && toMs(now) >= pauseEndMs(state);
}

export interface PausedLocation {
  readonly mpnId: string;
  readonly pause: LocationPause;
}

export interface PauseExpiry {
  readonly mpnId: string;
  readonly ended: PauseState;
  /** When the pause ended (00:00 UTC on `pausedUntil`), not when the check ran: the event time. */
  readonly endedAt: string;
}

/**
 * The locations whose pause has run out at `now`, in input order. The scheduler records one
 * `pause-expired` event per entry at `endedAt` and clears the pause, resuming referrals.
 */
export function duePauseExpiries(now: Date | string, locations: Iterable<PausedLocation>): PauseExpiry[] {
  const nowMs = instantMs(now, 'now');
  const due: PauseExpiry[] = [];
  for (const { mpnId, pause } of locations) {
    if (isPauseExpired(nowMs, pause)) due.push({ mpnId, ended: pause, endedAt: formatInstant(pauseEndMs(pause)) });
  }
  return due;
}

/**
 * When to remind the admin that the pause ends soon: `daysBefore` days (3 by default) before
 * 00:00 UTC on `pausedUntil`. null when that falls at or before `pausedAt`: the admin set a pause
 * that short moments ago and needs no reminder of it.
 */
export function pauseReminderDueAt(state: PauseState, daysBefore: number = PAUSE_REMINDER_DAYS): string | null {
  const dueMs = pauseEndMs(state) - daysBefore * MS_PER_DAY;
  return dueMs <= instantMs(state.pausedAt, 'pausedAt') ? null : formatInstant(dueMs);
}

function toMs(now: Date | string | number): number {
  return typeof now === 'number' ? now : instantMs(now, 'now');
}
