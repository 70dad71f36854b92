import { Matcher } from '../../domain/matching/index.ts';
import { matchingLocation } from '../../domain/referrals/matcher-cache.ts';
import { acceptAssignment, declineAssignment, expireAssignment, placeReferral, type OpContext } from '../../domain/referrals/operations.ts';
import type { DeclineReason, LocationRecord, PartnerRecord, ProgramEvent, Referral } from '../../domain/referrals/types.ts';
import { AS_OF, buildNetwork } from './network.ts';
import { Prng } from './prng.ts';
import { buildReferrals } from './referrals.ts';

export const DECLINE_REASONS: readonly DeclineReason[] = [
  { code: 'no-capacity', text: null },
  { code: 'cannot-support-workload', text: null },
  { code: 'customer-unreachable', text: null },
  { code: 'other', text: 'Customer wants an on-site team in a region we do not cover' },
];

export interface OpenPart {
  readonly referralId: string;
  readonly assignmentId: string;
}

export interface ProgramHistory {
  readonly partners: PartnerRecord[];
  /** With the round-robin counters the history moved. */
  readonly locations: LocationRecord[];
  readonly referrals: Referral[];
  readonly events: ProgramEvent[];
  /** One still-offered part per referral, in a shuffled order, for declines to work through. */
  readonly openParts: OpenPart[];
  readonly declined: number;
}

export interface HistoryOptions {
  readonly locations: number;
  readonly referrals: number;
  readonly seed: number;
  /** The newest share of referrals whose offers are still unanswered. */
  readonly openShare: number;
}

const HISTORY_DAYS = 120;
const DAY_MS = 86_400_000;
export const NOW_MS = Date.parse(`${AS_OF}T12:00:00.000Z`);

/** Ids `${prefix}1`, `${prefix}2`, …: deterministic, unlike the bot's randomUUID. */
export function counterIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/**
 * A program's past, made by the same domain operations the service runs (place, accept, decline
 * and reassign, expire) on one matcher, so referrals, events and counters agree exactly as live
 * use would leave them. Older referrals are answered (80% accepted, 12% declined and reassigned,
 * 8% expired); the newest `openShare` still wait for an answer.
 */
export function buildHistory(o: HistoryOptions): ProgramHistory {
  const rng = new Prng(o.seed);
  const network = buildNetwork({ locations: o.locations, historyReferrals: 0, seed: o.seed });
  const matcher = new Matcher({ asOf: AS_OF, locations: network.locations.map(matchingLocation), partners: network.partners });
  const newId = counterIds('h-');
  const ctxAt = (ms: number, actor: string): OpContext => ({ now: new Date(ms).toISOString(), actor, newId });
  const referrals: Referral[] = [];
  const events: ProgramEvent[] = [];
  const openParts: OpenPart[] = [];
  let declined = 0;
  const inputs = buildReferrals(network, o.referrals, o.seed + 1);
  const answeredBefore = Math.floor(o.referrals * (1 - o.openShare));

  inputs.forEach((input, i) => {
    const created = NOW_MS - HISTORY_DAYS * DAY_MS + Math.floor((i * HISTORY_DAYS * DAY_MS) / o.referrals);
    const placed = placeReferral(input, matcher, ctxAt(created, 'intake'));
    let referral = placed.referral;
    events.push(...placed.events);
    if (i < answeredBefore) {
      for (const part of placed.referral.assignments) {
        const r = rng.next();
        const ctx = ctxAt(created + rng.int(1, 5 * 24) * 3_600_000, `user-${part.mpnId}`);
        const outcome =
          r < 0.8
            ? acceptAssignment(referral, part.id, ctx)
            : r < 0.92
              ? declineAssignment(referral, part.id, rng.pick(DECLINE_REASONS), matcher, ctx)
              : expireAssignment(referral, part.id, ctx);
        if (r >= 0.8 && r < 0.92) declined++;
        referral = outcome.referral;
        events.push(...outcome.events);
      }
    } else {
      const part = referral.assignments[0];
      if (part !== undefined) openParts.push({ referralId: referral.id, assignmentId: part.id });
    }
    referrals.push(referral);
  });

  const counts = matcher.receivedCounts();
  const locations = network.locations.map((l) => ({ ...l, referralsReceived: counts.get(l.mpnId) ?? l.referralsReceived }));
  // Shuffled so declines hit referrals of every country and age, not the newest first.
  const shuffled = rng.sample(openParts, openParts.length, () => 1);
  return { partners: network.partners, locations, referrals, events, openParts: shuffled, declined };
}
