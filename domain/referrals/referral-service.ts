import { DomainError } from '../errors.ts';
import { computeAcceptance } from '../acceptance/index.ts';
import type { QuarterScheme } from '../acceptance/index.ts';
import { duePauseExpiries, planPause, planResume, type PauseSettings, DEFAULT_PAUSE_SETTINGS } from '../pause/index.ts';
import { MatcherCache } from './matcher-cache.ts';
import {
  acceptAssignment,
  declineAssignment,
  expireAssignment,
  placeReferral,
  reassignAssignment,
  type NewReferral,
  type OpContext,
  type Outcome,
} from './operations.ts';
import type { ProgramReadModel, ProgramRepository, ProgramTx } from './repository.ts';
import type { DeclineReason, LocationRecord, ProgramEvent, Referral, ReferralAssignment } from './types.ts';
import type { AcceptanceReport } from '../acceptance/types.ts';
import { acceptanceEventsOf } from './acceptance-events.ts';
import { recomputeMatch, type RecomputedMatch } from './explain-referral.ts';
import { DEFAULT_TARGET } from '../acceptance/target.ts';

export interface IntakeResult {
  readonly referral: Referral;
  /** False when the same referral id was already taken in: the original result is returned. */
  readonly created: boolean;
  readonly explanation: readonly string[];
}

export interface ServiceSettings {
  readonly pause: PauseSettings;
  readonly quarters: QuarterScheme;
  readonly target: number;
}

export const DEFAULT_SERVICE_SETTINGS: ServiceSettings = {
  pause: DEFAULT_PAUSE_SETTINGS,
  quarters: 'fiscal-july',
  target: DEFAULT_TARGET,
};

function sameRequest(a: NewReferral, b: Referral): boolean {
  const shape = (r: NewReferral | Referral) => JSON.stringify([r.type, r.workloads, r.customer]);
  return shape(a) === shape(b);
}

function mustLocation(tx: ProgramTx, mpnId: string): LocationRecord {
  const l = tx.location(mpnId);
  if (l === undefined) throw new DomainError('location.not-found', `There is no location with MPN ID ${mpnId}.`, { mpnId });
  return l;
}

function mustReferral(tx: ProgramTx, id: string): Referral {
  const r = tx.referral(id);
  if (r === undefined) throw new DomainError('referral.not-found', `There is no referral ${id}.`, { referralId: id });
  return r;
}

/**
 * The program's use cases over a repository: intake, accept, decline and reassign, expire, pause,
 * resume, and acceptance rates. Time and ids are injected, so tests control both.
 */
export class ReferralService {
  private readonly matchers = new MatcherCache();

  constructor(
    private readonly repo: ProgramRepository,
    private readonly clock: () => Date,
    private readonly newId: () => string,
    private readonly settings: ServiceSettings = DEFAULT_SERVICE_SETTINGS,
  ) {}

  /** Committed state, for queries. */
  read(): ProgramReadModel {
    return this.repo.read();
  }

  get quarterScheme(): QuarterScheme {
    return this.settings.quarters;
  }

  /** The acceptance target every location is measured against. */
  get acceptanceTarget(): number {
    return this.settings.target;
  }

  /** The parts offered to a location that still wait for an answer, oldest first. */
  pendingFor(mpnId: string): Array<{ readonly referral: Referral; readonly part: ReferralAssignment }> {
    return this.repo
      .read()
      .referralsOf(mpnId)
      .flatMap((referral) => referral.assignments.filter((a) => a.mpnId === mpnId && a.state === 'offered').map((part) => ({ referral, part })))
      .sort((a, b) => a.part.offeredAt.localeCompare(b.part.offeredAt) || a.referral.id.localeCompare(b.referral.id));
  }

  private context(actor: string): OpContext {
    return { now: this.clock().toISOString(), actor, newId: this.newId };
  }

  /** Runs a matching operation; a failure after the matcher moved its counters drops the matcher. */
  private async withMatcher<R>(work: (tx: ProgramTx, ctx: OpContext, matcher: () => ReturnType<MatcherCache['get']>) => R, actor: string): Promise<R> {
    const ctx = this.context(actor);
    try {
      return await this.repo.transaction((tx) =>
        work(tx, ctx, () =>
          this.matchers.get(ctx.now.slice(0, 10), this.repo.networkVersion(), () => ({ locations: tx.locations(), partners: tx.partners() })),
        ),
      );
    } catch (err) {
      this.matchers.invalidate();
      throw err;
    }
  }

  private commit(tx: ProgramTx, outcome: Outcome): void {
    tx.putReferral(outcome.referral);
    tx.appendEvents(outcome.events);
    for (const mpnId of outcome.received) {
      const l = tx.location(mpnId);
      if (l !== undefined) tx.putLocation({ ...l, referralsReceived: l.referralsReceived + 1 });
    }
  }

  /**
   * Takes in a new referral, matches it and records the offers. The referral id is the
   * idempotency key: a replay returns the original result; the same id with a different body is
   * refused.
   */
  intake(input: NewReferral, actor = 'intake'): Promise<IntakeResult> {
    return this.withMatcher((tx, ctx, matcher) => {
      const existing = tx.referral(input.id);
      if (existing !== undefined) {
        if (!sameRequest(input, existing)) {
          throw new DomainError('intake.conflict', `Referral ${input.id} was already taken in with different content.`, { referralId: input.id });
        }
        return { referral: existing, created: false, explanation: [] };
      }
      const outcome = placeReferral(input, matcher(), ctx);
      this.commit(tx, outcome);
      return { referral: outcome.referral, created: true, explanation: outcome.explanation };
    }, actor);
  }

  accept(referralId: string, assignmentId: string, actor: string): Promise<Referral> {
    return this.withMatcher((tx, ctx) => {
      const outcome = acceptAssignment(mustReferral(tx, referralId), assignmentId, ctx);
      this.commit(tx, outcome);
      return outcome.referral;
    }, actor);
  }

  /** Declines a part and reassigns it; returns the referral and where the part went. */
  decline(referralId: string, assignmentId: string, reason: DeclineReason, actor: string): Promise<Outcome> {
    return this.withMatcher((tx, ctx, matcher) => {
      const outcome = declineAssignment(mustReferral(tx, referralId), assignmentId, reason, matcher(), ctx);
      this.commit(tx, outcome);
      return outcome;
    }, actor);
  }

  /**
   * FastTrack operations move a part (offered or accepted) to the location with MPN ID `target`,
   * or with `auto` to matching's choice. The referral is read and changed in one transaction, so
   * of two concurrent moves of the same part exactly one succeeds; the other gets DomainError
   * `assignment.not-movable`.
   */
  reassign(referralId: string, assignmentId: string, target: string, actor: string): Promise<Outcome> {
    return this.withMatcher((tx, ctx, matcher) => {
      const referral = mustReferral(tx, referralId);
      const to = target === 'auto' ? ({ kind: 'auto', matcher } as const) : ({ kind: 'location', mpnId: target, location: tx.location(target) } as const);
      const outcome = reassignAssignment(referral, assignmentId, to, ctx);
      this.commit(tx, outcome);
      return outcome;
    }, actor);
  }

  /** The referral matched again on today's network, for `explain`; undefined for an unknown id. */
  explain(referralId: string): RecomputedMatch | undefined {
    const read = this.repo.read();
    const referral = read.referral(referralId);
    return referral === undefined ? undefined : recomputeMatch(read, referral, this.clock().toISOString().slice(0, 10));
  }

  expire(referralId: string, assignmentId: string, actor = 'system'): Promise<Referral> {
    return this.withMatcher((tx, ctx) => {
      const outcome = expireAssignment(mustReferral(tx, referralId), assignmentId, ctx);
      this.commit(tx, outcome);
      return outcome.referral;
    }, actor);
  }

  /** Pauses all referrals of a location until `until` (1 to 30 days), per the pause policy. */
  pause(mpnId: string, until: Date | string, actor: string): Promise<LocationRecord> {
    return this.repo.transaction((tx) => {
      const location = mustLocation(tx, mpnId);
      const now = this.clock().toISOString();
      const plan = planPause({
        now,
        current: location.pause,
        until,
        by: actor,
        previousPauseEndedAt: location.lastPauseEndedAt,
        settings: this.settings.pause,
      });
      const events: ProgramEvent[] = [];
      // A stored pause that ran out without expirePauses clearing it ended at 00:00 UTC on its
      // pausedUntil, not now: record it as expirePauses would have.
      const expired = plan.replacesExpired === null ? undefined : duePauseExpiries(now, [{ mpnId, pause: plan.replacesExpired }])[0];
      if (expired !== undefined) {
        events.push({ id: this.newId(), type: 'pause-expired', at: expired.endedAt, actor: 'system', mpnId });
      }
      const updated: LocationRecord = { ...location, pause: plan.state, lastPauseEndedAt: expired === undefined ? location.lastPauseEndedAt : expired.endedAt };
      events.push({ id: this.newId(), type: 'paused', at: now, actor, mpnId, until: plan.state.pausedUntil });
      tx.putLocation(updated);
      tx.appendEvents(events);
      return updated;
    });
  }

  resume(mpnId: string, actor: string): Promise<LocationRecord> {
    return this.repo.transaction((tx) => {
      const location = mustLocation(tx, mpnId);
      const now = this.clock().toISOString();
      planResume({ now, current: location.pause });
      const updated: LocationRecord = { ...location, pause: null, lastPauseEndedAt: now };
      tx.putLocation(updated);
      tx.appendEvents([{ id: this.newId(), type: 'resumed', at: now, actor, mpnId }]);
      return updated;
    });
  }

  /**
   * Ends every pause whose end has come, recording `pause-expired`. Pauses never extend silently:
   * after 30 days the location receives referrals again unless it leaves the program.
   */
  expirePauses(): Promise<string[]> {
    return this.repo.transaction((tx) => {
      const now = this.clock().toISOString();
      const due = duePauseExpiries(
        now,
        tx.locations().flatMap((l) => (l.pause === null ? [] : [{ mpnId: l.mpnId, pause: l.pause }])),
      );
      for (const d of due) {
        const l = mustLocation(tx, d.mpnId);
        tx.putLocation({ ...l, pause: null, lastPauseEndedAt: d.endedAt });
        tx.appendEvents([{ id: this.newId(), type: 'pause-expired', at: d.endedAt, actor: 'system', mpnId: d.mpnId }]);
      }
      return due.map((d) => d.mpnId);
    });
  }

  /** Acceptance rates computed from the event log, by the same code as `npm run acceptance`. */
  acceptance(asOf: Date = this.clock(), mpnIds?: readonly string[]): AcceptanceReport {
    const events = acceptanceEventsOf(this.repo.read().events(), mpnIds === undefined ? undefined : new Set(mpnIds));
    return computeAcceptance({ asOf: asOf.toISOString(), quarters: this.settings.quarters, target: this.settings.target, events });
  }
}
