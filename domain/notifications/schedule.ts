import type { AcceptanceRow } from '../acceptance/types.ts';
import { pauseReminderDueAt } from '../pause/index.ts';
import { pauseEndMs } from '../pause/state.ts';
import type { LocationRecord, PauseRecord } from '../referrals/types.ts';
import type { NotificationIntent } from './types.ts';
import { MS_PER_DAY } from '../calendar.ts';

/** A location hears that it is below target at most this often. */
export const ACCEPTANCE_ALERT_EVERY_MS = 7 * MS_PER_DAY;

/**
 * Scheduled work: a notification and the mark that records it was done. `repeatAfterMs` null means
 * once ever; otherwise again only when the mark is at least that old.
 */
export interface ScheduledNotice {
  readonly mark: string;
  readonly repeatAfterMs: number | null;
  readonly intent: NotificationIntent;
}

/** One reminder per pause: a new pause (even with the same end) gets its own. */
export function pauseReminderMark(mpnId: string, pause: PauseRecord): string {
  return `pause-ending|${mpnId}|${pause.pausedAt}`;
}

export function acceptanceAlertMark(mpnId: string): string {
  return `acceptance-below|${mpnId}`;
}

/**
 * Reminders due at `nowMs` that were not sent yet ("your pause ends in 3 days"). A reminder whose
 * pause already ended is dropped, not sent late: the end itself is announced instead. So after any
 * downtime each pause gets at most one reminder and one end notice.
 */
export function duePauseReminders(nowMs: number, locations: readonly LocationRecord[], done: (mark: string) => boolean): ScheduledNotice[] {
  const out: ScheduledNotice[] = [];
  for (const l of locations) {
    if (l.pause === null) continue;
    const due = pauseReminderDueAt(l.pause);
    if (due === null || Date.parse(due) > nowMs || nowMs >= pauseEndMs(l.pause)) continue;
    const mark = pauseReminderMark(l.mpnId, l.pause);
    if (done(mark)) continue;
    out.push({ mark, repeatAfterMs: null, intent: { sourceId: mark, mpnId: l.mpnId, at: due, data: { kind: 'pause-ending', pausedUntil: l.pause.pausedUntil } } });
  }
  return out;
}

/** The next moment pause work falls due (a reminder or an end), after `nowMs`; null if none. */
export function nextPauseWorkAt(nowMs: number, locations: readonly LocationRecord[]): number | null {
  let next: number | null = null;
  for (const l of locations) {
    if (l.pause === null) continue;
    const due = pauseReminderDueAt(l.pause);
    for (const at of [due === null ? null : Date.parse(due), pauseEndMs(l.pause)]) {
      if (at !== null && at > nowMs && (next === null || at < next)) next = at;
    }
  }
  return next;
}

/**
 * Locations whose rate this quarter is below target and that were not told so in the last week.
 * Rows without answered offers (rate null) are never "below". The source id carries the time, so
 * next week's alert is a new notification, not a duplicate of this one.
 */
export function dueAcceptanceAlerts(
  nowMs: number,
  rows: readonly AcceptanceRow[],
  target: number,
  lastAlertAt: (mpnId: string) => number | null,
): ScheduledNotice[] {
  const at = new Date(nowMs).toISOString();
  const out: ScheduledNotice[] = [];
  for (const r of rows) {
    if (r.rate === null || r.meetsTarget !== false) continue;
    const last = lastAlertAt(r.mpnId);
    if (last !== null && nowMs - last < ACCEPTANCE_ALERT_EVERY_MS) continue;
    const mark = acceptanceAlertMark(r.mpnId);
    out.push({
      mark,
      repeatAfterMs: ACCEPTANCE_ALERT_EVERY_MS,
      intent: {
        sourceId: `${mark}|${at}`,
        mpnId: r.mpnId,
        at,
        data: {
          kind: 'acceptance-below-target',
          quarter: r.quarter,
          rate: r.rate,
          target,
          accepted: r.accepted,
          answered: r.accepted + r.declined + r.expired,
          acceptNeeded: r.acceptNeeded,
        },
      },
    });
  }
  return out;
}
