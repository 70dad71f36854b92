import type { ProgramEvent } from '../referrals/types.ts';
import type { NotificationIntent } from './types.ts';

/**
 * What the facts of one committed operation tell the locations concerned:
 * - an offer is "new referral" unless the same operation moved a part of that referral, in which
 *   case it reached this location because someone else declined (or operations moved it);
 * - a moved part tells its previous holder where it went;
 * - a pause that ran out tells the location its referrals are on again.
 * Answers (accept, decline, expire) and manual pause or resume are confirmed to whoever acted, so
 * they do not notify.
 */
export function intentsOf(events: readonly ProgramEvent[]): NotificationIntent[] {
  const moved = new Set(events.flatMap((e) => (e.type === 'reassigned' ? [e.referralId] : [])));
  const out: NotificationIntent[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'offered':
        out.push({
          sourceId: e.id,
          mpnId: e.mpnId,
          at: e.at,
          data: { kind: moved.has(e.referralId) ? 'referral-reassigned-to-you' : 'referral-offered', referralId: e.referralId, assignmentId: e.assignmentId },
        });
        break;
      case 'reassigned':
        out.push({
          sourceId: e.id,
          mpnId: e.mpnId,
          at: e.at,
          data: { kind: 'part-reassigned', referralId: e.referralId, assignmentId: e.assignmentId, to: e.to, ftc: e.ftc, byOperations: e.previousState !== undefined },
        });
        break;
      case 'pause-expired':
        out.push({ sourceId: e.id, mpnId: e.mpnId, at: e.at, data: { kind: 'pause-ended', endedAt: e.at } });
        break;
      default:
        break;
    }
  }
  return out;
}
