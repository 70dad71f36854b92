import { authorize, type Action, type Principal } from '../domain/access/policy.ts';
import { previousQuarter, quarterContaining, parseQuarterLabel } from '../domain/acceptance/index.ts';
import type { AcceptanceRow } from '../domain/acceptance/types.ts';
import { isDomainError, type DomainError } from '../domain/errors.ts';
import { planPause } from '../domain/pause/index.ts';
import type { ReferralService } from '../domain/referrals/referral-service.ts';
import type { DeclineReason, LocationRecord, Referral, ReferralAssignment } from '../domain/referrals/types.ts';
import { declineReasonIn } from './decline-reason.ts';
import { chooseLocation } from './location-choice.ts';
import { parsePauseEnd } from './pause-period.ts';
import { MS_PER_DAY } from '../domain/calendar.ts';

export const PAGE_SIZE = 5;
/** How long a pause confirmation stays valid. */
export const CONFIRM_TTL_MS = 10 * 60_000;

export interface PendingItem {
  readonly referral: Referral;
  readonly part: ReferralAssignment;
  readonly ageDays: number;
}

/** What a location command produced; the bot layer renders it. */
export type CommandReply =
  | { readonly kind: 'refused'; readonly needed: string; readonly reason: string }
  | { readonly kind: 'guest'; readonly command: string }
  | { readonly kind: 'pick-location'; readonly command: string; readonly locations: readonly LocationRecord[] }
  | { readonly kind: 'problem'; readonly message: string }
  /** A domain rule refused the action; the bot says why from the error's code and details. */
  | { readonly kind: 'error'; readonly error: DomainError }
  | { readonly kind: 'pending'; readonly location: LocationRecord; readonly items: readonly PendingItem[]; readonly page: number; readonly pages: number; readonly total: number }
  | { readonly kind: 'already-answered'; readonly referral: Referral; readonly part: ReferralAssignment }
  | { readonly kind: 'accepted'; readonly referral: Referral; readonly parts: readonly ReferralAssignment[]; readonly byName: string }
  | { readonly kind: 'ask-decline-reason'; readonly referral: Referral; readonly part: ReferralAssignment }
  | {
      readonly kind: 'declined';
      readonly referral: Referral;
      readonly declined: ReferralAssignment;
      readonly newParts: readonly ReferralAssignment[];
      readonly ftc: readonly string[];
      readonly explanation: readonly string[];
    }
  | {
      readonly kind: 'acceptance';
      readonly location: LocationRecord;
      readonly quarter: string;
      readonly current: AcceptanceRow | null;
      readonly previousQuarter: string;
      readonly previous: AcceptanceRow | null;
      readonly target: number;
    }
  | { readonly kind: 'confirm-pause'; readonly location: LocationRecord; readonly until: string; readonly days: number; readonly issuedAt: string }
  | { readonly kind: 'ask-pause-period'; readonly location: LocationRecord }
  | { readonly kind: 'paused'; readonly location: LocationRecord }
  | { readonly kind: 'resumed'; readonly location: LocationRecord }
  | { readonly kind: 'status'; readonly location: LocationRecord };

type Resolved = { readonly ok: true; readonly location: LocationRecord } | { readonly ok: false; readonly reply: CommandReply };

const REFERRAL_ID = /\b(R-\d+)\b/i;

/** Logs refusals; the bot passes its logger. */
export type RefusalLog = (entry: { action: Action; mpnId: string | null; userId: string; reason: string }) => void;

/**
 * The partner and admin commands: pending, accept, decline, acceptance rate, pause, resume,
 * status. Every command resolves the location, then asks the access policy, with the caller's
 * identity from the server's records; a card payload can name a referral but never grants rights.
 */
export class ReferralCommands {
  constructor(
    private readonly service: ReferralService,
    private readonly now: () => Date,
    private readonly logRefusal: RefusalLog,
  ) {}

  private refuse(principal: Principal, action: Action, mpnId: string | null): CommandReply | null {
    const d = authorize(principal, action, mpnId ?? undefined);
    if (d.allowed) return null;
    this.logRefusal({ action, mpnId, userId: principal.aadObjectId, reason: d.reason });
    return { kind: 'refused', needed: d.needed, reason: d.reason };
  }

  private resolve(principal: Principal, text: string, command: string, action: Action): Resolved {
    const choice = chooseLocation(principal, text);
    if (choice.kind === 'guest') return { ok: false, reply: { kind: 'guest', command } };
    if (choice.kind === 'ask-operations') {
      // Operations may look at any location but answer or pause none: say so before asking which.
      const refused = this.refuse(principal, action, null);
      if (refused !== null) return { ok: false, reply: refused };
      return { ok: false, reply: { kind: 'problem', message: `Which location? Add its MPN ID, for example \`${command} 4100001\`.` } };
    }
    const read = this.service.read();
    if (choice.kind === 'pick') {
      const locations = choice.mpnIds.flatMap((m) => read.location(m) ?? []);
      return { ok: false, reply: { kind: 'pick-location', command, locations } };
    }
    const refused = this.refuse(principal, action, choice.mpnId);
    if (refused !== null) return { ok: false, reply: refused };
    const location = read.location(choice.mpnId);
    if (location === undefined) return { ok: false, reply: { kind: 'problem', message: `There is no location with MPN ID ${choice.mpnId}.` } };
    return { ok: true, location };
  }

  pending(principal: Principal, text: string): CommandReply {
    const r = this.resolve(principal, text, 'pending', 'view-location');
    if (!r.ok) return r.reply;
    const now = this.now().getTime();
    const all = this.service.pendingFor(r.location.mpnId).map((x) => ({ ...x, ageDays: Math.floor((now - Date.parse(x.part.offeredAt)) / MS_PER_DAY) }));
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    const asked = Number(/\bpage\s+(\d+)\b/i.exec(text)?.[1] ?? '1');
    const page = Math.min(Math.max(1, asked), pages);
    return { kind: 'pending', location: r.location, items: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), page, pages, total: all.length };
  }

  private offeredParts(referral: Referral, mpnId: string): ReferralAssignment[] {
    return referral.assignments.filter((a) => a.mpnId === mpnId && a.state === 'offered');
  }

  private referralFor(text: string): Referral | CommandReply {
    const id = REFERRAL_ID.exec(text)?.[1]?.toUpperCase();
    if (id === undefined) return { kind: 'problem', message: 'Which referral? Add its id, for example `accept R-1001`.' };
    const referral = this.service.read().referral(id);
    return referral ?? { kind: 'problem', message: `There is no referral ${id}.` };
  }

  async accept(principal: Principal, text: string): Promise<CommandReply> {
    const r = this.resolve(principal, text.replace(REFERRAL_ID, ''), 'accept', 'answer-offer');
    if (!r.ok) return r.reply;
    const referral = this.referralFor(text);
    if ('kind' in referral) return referral;
    const parts = this.offeredParts(referral, r.location.mpnId);
    if (parts.length === 0) return this.notWaiting(referral, r.location);
    return this.acceptParts(principal, referral, parts);
  }

  /** From a card: the part named by the card, checked against the caller's own rights. */
  async acceptPart(principal: Principal, referralId: string, assignmentId: string): Promise<CommandReply> {
    const found = this.part(referralId, assignmentId);
    if ('kind' in found) return found;
    const refused = this.refuse(principal, 'answer-offer', found.part.mpnId);
    if (refused !== null) return refused;
    if (found.part.state !== 'offered') return { kind: 'already-answered', referral: found.referral, part: found.part };
    return this.acceptParts(principal, found.referral, [found.part]);
  }

  private async acceptParts(principal: Principal, referral: Referral, parts: readonly ReferralAssignment[]): Promise<CommandReply> {
    try {
      let latest = referral;
      for (const p of parts) latest = await this.service.accept(referral.id, p.id, principal.aadObjectId);
      const accepted = latest.assignments.filter((a) => parts.some((p) => p.id === a.id));
      return { kind: 'accepted', referral: latest, parts: accepted, byName: principal.user?.name ?? 'you' };
    } catch (err) {
      return this.answeredMeanwhile(err, referral.id, parts[0]?.id) ?? this.problemOf(err);
    }
  }

  /** Two people clicked at once: the loser sees the winner's answer, not an error. */
  private answeredMeanwhile(err: unknown, referralId: string, assignmentId: string | undefined): CommandReply | undefined {
    if (!isDomainError(err, 'assignment.not-offered') || assignmentId === undefined) return undefined;
    const referral = this.service.read().referral(referralId);
    const part = referral?.assignments.find((a) => a.id === assignmentId);
    return referral === undefined || part === undefined ? undefined : { kind: 'already-answered', referral, part };
  }

  private notWaiting(referral: Referral, location: LocationRecord | undefined): CommandReply {
    const mine = referral.assignments.filter((a) => a.mpnId === location?.mpnId);
    const last = mine[mine.length - 1];
    const detail = last === undefined ? 'was not offered to this location' : `was already ${last.state}${last.answeredAt === null ? '' : ` on ${last.answeredAt.slice(0, 10)}`}`;
    return { kind: 'problem', message: `Referral ${referral.id} ${detail}, so there is nothing to answer.` };
  }

  private part(referralId: string, assignmentId: string): { referral: Referral; part: ReferralAssignment } | CommandReply {
    const referral = this.service.read().referral(referralId);
    const part = referral?.assignments.find((a) => a.id === assignmentId);
    if (referral === undefined || part === undefined) return { kind: 'problem', message: 'That referral is no longer available.' };
    return { referral, part };
  }

  async decline(principal: Principal, text: string): Promise<CommandReply> {
    const r = this.resolve(principal, text.replace(REFERRAL_ID, ''), 'decline', 'answer-offer');
    if (!r.ok) return r.reply;
    const referral = this.referralFor(text);
    if ('kind' in referral) return referral;
    const part = this.offeredParts(referral, r.location.mpnId)[0];
    if (part === undefined) return this.notWaiting(referral, r.location);
    const afterId = text.slice((REFERRAL_ID.exec(text)?.index ?? 0) + (REFERRAL_ID.exec(text)?.[0].length ?? 0));
    const reason = declineReasonIn(afterId.replace(/\b\d{5,10}\b/, ''));
    if (reason === undefined) return { kind: 'ask-decline-reason', referral, part };
    return this.declineParts(principal, referral, part, reason);
  }

  async declinePart(principal: Principal, referralId: string, assignmentId: string, reason: DeclineReason | undefined): Promise<CommandReply> {
    const found = this.part(referralId, assignmentId);
    if ('kind' in found) return found;
    const refused = this.refuse(principal, 'answer-offer', found.part.mpnId);
    if (refused !== null) return refused;
    if (found.part.state !== 'offered') return { kind: 'already-answered', referral: found.referral, part: found.part };
    if (reason === undefined) return { kind: 'ask-decline-reason', referral: found.referral, part: found.part };
    return this.declineParts(principal, found.referral, found.part, reason);
  }

  private async declineParts(principal: Principal, referral: Referral, part: ReferralAssignment, reason: DeclineReason): Promise<CommandReply> {
    try {
      const before = new Set(referral.assignments.map((a) => a.id));
      const out = await this.service.decline(referral.id, part.id, reason, principal.aadObjectId);
      const declined = out.referral.assignments.find((a) => a.id === part.id) ?? part;
      const newParts = out.referral.assignments.filter((a) => !before.has(a.id));
      const lastFtc = out.referral.ftc[out.referral.ftc.length - 1];
      const ftc = lastFtc !== undefined && lastFtc.at === declined.answeredAt ? lastFtc.workloads : [];
      return { kind: 'declined', referral: out.referral, declined, newParts, ftc, explanation: out.explanation };
    } catch (err) {
      return this.answeredMeanwhile(err, referral.id, part.id) ?? this.problemOf(err);
    }
  }

  acceptanceRate(principal: Principal, text: string): CommandReply {
    const r = this.resolve(principal, text.replace(/\bFY\d{2}-Q[1-4]\b|\b\d{4}-Q[1-4]\b/i, ''), 'acceptance rate', 'view-location');
    if (!r.ok) return r.reply;
    const scheme = this.service.quarterScheme;
    const label = /\b(FY\d{2}-Q[1-4]|\d{4}-Q[1-4])\b/i.exec(text)?.[1]?.toUpperCase();
    const quarter = label === undefined ? quarterContaining(this.now(), scheme) : parseQuarterLabel(label, scheme);
    if (quarter === null) return { kind: 'problem', message: `I don't know the quarter "${label ?? ''}". Use a label like ${quarterContaining(this.now(), scheme).label}.` };
    const previous = previousQuarter(quarter);
    const report = this.service.acceptance(this.now(), [r.location.mpnId]);
    const row = (q: string) => report.rates.find((x) => x.quarter === q) ?? null;
    return { kind: 'acceptance', location: r.location, quarter: quarter.label, current: row(quarter.label), previousQuarter: previous.label, previous: row(previous.label), target: this.service.acceptanceTarget };
  }

  pause(principal: Principal, text: string): CommandReply {
    const r = this.resolve(principal, text, 'pause', 'pause-location');
    if (!r.ok) return r.reply;
    const period = parsePauseEnd(text.replace(/\b\d{5,10}\b/, ''), this.now());
    if (!period.ok) return { kind: 'ask-pause-period', location: r.location };
    return this.planned(principal, r.location, period.until);
  }

  private planned(principal: Principal, location: LocationRecord, until: string): CommandReply {
    try {
      const plan = planPause({ now: this.now(), current: location.pause, until, by: principal.aadObjectId, previousPauseEndedAt: location.lastPauseEndedAt });
      return { kind: 'confirm-pause', location, until: plan.state.pausedUntil, days: plan.days, issuedAt: this.now().toISOString() };
    } catch (err) {
      return this.problemOf(err);
    }
  }

  /** The admin confirmed on the card; everything is checked again, as of now. */
  async confirmPause(principal: Principal, mpnId: string, until: string, issuedAt: string): Promise<CommandReply> {
    const refused = this.refuse(principal, 'pause-location', mpnId);
    if (refused !== null) return refused;
    const issued = Date.parse(issuedAt);
    if (Number.isNaN(issued) || this.now().getTime() - issued > CONFIRM_TTL_MS) {
      return { kind: 'problem', message: 'That confirmation has expired (after 10 minutes). Type **pause** again to start over.' };
    }
    try {
      const location = await this.service.pause(mpnId, until, principal.aadObjectId);
      return { kind: 'paused', location };
    } catch (err) {
      return this.problemOf(err);
    }
  }

  async resume(principal: Principal, text: string): Promise<CommandReply> {
    const r = this.resolve(principal, text, 'resume', 'pause-location');
    if (!r.ok) return r.reply;
    try {
      return { kind: 'resumed', location: await this.service.resume(r.location.mpnId, principal.aadObjectId) };
    } catch (err) {
      return this.problemOf(err);
    }
  }

  status(principal: Principal, text: string): CommandReply {
    const r = this.resolve(principal, text, 'status', 'view-location');
    if (!r.ok) return r.reply;
    return { kind: 'status', location: r.location };
  }

  private problemOf(err: unknown): CommandReply {
    if (isDomainError(err)) return { kind: 'error', error: err };
    throw err;
  }
}
