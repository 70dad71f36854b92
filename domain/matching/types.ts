/**
 * Shapes of the matching contract (shared/contracts/matching.md). They mirror the JSON the
 * `match` command reads and prints, so a scenario file can be checked by hand against them.
 */

/** `departed` locations never receive referrals; the record is kept for history. */
export type LocationStatus = 'active' | 'departed';

/** One partner location, identified by its MPN ID, as it stands on `asOf`. */
export interface Location {
  readonly mpnId: string;
  readonly partnerId: string;
  readonly country: string;
  readonly languages: readonly string[];
  /** Inclusive; absent or null means no lower bound. */
  readonly minSeats?: number | null | undefined;
  /** Inclusive; absent or null means no upper bound. */
  readonly maxSeats?: number | null | undefined;
  /** Empty means the location serves any industry. */
  readonly industries: readonly string[];
  readonly status: LocationStatus;
  /** A date: the location is paused while `asOf` is before it. */
  readonly pausedUntil: string | null;
  /** Referrals received so far; the round-robin counter. */
  readonly referralsReceived: number;
}

/** An endorsement of the global partner for one workload, valid through `expires` inclusive. */
export interface Specialization {
  readonly workload: string;
  readonly expires: string;
}

/** Endorsements belong to the global partner, so all its locations share them. */
export interface Partner {
  readonly partnerId: string;
  readonly specializations: readonly Specialization[];
}

/** A Claiming Partner of Record entry; it makes the location a claim holder for any workload. */
export interface CporClaim {
  readonly mpnId: string;
  readonly workload: string;
}

export interface Customer {
  readonly country: string;
  readonly language: string;
  readonly seats: number;
  readonly industry: string;
  readonly cporClaims: readonly CporClaim[];
}

export type ReferralType = 'Standard' | 'Benefit';

/** One referral to place. Workload names compare case-insensitively. */
export interface ReferralRequest {
  readonly id: string;
  readonly type: ReferralType;
  readonly workloads: readonly string[];
  readonly customer: Customer;
  /** MPN IDs that must not receive this referral, e.g. locations that declined it. */
  readonly exclude: readonly string[];
}

/**
 * Why a location got its part: `cpor-claim` when it holds a CPOR claim on the customer,
 * otherwise `round-robin`. Split parts use the same two values (see the split-with-ftc example).
 */
export type AssignmentBasis = 'cpor-claim' | 'round-robin';

export interface Assignment {
  readonly mpnId: string;
  /** In the referral's order and spelling. */
  readonly workloads: string[];
  readonly basis: AssignmentBasis;
}

export interface MatchResult {
  readonly referralId: string;
  /** In pick order. */
  readonly assignments: Assignment[];
  /** Workloads left to the FastTrack Center, in the referral's order. */
  readonly ftc: string[];
  /** One line per location left out, naming the first rule that left it out; empty when not requested. */
  readonly explanation: string[];
}

/** The input of the `match` command. */
export interface Scenario {
  readonly asOf: string;
  readonly locations: readonly Location[];
  readonly partners: readonly Partner[];
  readonly referrals: readonly ReferralRequest[];
}

/** The output of the `match` command. */
export interface ScenarioOutcome {
  readonly asOf: string;
  readonly results: MatchResult[];
}

export interface MatchOptions {
  /**
   * Whether to explain every left-out location. `customer-country` explains those in the
   * customer's country one by one and counts the others in one line, which is what a person
   * reading a decision on a large network wants. Costs a pass over all locations per referral,
   * so bulk callers that do not show explanations turn it off. Default true.
   */
  readonly explain?: boolean | 'customer-country';
}
