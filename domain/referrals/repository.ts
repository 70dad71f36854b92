import type { LocationRecord, PartnerRecord, ProgramEvent, Referral, UserRecord } from './types.ts';

/** Read access to the program's records. */
export interface ProgramReadModel {
  partners(): readonly PartnerRecord[];
  partner(partnerId: string): PartnerRecord | undefined;
  locations(): readonly LocationRecord[];
  location(mpnId: string): LocationRecord | undefined;
  referral(id: string): Referral | undefined;
  referrals(): readonly Referral[];
  /** Referrals with at least one part offered to or held by this location. */
  referralsOf(mpnId: string): readonly Referral[];
  events(): readonly ProgramEvent[];
  user(tenantId: string, aadObjectId: string): UserRecord | undefined;
  users(): readonly UserRecord[];
}

/** Changes made inside a transaction; they become visible to others only when it commits. */
export interface ProgramTx extends ProgramReadModel {
  putPartner(partner: PartnerRecord): void;
  putLocation(location: LocationRecord): void;
  putReferral(referral: Referral): void;
  appendEvents(events: readonly ProgramEvent[]): void;
  putUser(user: UserRecord): void;
}

/**
 * Where the program's records live. The embedded implementation is lowdb; a PostgreSQL one can be
 * added behind the same interface: `transaction` maps to a database transaction with row locks
 * on the referral and locations it touches.
 */
export interface ProgramRepository {
  /** Committed state, read-only. */
  read(): ProgramReadModel;
  /**
   * Runs `work` alone against the current state and commits everything it put, atomically, once
   * it returns. If it throws, nothing is written.
   */
  transaction<R>(work: (tx: ProgramTx) => R): Promise<R>;
  /** Changes whenever a partner or a location changes other than its round-robin counter. */
  networkVersion(): number;
}
