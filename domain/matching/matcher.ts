import { parseDay } from './dates.ts';
import { firstFailingLocationRule, isEndorsed } from './eligibility.ts';
import { ranksBefore, splitAmong } from './assignment.ts';
import { explainLeftOut, type Decision } from './explain.ts';
import { prepareEndorsements, prepareLocations, type PreparedLocation } from './prepared.ts';
import { requestedWorkloads } from './workloads.ts';
import type {
  Assignment,
  Location,
  MatchOptions,
  MatchResult,
  Partner,
  ReferralRequest,
} from './types.ts';

/** What a {@link Matcher} is built from: the network as it stands on `asOf`. */
export interface MatcherInput {
  readonly asOf: string;
  readonly locations: readonly Location[];
  readonly partners: readonly Partner[];
}

const NONE: ReadonlySet<string> = new Set();
const NO_LOCATIONS: readonly PreparedLocation[] = [];

/**
 * Matches referrals to partner locations by the rules of shared/contracts/matching.md.
 *
 * Built once per batch: it resolves every date against `asOf`, works out each partner's valid
 * endorsements, and indexes the locations that can receive work at all (active, not paused) by
 * country and language, so a referral only looks at the locations that could serve its customer.
 * It keeps the round-robin counters: each referral a location receives adds 1 before the next
 * {@link Matcher.match} call, as the contract's batch rule requires. Nothing else is mutable,
 * and the caller's input objects are never changed.
 */
export class Matcher {
  readonly asOf: string;
  private readonly locations: readonly PreparedLocation[];
  private readonly byMpnId: ReadonlyMap<string, PreparedLocation>;
  private readonly available: ReadonlyMap<string, ReadonlyMap<string, readonly PreparedLocation[]>>;
  private readonly candidates: PreparedLocation[] = [];

  /** @throws DomainError `invalid-date` for a date that does not parse, `duplicate-mpn-id` for a repeated location. */
  constructor(input: MatcherInput) {
    this.asOf = input.asOf;
    const asOf = parseDay(input.asOf, 'asOf');
    this.locations = prepareLocations(input.locations, prepareEndorsements(input.partners, asOf), asOf);
    this.byMpnId = new Map(this.locations.map((loc) => [loc.mpnId, loc]));
    const available = new Map<string, Map<string, PreparedLocation[]>>();
    for (const loc of this.locations) {
      if (loc.departed || loc.pausedUntil !== null) continue;
      let byLanguage = available.get(loc.country);
      if (byLanguage === undefined) {
        byLanguage = new Map();
        available.set(loc.country, byLanguage);
      }
      for (const language of loc.languageList) {
        const bucket = byLanguage.get(language);
        if (bucket === undefined) byLanguage.set(language, [loc]);
        else bucket.push(loc);
      }
    }
    this.available = available;
  }

  /** The round-robin counter of a location as it stands now in the batch, or undefined if unknown. */
  referralsReceived(mpnId: string): number | undefined {
    return this.byMpnId.get(mpnId)?.received;
  }

  /** Every location's counter as it stands now, in input order, for persisting after a batch. */
  receivedCounts(): Map<string, number> {
    return new Map(this.locations.map((loc) => [loc.mpnId, loc.received]));
  }

  /** Matches referrals one after another, in order, as one batch. */
  matchAll(referrals: readonly ReferralRequest[], options: MatchOptions = {}): MatchResult[] {
    return referrals.map((referral) => this.match(referral, options));
  }

  /**
   * Matches one referral: a single location taking all of W if any can, else a split over at
   * most three locations, with the rest to the FastTrack Center. Then adds 1 to the counter of
   * every location that received a part.
   *
   * @throws DomainError `no-workloads` when the referral requests nothing.
   */
  match(referral: ReferralRequest, options: MatchOptions = {}): MatchResult {
    const workloads = requestedWorkloads(referral.workloads, referral.id);
    const { customer } = referral;
    const exclude = referral.exclude.length === 0 ? NONE : new Set(referral.exclude);
    const claims = customer.cporClaims.length === 0 ? NONE : new Set(customer.cporClaims.map((c) => c.mpnId));
    const bucket = this.available.get(customer.country)?.get(customer.language) ?? NO_LOCATIONS;
    const total = workloads.lowers.length;

    const candidates = this.candidates;
    candidates.length = 0;
    let winner: PreparedLocation | null = null;
    let winnerClaim = false;
    for (const loc of bucket) {
      if (firstFailingLocationRule(loc, customer, exclude) !== null) continue;
      let cover = 0;
      for (const lower of workloads.lowers) if (isEndorsed(loc, lower)) cover++;
      if (cover === 0) continue;
      candidates.push(loc);
      if (cover !== total) continue;
      const claim = claims.has(loc.mpnId);
      if (winner === null || ranksBefore(loc, claim, total, winner, winnerClaim, total)) {
        winner = loc;
        winnerClaim = claim;
      }
    }

    const open = workloads.lowers.map(() => true);
    const assignments: Assignment[] = [];
    const picked: PreparedLocation[] = [];
    let decision: Decision;
    if (winner !== null) {
      open.fill(false);
      picked.push(winner);
      assignments.push({
        mpnId: winner.mpnId,
        workloads: [...workloads.names],
        basis: winnerClaim ? 'cpor-claim' : 'round-robin',
      });
      decision = { kind: 'single', winner, winnerClaim };
    } else {
      for (const part of splitAmong(candidates, workloads.lowers, open, claims)) {
        picked.push(part.loc);
        assignments.push({
          mpnId: part.loc.mpnId,
          workloads: part.taken.map((i) => workloads.names[i] ?? ''),
          basis: part.claim ? 'cpor-claim' : 'round-robin',
        });
      }
      decision = { kind: 'split' };
    }
    const ftc = workloads.names.filter((_, i) => open[i] === true);

    const explanation =
      options.explain === false
        ? []
        : explainLeftOut({ locations: this.locations, picked, workloads, customer, exclude, claims, open, decision });
    for (const loc of picked) loc.received += 1;
    return { referralId: referral.id, assignments, ftc, explanation };
  }
}
