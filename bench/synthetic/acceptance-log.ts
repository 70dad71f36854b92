import type { DeclineReason, ProgramEvent } from '../../domain/referrals/types.ts';
import { WORKLOADS } from './network.ts';
import { Prng } from './prng.ts';

export interface AcceptanceLogOptions {
  /** Acceptance events (offered, accepted, declined, expired) to produce, exactly. */
  readonly events: number;
  readonly locations: number;
  readonly seed: number;
  /** Starts every referral ID, so two logs can be joined without their offers colliding. */
  readonly referralPrefix: string;
}

export interface AcceptanceLog {
  /** The store's log: the acceptance events plus the `reassigned` events declines cause. */
  readonly events: ProgramEvent[];
  readonly acceptanceEvents: number;
  readonly offers: number;
  readonly answered: number;
  readonly mpnIds: readonly string[];
  /** The end of the fourth quarter: every event is at or before it. */
  readonly asOf: string;
}

/** Four fiscal quarters, FY26 (July 2025 to June 2026). */
const START_MS = Date.parse('2025-07-01T00:00:00.000Z');
const END_MS = Date.parse('2026-07-01T00:00:00.000Z');
const HOUR_MS = 3_600_000;
const REASON: DeclineReason = { code: 'no-capacity', text: null };

/**
 * A year of offers and answers over many locations, in log order (offers in time order, each
 * answer logged after its offer). 80% of offers are answered: 78% of answers accept, 14% decline
 * (the part is reassigned and offered to another location), 8% expire. One referral in ten is
 * split over two or three locations. Busy locations get more offers than quiet ones.
 */
export function buildAcceptanceLog(o: AcceptanceLogOptions): AcceptanceLog {
  const rng = new Prng(o.seed);
  const mpnIds = Array.from({ length: o.locations }, (_, i) => String(5_000_000 + i * 3));
  // Shared arrays: a million events must not carry a million copies of the same workloads.
  const workloadSets = WORKLOADS.map((w) => [w.name]);
  const events: ProgramEvent[] = [];
  let counted = 0;
  let offers = 0;
  let answered = 0;
  let id = 0;
  const actors = new Map(mpnIds.map((m) => [m, `user-${m}`]));
  const location = () => mpnIds[Math.floor(Math.pow(rng.next(), 1.6) * o.locations)] ?? '';
  const iso = (ms: number) => new Date(Math.min(ms, END_MS - 1000)).toISOString();

  // About 1.8 acceptance events per offer and 1.24 offers per referral (splits, reassignments).
  const referrals = Math.ceil(o.events / 2.23);
  for (let r = 0; counted < o.events; r++) {
    const referralId = `${o.referralPrefix}-${String(r + 1).padStart(8, '0')}`;
    const createdMs = START_MS + Math.floor(((r + rng.next()) * (END_MS - START_MS)) / Math.max(referrals, r + 1));
    const workloads = rng.pick(workloadSets);
    const parts = rng.chance(0.9) ? 1 : rng.int(2, 3);
    for (let p = 0; p < parts && counted < o.events; p++) {
      let mpnId = location();
      let atMs = createdMs;
      // A declined part goes to another location; its chain ends in an acceptance, an expiry or a pending offer.
      for (let hop = 0; counted < o.events; hop++) {
        const assignmentId = `${o.referralPrefix}a${++id}`;
        const at = iso(atMs);
        events.push({ id: `${o.referralPrefix}e${++id}`, type: 'offered', at, actor: 'intake', mpnId, referralId, assignmentId, workloads });
        counted++;
        offers++;
        if (counted >= o.events || !rng.chance(0.8)) break;
        answered++;
        counted++;
        const answerAt = iso(atMs + rng.int(1, 120) * HOUR_MS);
        const a = rng.next();
        const actor = actors.get(mpnId) ?? mpnId;
        // Literal objects, not spreads: generating two million events is otherwise most of the section.
        if (a < 0.78 || a >= 0.92) {
          const type = a < 0.78 ? 'accepted' : 'expired';
          events.push({ id: `${o.referralPrefix}e${++id}`, type, at: answerAt, actor, mpnId, referralId, assignmentId, workloads });
          break;
        }
        const to = location();
        events.push({ id: `${o.referralPrefix}e${++id}`, type: 'declined', at: answerAt, actor, mpnId, referralId, assignmentId, workloads, reason: REASON });
        events.push({ id: `${o.referralPrefix}e${++id}`, type: 'reassigned', at: answerAt, actor, mpnId, referralId, assignmentId, workloads, to: [to], ftc: [] });
        mpnId = to;
        atMs += rng.int(1, 120) * HOUR_MS;
      }
    }
  }
  return { events, acceptanceEvents: counted, offers, answered, mpnIds, asOf: '2026-06-30T23:59:59.000Z' };
}
