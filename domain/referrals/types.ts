import type { AssignmentBasis, CporClaim, LocationStatus, ReferralType, Specialization } from '../matching/types.ts';

/** The global Partner One entity; its specializations give every one of its locations endorsements. */
export interface PartnerRecord {
  readonly partnerId: string;
  readonly name: string;
  readonly specializations: readonly Specialization[];
}

/** A location's pause: no referrals while now is before `pausedUntil`. */
export interface PauseRecord {
  readonly pausedAt: string;
  readonly pausedUntil: string;
  readonly pausedBy: string;
}

/** One partner location (MPN ID), one per country. */
export interface LocationRecord {
  readonly mpnId: string;
  readonly partnerId: string;
  readonly name: string;
  readonly country: string;
  readonly languages: readonly string[];
  readonly minSeats: number | null;
  readonly maxSeats: number | null;
  readonly industries: readonly string[];
  readonly status: LocationStatus;
  readonly pause: PauseRecord | null;
  /** Mail aliases that receive Benefit and Standard referral notifications. */
  readonly distributionLists: { readonly benefit: string; readonly standard: string };
  /** Round-robin counter: referrals (or parts) received so far. */
  readonly referralsReceived: number;
  /** The end of the last pause, for the optional pause cool-down. */
  readonly lastPauseEndedAt: string | null;
}

export interface CustomerRecord {
  readonly name: string;
  readonly country: string;
  readonly language: string;
  readonly seats: number;
  readonly industry: string;
  readonly cporClaims: readonly CporClaim[];
}

export type AssignmentState = 'offered' | 'accepted' | 'declined' | 'expired' | 'reassigned';

export const DECLINE_REASONS = ['no-capacity', 'cannot-support-workload', 'customer-unreachable', 'other'] as const;
export type DeclineReasonCode = (typeof DECLINE_REASONS)[number];

export interface DeclineReason {
  readonly code: DeclineReasonCode;
  /** Free text; required for `other`. */
  readonly text: string | null;
}

/** One location's part of a referral. */
export interface ReferralAssignment {
  readonly id: string;
  readonly mpnId: string;
  readonly workloads: readonly string[];
  readonly basis: AssignmentBasis | 'manual';
  readonly state: AssignmentState;
  readonly offeredAt: string;
  readonly answeredAt: string | null;
  readonly answeredBy: string | null;
  readonly declineReason: DeclineReason | null;
}

/** The part of a referral that went to the FastTrack Center, and when. */
export interface FtcPart {
  readonly workloads: readonly string[];
  readonly at: string;
}

/** A Request For Assistance (RFA) and where its parts went. */
export interface Referral {
  readonly id: string;
  readonly type: ReferralType;
  readonly customer: CustomerRecord;
  readonly workloads: readonly string[];
  readonly createdAt: string;
  readonly assignments: readonly ReferralAssignment[];
  readonly ftc: readonly FtcPart[];
}

export type ReferralEventType = 'offered' | 'accepted' | 'declined' | 'expired' | 'reassigned';
export type PauseEventType = 'paused' | 'resumed' | 'pause-expired';

interface EventBase {
  readonly id: string;
  readonly at: string;
  /** Who caused it: a user's AAD object id, `system`, or `intake`. */
  readonly actor: string;
  readonly mpnId: string;
}

/** Append-only facts; acceptance rates and audit trails are computed from them. */
export type ProgramEvent =
  | (EventBase & {
      readonly type: 'offered' | 'accepted' | 'expired';
      readonly referralId: string;
      readonly assignmentId: string;
      readonly workloads: readonly string[];
    })
  | (EventBase & {
      readonly type: 'declined';
      readonly referralId: string;
      readonly assignmentId: string;
      readonly workloads: readonly string[];
      readonly reason: DeclineReason;
    })
  | (EventBase & {
      readonly type: 'reassigned';
      readonly referralId: string;
      readonly assignmentId: string;
      readonly workloads: readonly string[];
      /** MPN IDs that received the part, and whatever went to the FastTrack Center. */
      readonly to: readonly string[];
      readonly ftc: readonly string[];
      /**
       * Set only when FastTrack operations moved the part (a decline leaves it out): the state the
       * part was in. A moved `offered` part was never answered, so its offer is withdrawn from the
       * acceptance rate rather than counted against the location.
       */
      readonly previousState?: 'offered' | 'accepted';
    })
  | (EventBase & { readonly type: 'paused'; readonly until: string })
  | (EventBase & { readonly type: 'resumed' | 'pause-expired' });

export type Role = 'member' | 'admin' | 'operations';

/** A user known to the bot, keyed by tenant and AAD object id. */
export interface UserRecord {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name: string;
  /** Location roles; `operations` carries no location. */
  readonly roles: ReadonlyArray<{ readonly role: Role; readonly mpnId: string | null }>;
}
