import { parseDay } from './dates.ts';
import { splitAmong } from './assignment.ts';
import { explainLeftOut, type Decision } from './explain.ts';
import { ScanResult, collectCandidates, scanAvailable, type ScanQuery } from './scan.ts';
import { prepareEndorsements, prepareLocations, type PreparedLocation } from './prepared.ts';
import { RankedIndex } from './ranked-index.ts';
import { pickSingle, type SingleContext } from './single.ts';
import { LocationTable } from './table.ts';
import { requestedWorkloads } from './workloads.ts';
import type { Assignment, Location, MatchOptions, MatchResult, Partner, ReferralRequest } from './types.ts';

/** What a {@link Matcher} is built from: the network as it stands on `asOf`. */
export interface MatcherInput {
  readonly asOf: string;
  readonly locations: readonly Location[];
  readonly partners: readonly Partner[];
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Matches referrals to partner locations by the rules of shared/contracts/matching.md.
 *
 * Built once per batch: it resolves every date against `asOf`, works out each partner's valid
 * endorsements, lays the locations out in a {@link LocationTable}, and keeps them in round-robin
 * order in a {@link RankedIndex}, so finding the single location for a referral costs about the
 * same however many locations share the customer's country (see ranked-index.ts for the bounds).
 * It keeps the round-robin counters: each referral a location receives adds 1 before the next
 * {@link Matcher.match} call, as the contract's batch rule requires. Nothing else is mutable,
 * and the caller's input objects are never changed.
 */
export class Matcher {
  readonly asOf: string;
  private readonly locations: readonly PreparedLocation[];
  private readonly byMpnId: ReadonlyMap<string, number>;
  private readonly table: LocationTable;
  private readonly scan: ScanResult;
  private readonly wanted: Uint32Array;
  private readonly single: SingleContext;

  /** @throws DomainError `invalid-date` for a date that does not parse, `duplicate-mpn-id` for a repeated location. */
  constructor(input: MatcherInput) {
    this.asOf = input.asOf;
    const asOf = parseDay(input.asOf, 'asOf');
    this.locations = prepareLocations(input.locations, prepareEndorsements(input.partners, asOf), asOf);
    this.byMpnId = new Map(this.locations.map((loc) => [loc.mpnId, loc.index]));
    this.table = new LocationTable(this.locations);
    this.scan = new ScanResult(this.table.size);
    this.wanted = new Uint32Array(this.table.words);
    const index = new RankedIndex(this.locations, this.table);
    this.single = { locations: this.locations, byMpnId: this.byMpnId, table: this.table, index };
  }

  /** The round-robin counter of a location as it stands now in the batch, or undefined if unknown. */
  referralsReceived(mpnId: string): number | undefined {
    const index = this.byMpnId.get(mpnId);
    return index === undefined ? undefined : this.table.received[index];
  }

  /** Every location's counter as it stands now, in input order, for persisting after a batch. */
  receivedCounts(): Map<string, number> {
    return new Map(this.locations.map((loc) => [loc.mpnId, this.table.received[loc.index] ?? 0]));
  }

  /** Matches referrals one after another, in order, as one batch. */
  matchAll(referrals: readonly ReferralRequest[], options: MatchOptions = {}): MatchResult[] {
    return referrals.map((referral) => this.match(referral, options));
  }

  /**
   * Matches one referral: a single location taking all of W if any can, else a split over at
   * most three locations, with the rest to the FastTrack Center. Then adds 1 to the counter of
   * every location that received a part, however many workloads it got.
   *
   * @throws DomainError `no-workloads` when the referral requests nothing.
   */
  match(referral: ReferralRequest, options: MatchOptions = {}): MatchResult {
    const workloads = requestedWorkloads(referral.workloads, referral.id);
    const { customer } = referral;
    const table = this.table;
    const exclude = referral.exclude.length === 0 ? NONE : new Set(referral.exclude);
    const claims = customer.cporClaims.length === 0 ? NONE : new Set(customer.cporClaims.map((c) => c.mpnId));
    const bits = workloads.lowers.map((lower) => table.bitOf(lower));
    const wanted = this.wanted;
    wanted.fill(0);
    for (const bit of bits) if (bit >= 0) wanted[bit >>> 5] = (wanted[bit >>> 5] ?? 0) | (1 << (bit & 31));

    const scan = this.scan;
    const query: ScanQuery = { customer, exclude, claims, bits, wanted };
    if (Number.isNaN(customer.seats) || !this.single.index.usable) {
      // Input the contract rules out (seats NaN, which every bound lets pass; counters that are
      // not whole numbers) is beyond the index; the linear scan reads the rules as they stand.
      scanAvailable(table, query, scan);
    } else {
      pickSingle(this.single, query, scan);
      if (scan.winner < 0) collectCandidates(table, query, scan);
    }
    const winner = scan.winner;
    const winnerClaim = scan.winnerClaim;

    const open = bits.map(() => true);
    const assignments: Assignment[] = [];
    const picked: number[] = [];
    let decision: Decision;
    if (winner >= 0) {
      open.fill(false);
      picked.push(winner);
      assignments.push({
        mpnId: table.mpnIds[winner] ?? '',
        workloads: [...workloads.names],
        basis: winnerClaim ? 'cpor-claim' : 'round-robin',
      });
      decision = { kind: 'single', winner, winnerClaim };
    } else {
      for (const part of splitAmong(table, scan.candidates, scan.count, bits, open, wanted, claims)) {
        picked.push(part.location);
        assignments.push({
          mpnId: table.mpnIds[part.location] ?? '',
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
        : explainLeftOut({
            locations: this.locations,
            received: table.received,
            picked,
            workloads,
            customer,
            exclude,
            claims,
            open,
            decision,
            scope: options.explain === 'customer-country' ? 'customer-country' : 'all',
          });
    for (const loc of picked) this.single.index.receive(loc);
    return { referralId: referral.id, assignments, ftc, explanation };
  }
}
