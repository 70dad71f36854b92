import { authorize, isOperations, locationsOf, type Action, type Principal } from '../domain/access/policy.ts';
import { previousQuarter, quarterContaining } from '../domain/acceptance/index.ts';
import { isDomainError } from '../domain/errors.ts';
import type { OutboxEntry } from '../domain/notifications/types.ts';
import type { ReferralService } from '../domain/referrals/referral-service.ts';
import type { ProgramReadModel } from '../domain/referrals/repository.ts';
import { DECLINE_REASONS, type DeclineReasonCode, type LocationRecord } from '../domain/referrals/types.ts';

/** How many past quarters the chart shows besides the current one. */
export const PAST_QUARTERS = 4;
export const RECENT_NOTIFICATIONS = 10;

export type TabResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 409; readonly code: 'BadRequest' | 'Forbidden' | 'NotFound' | 'Conflict'; readonly message: string };

export interface LocationSummary {
  readonly mpnId: string;
  readonly name: string;
  readonly country: string;
  readonly status: LocationRecord['status'];
  /** The pause, with the name of the admin who set it (the page shows names, not ids). */
  readonly pause: (NonNullable<LocationRecord['pause']> & { readonly pausedByName: string | null }) | null;
}

export interface QuarterFigures {
  readonly quarter: string;
  readonly rate: number | null;
  readonly accepted: number;
  readonly declined: number;
  readonly expired: number;
  readonly pending: number;
  readonly meetsTarget: boolean | null;
  readonly acceptNeeded: number | null;
}

export interface LocationView {
  readonly location: LocationSummary;
  readonly role: 'member' | 'admin' | 'operations';
  readonly canPause: boolean;
  readonly pending: ReadonlyArray<{
    readonly referralId: string;
    readonly assignmentId: string;
    readonly customerName: string;
    readonly type: string;
    readonly workloads: readonly string[];
    readonly seats: number;
    readonly offeredAt: string;
  }>;
  readonly acceptance: { readonly target: number; readonly quarters: readonly QuarterFigures[] };
  readonly notifications: ReadonlyArray<{ readonly kind: string; readonly at: string; readonly state: string; readonly text: string }>;
}

export interface MeView {
  readonly user: { readonly name: string; readonly aadObjectId: string; readonly tenantId: string };
  readonly operations: boolean;
  readonly locations: ReadonlyArray<{ readonly mpnId: string; readonly name: string; readonly role: 'member' | 'admin' }>;
}

/** The notifications a location was sent, newest first; the outbox implements it. */
export interface NotificationHistory {
  recentFor(mpnId: string, limit: number): readonly OutboxEntry[];
}

const TARGET = 0.8;

function summary(l: LocationRecord, read: ProgramReadModel): LocationSummary {
  const pause = l.pause === null ? null : { ...l.pause, pausedByName: read.users().find((u) => u.aadObjectId === l.pause?.pausedBy)?.name ?? null };
  return { mpnId: l.mpnId, name: l.name, country: l.country, status: l.status, pause };
}

function notificationText(e: OutboxEntry): string {
  const d = e.data;
  switch (d.kind) {
    case 'referral-offered':
      return `New referral ${d.referralId}`;
    case 'referral-reassigned-to-you':
      return `Referral ${d.referralId} reassigned to you`;
    case 'part-reassigned':
      return `Your part of ${d.referralId} went to ${[...d.to, ...(d.ftc.length > 0 ? ['the FastTrack Center'] : [])].join(', ') || 'nobody'}`;
    case 'pause-ending':
      return `Pause ends on ${d.pausedUntil}`;
    case 'pause-ended':
      return 'Pause ended; referrals resumed';
    case 'acceptance-below-target':
      return `Acceptance rate ${(d.rate * 100).toFixed(1)}% in ${d.quarter}, below target`;
  }
}

/**
 * What the dashboard tab shows and does, for one signed-in principal: the same services and the
 * same access policy as the bot's commands, shaped for a page instead of a card.
 */
export class Dashboard {
  constructor(
    private readonly service: ReferralService,
    private readonly history: NotificationHistory,
    private readonly now: () => Date,
  ) {}

  private refused<T>(p: Principal, action: Action, mpnId: string | undefined): TabResult<T> | null {
    const d = authorize(p, action, mpnId);
    return d.allowed ? null : { ok: false, status: 403, code: 'Forbidden', message: `This needs ${d.needed}. ${d.reason}` };
  }

  private failure<T>(err: unknown): TabResult<T> {
    if (isDomainError(err)) {
      if (err.code.endsWith('not-found')) return { ok: false, status: 404, code: 'NotFound', message: err.message };
      if (err.code === 'assignment.not-offered' || err.code === 'pause.not-paused') return { ok: false, status: 409, code: 'Conflict', message: err.message };
      return { ok: false, status: 400, code: 'BadRequest', message: err.message };
    }
    throw err;
  }

  me(p: Principal): MeView {
    const read = this.service.read();
    return {
      user: { name: p.user?.name ?? 'Guest', aadObjectId: p.aadObjectId, tenantId: p.tenantId },
      operations: isOperations(p),
      locations: locationsOf(p).flatMap((l) => {
        const location = read.location(l.mpnId);
        return location === undefined ? [] : [{ mpnId: l.mpnId, name: location.name, role: l.role }];
      }),
    };
  }

  location(p: Principal, mpnId: string): TabResult<LocationView> {
    const refused = this.refused<LocationView>(p, 'view-location', mpnId);
    if (refused !== null) return refused;
    const location = this.service.read().location(mpnId);
    if (location === undefined) return { ok: false, status: 404, code: 'NotFound', message: `There is no location with MPN ID ${mpnId}.` };
    const held = locationsOf(p).find((l) => l.mpnId === mpnId)?.role;
    return {
      ok: true,
      value: {
        location: summary(location, this.service.read()),
        role: held ?? 'operations',
        canPause: authorize(p, 'pause-location', mpnId).allowed,
        pending: this.service.pendingFor(mpnId).map(({ referral, part }) => ({
          referralId: referral.id,
          assignmentId: part.id,
          customerName: referral.customer.name,
          type: referral.type,
          workloads: part.workloads,
          seats: referral.customer.seats,
          offeredAt: part.offeredAt,
        })),
        acceptance: { target: TARGET, quarters: this.quarters(mpnId) },
        notifications: this.history.recentFor(mpnId, RECENT_NOTIFICATIONS).map((e) => ({ kind: e.data.kind, at: e.createdAt, state: e.state, text: notificationText(e) })),
      },
    };
  }

  /** The last PAST_QUARTERS quarters and the current one, oldest first; quarters without offers read zero. */
  private quarters(mpnId: string): QuarterFigures[] {
    const now = this.now();
    const rows = this.service.acceptance(now, [mpnId]).rates;
    const labels: string[] = [];
    let q = quarterContaining(now, this.service.quarterScheme);
    for (let i = 0; i <= PAST_QUARTERS; i++) {
      labels.unshift(q.label);
      q = previousQuarter(q);
    }
    return labels.map((label) => {
      const r = rows.find((x) => x.quarter === label);
      return r === undefined
        ? { quarter: label, rate: null, accepted: 0, declined: 0, expired: 0, pending: 0, meetsTarget: null, acceptNeeded: null }
        : { quarter: label, rate: r.rate, accepted: r.accepted, declined: r.declined, expired: r.expired, pending: r.pending, meetsTarget: r.meetsTarget, acceptNeeded: r.acceptNeeded };
    });
  }

  async pause(p: Principal, mpnId: string, until: string): Promise<TabResult<LocationSummary>> {
    const refused = this.refused<LocationSummary>(p, 'pause-location', mpnId);
    if (refused !== null) return refused;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) return { ok: false, status: 400, code: 'BadRequest', message: 'until must be a date like 2026-12-15.' };
    try {
      return { ok: true, value: summary(await this.service.pause(mpnId, until, p.aadObjectId), this.service.read()) };
    } catch (err) {
      return this.failure(err);
    }
  }

  async resume(p: Principal, mpnId: string): Promise<TabResult<LocationSummary>> {
    const refused = this.refused<LocationSummary>(p, 'pause-location', mpnId);
    if (refused !== null) return refused;
    try {
      return { ok: true, value: summary(await this.service.resume(mpnId, p.aadObjectId), this.service.read()) };
    } catch (err) {
      return this.failure(err);
    }
  }

  /** The part named in the URL is looked up; rights are checked on the location that holds it. */
  private partOf(referralId: string, assignmentId: string): { mpnId: string } | undefined {
    const part = this.service
      .read()
      .referral(referralId)
      ?.assignments.find((a) => a.id === assignmentId);
    return part === undefined ? undefined : { mpnId: part.mpnId };
  }

  async accept(p: Principal, referralId: string, assignmentId: string): Promise<TabResult<{ state: 'accepted' }>> {
    const part = this.partOf(referralId, assignmentId);
    if (part === undefined) return { ok: false, status: 404, code: 'NotFound', message: `Referral ${referralId} has no part ${assignmentId}.` };
    const refused = this.refused<{ state: 'accepted' }>(p, 'answer-offer', part.mpnId);
    if (refused !== null) return refused;
    try {
      await this.service.accept(referralId, assignmentId, p.aadObjectId);
      return { ok: true, value: { state: 'accepted' } };
    } catch (err) {
      return this.failure(err);
    }
  }

  async decline(
    p: Principal,
    referralId: string,
    assignmentId: string,
    reason: { code: string; text: string | null },
  ): Promise<TabResult<{ state: 'declined'; reassignedTo: readonly string[]; ftc: readonly string[] }>> {
    const part = this.partOf(referralId, assignmentId);
    if (part === undefined) return { ok: false, status: 404, code: 'NotFound', message: `Referral ${referralId} has no part ${assignmentId}.` };
    const refused = this.refused<{ state: 'declined'; reassignedTo: readonly string[]; ftc: readonly string[] }>(p, 'answer-offer', part.mpnId);
    if (refused !== null) return refused;
    const code = DECLINE_REASONS.find((r) => r === reason.code);
    if (code === undefined) return { ok: false, status: 400, code: 'BadRequest', message: `reason must be one of ${DECLINE_REASONS.join(', ')}.` };
    try {
      const outcome = await this.service.decline(referralId, assignmentId, { code: code satisfies DeclineReasonCode, text: reason.text }, p.aadObjectId);
      const moved = outcome.events.find((e) => e.type === 'reassigned');
      return {
        ok: true,
        value: { state: 'declined', reassignedTo: moved?.type === 'reassigned' ? moved.to : [], ftc: moved?.type === 'reassigned' ? moved.ftc : [] },
      };
    } catch (err) {
      return this.failure(err);
    }
  }
}
