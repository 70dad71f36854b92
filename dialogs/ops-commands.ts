import { authorize, type Action, type Principal } from '../domain/access/policy.ts';
import type { RoleAdmin } from '../domain/access/role-admin.ts';
import { isDomainError, type DomainError } from '../domain/errors.ts';
import type { FaqLog, FaqTopic, KnowledgeBase } from '../domain/faq/topic.ts';
import type { RecomputedMatch } from '../domain/referrals/explain-referral.ts';
import { isMovable } from '../domain/referrals/operations.ts';
import type { ReferralService } from '../domain/referrals/referral-service.ts';
import type { ProgramEvent, Referral, ReferralAssignment, Role, UserRecord } from '../domain/referrals/types.ts';
import { REASSIGN_USAGE, ROLE_USAGE, parseReassign, parseRole } from './ops-syntax.ts';
import type { RefusalLog } from './referral-commands.ts';

/** How many unanswered questions `unanswered` shows: the newest, as a to-do list. */
export const UNANSWERED_SHOWN = 20;

/** A question the bot could not answer, with the topics that came closest. */
export interface UnansweredItem {
  readonly text: string;
  readonly at: string;
  readonly closest: readonly FaqTopic[];
}

/** What an operations command produced; the bot layer renders it. */
export type OpsReply =
  | { readonly kind: 'refused'; readonly needed: string; readonly reason: string }
  | { readonly kind: 'problem'; readonly message: string }
  /** A domain rule refused the action; the bot says why from the error's code and details. */
  | { readonly kind: 'error'; readonly error: DomainError }
  | { readonly kind: 'referral'; readonly referral: Referral; readonly events: readonly ProgramEvent[] }
  | { readonly kind: 'explain'; readonly referral: Referral; readonly recomputed: RecomputedMatch; readonly sameAsStored: boolean }
  | { readonly kind: 'pick-part'; readonly referral: Referral; readonly parts: readonly ReferralAssignment[]; readonly target: string }
  | {
      readonly kind: 'reassigned';
      readonly referral: Referral;
      readonly moved: ReferralAssignment;
      readonly newParts: readonly ReferralAssignment[];
      readonly ftc: readonly string[];
      readonly explanation: readonly string[];
      readonly target: string;
      /** The state the part was in when it was moved. */
      readonly previousState: ReferralAssignment['state'];
      /** Who moved it: the caller's AAD object id. */
      readonly by: string;
    }
  | { readonly kind: 'already-moved'; readonly referral: Referral; readonly part: ReferralAssignment }
  | { readonly kind: 'unanswered'; readonly items: readonly UnansweredItem[] }
  | {
      readonly kind: 'role-changed';
      readonly verb: 'granted' | 'revoked';
      readonly user: UserRecord;
      readonly role: Role;
      readonly mpnId: string | null;
      readonly created: boolean;
      readonly replaced: Role | null;
    };

/** Records who changed what (role changes, reassignments); the bot passes its logger. */
export type AuditLog = (message: string, entry: Readonly<Record<string, string | null>>) => void;

/** What the operations commands work on; passed in by the composition root, nothing global. */
export interface OpsDependencies {
  readonly service: ReferralService;
  readonly roles: RoleAdmin;
  readonly faqLog: Pick<FaqLog, 'recentUnanswered'>;
  readonly knowledgeBase: KnowledgeBase;
  readonly logRefusal: RefusalLog;
  readonly audit: AuditLog;
}

const REFERRAL_ID = /\b(R-\d+)\b/i;

function movable(referral: Referral): ReferralAssignment[] {
  return referral.assignments.filter(isMovable);
}

/** Where the referral's work is now: the live parts' locations and workloads, in a comparable form. */
function placement(parts: ReadonlyArray<{ readonly mpnId: string; readonly workloads: readonly string[] }>): string {
  return parts
    .map((p) => `${p.mpnId}:${[...p.workloads].sort().join('+')}`)
    .sort()
    .join(',');
}

/**
 * The FastTrack operations commands: referral details and history, match explanations, manual
 * reassignment, unanswered FAQ questions and role management. Each one asks the access policy
 * first, with the caller's identity from the store; a refusal is logged and changes nothing.
 */
export class OpsCommands {
  constructor(private readonly deps: OpsDependencies) {}

  private refuse(p: Principal, action: Action): OpsReply | null {
    const d = authorize(p, action);
    if (d.allowed) return null;
    this.deps.logRefusal({ action, mpnId: null, userId: p.aadObjectId, reason: d.reason });
    return { kind: 'refused', needed: d.needed, reason: d.reason };
  }

  private referralIn(text: string, example: string): Referral | OpsReply {
    const id = REFERRAL_ID.exec(text)?.[1]?.toUpperCase();
    if (id === undefined) return { kind: 'problem', message: `Which referral? Add its id, for example \`${example}\`.` };
    return this.deps.service.read().referral(id) ?? { kind: 'problem', message: `There is no referral ${id}.` };
  }

  /** `referral <id>`: the stored facts and every event about the referral, oldest first. */
  referral(p: Principal, text: string): OpsReply {
    const refused = this.refuse(p, 'view-any-location');
    if (refused !== null) return refused;
    const referral = this.referralIn(text, 'referral R-1001');
    if ('kind' in referral) return referral;
    const events = this.deps.service
      .read()
      .events()
      .filter((e) => 'referralId' in e && e.referralId === referral.id)
      .sort((a, b) => a.at.localeCompare(b.at));
    return { kind: 'referral', referral, events };
  }

  /** `explain <id>`: the stored decision, and matching recomputed on today's network. */
  explain(p: Principal, text: string): OpsReply {
    const refused = this.refuse(p, 'explain-match');
    if (refused !== null) return refused;
    const referral = this.referralIn(text, 'explain R-1001');
    if ('kind' in referral) return referral;
    const recomputed = this.deps.service.explain(referral.id);
    if (recomputed === undefined) return { kind: 'problem', message: `There is no referral ${referral.id}.` };
    const sameAsStored = placement(recomputed.result.assignments) === placement(movable(referral));
    return { kind: 'explain', referral, recomputed, sameAsStored };
  }

  /** `reassign <id> [from <mpnId>] [to] <mpnId|auto>`. */
  async reassign(p: Principal, text: string): Promise<OpsReply> {
    const refused = this.refuse(p, 'reassign');
    if (refused !== null) return refused;
    const request = parseReassign(text);
    if (request === null) return { kind: 'problem', message: REASSIGN_USAGE };
    const referral = this.deps.service.read().referral(request.referralId);
    if (referral === undefined) return { kind: 'problem', message: `There is no referral ${request.referralId}.` };
    const candidates = movable(referral).filter((a) => request.from === null || a.mpnId === request.from);
    if (candidates.length === 0) {
      const states = referral.assignments.map((a) => `${a.mpnId} ${a.state}`).join(', ') || 'none';
      const whose = request.from === null ? '' : ` at ${request.from}`;
      return { kind: 'problem', message: `Referral ${referral.id} has no offered or accepted part${whose}, so there is nothing to move (its parts: ${states}).` };
    }
    const [only] = candidates;
    if (candidates.length > 1 || only === undefined) return { kind: 'pick-part', referral, parts: candidates, target: request.target };
    return this.move(p, referral, only, request.target);
  }

  /** From the part picker card: the card names the part; the rights come from the store. */
  async reassignPart(p: Principal, referralId: string, assignmentId: string, target: string): Promise<OpsReply> {
    const refused = this.refuse(p, 'reassign');
    if (refused !== null) return refused;
    const referral = this.deps.service.read().referral(referralId);
    const part = referral?.assignments.find((a) => a.id === assignmentId);
    if (referral === undefined || part === undefined) return { kind: 'problem', message: 'That referral part is no longer available.' };
    return this.move(p, referral, part, target);
  }

  private async move(p: Principal, referral: Referral, part: ReferralAssignment, target: string): Promise<OpsReply> {
    try {
      const before = new Set(referral.assignments.map((a) => a.id));
      const out = await this.deps.service.reassign(referral.id, part.id, target, p.aadObjectId);
      const moved = out.referral.assignments.find((a) => a.id === part.id) ?? part;
      const newParts = out.referral.assignments.filter((a) => !before.has(a.id));
      const event = out.events.find((e) => e.type === 'reassigned');
      const ftc = event?.type === 'reassigned' ? event.ftc : [];
      const previousState = event?.type === 'reassigned' && event.previousState !== undefined ? event.previousState : part.state;
      this.deps.audit('referral part reassigned', {
        by: p.aadObjectId,
        referralId: referral.id,
        assignmentId: part.id,
        from: part.mpnId,
        target,
        to: newParts.map((a) => a.mpnId).join(',') || null,
        ftc: ftc.join(',') || null,
      });
      return { kind: 'reassigned', referral: out.referral, moved, newParts, ftc, explanation: out.explanation, target, previousState, by: p.aadObjectId };
    } catch (err) {
      if (isDomainError(err, 'assignment.not-movable')) {
        // Someone else moved or answered it first: show what it is now instead of an error.
        const now = this.deps.service.read().referral(referral.id);
        const current = now?.assignments.find((a) => a.id === part.id);
        if (now !== undefined && current !== undefined) return { kind: 'already-moved', referral: now, part: current };
      }
      if (isDomainError(err)) return { kind: 'error', error: err };
      throw err;
    }
  }

  /** `unanswered`: the newest questions the bot could not answer, with the closest topics. */
  async unanswered(p: Principal): Promise<OpsReply> {
    const refused = this.refuse(p, 'list-unanswered');
    if (refused !== null) return refused;
    const questions = await this.deps.faqLog.recentUnanswered(UNANSWERED_SHOWN);
    const topic = (id: string): FaqTopic[] => {
      const t = this.deps.knowledgeBase.topic(id);
      return t === undefined ? [] : [t];
    };
    return { kind: 'unanswered', items: questions.map((q) => ({ text: q.text, at: q.at, closest: q.closest.flatMap(topic) })) };
  }

  /** `role grant|revoke <aadObjectId> <role> [mpnId]`, in the caller's tenant. */
  async role(p: Principal, text: string): Promise<OpsReply> {
    const refused = this.refuse(p, 'manage-roles');
    if (refused !== null) return refused;
    const request = parseRole(text);
    if (request === null) return { kind: 'problem', message: ROLE_USAGE };
    const subject = { tenantId: p.tenantId, aadObjectId: request.aadObjectId };
    try {
      const change =
        request.verb === 'grant'
          ? await this.deps.roles.grant(subject, request.role, request.mpnId)
          : await this.deps.roles.revoke(subject, request.role, request.mpnId, { tenantId: p.tenantId, aadObjectId: p.aadObjectId });
      const verb = request.verb === 'grant' ? 'granted' : 'revoked';
      this.deps.audit(`role ${verb}`, {
        by: p.aadObjectId,
        tenantId: p.tenantId,
        aadObjectId: request.aadObjectId,
        role: request.role,
        mpnId: request.mpnId,
        replaced: change.replaced,
        created: change.created ? 'yes' : 'no',
      });
      return { kind: 'role-changed', verb, user: change.user, role: request.role, mpnId: request.mpnId, created: change.created, replaced: change.replaced };
    } catch (err) {
      if (isDomainError(err, 'role.self-revoke')) this.deps.logRefusal({ action: 'manage-roles', mpnId: null, userId: p.aadObjectId, reason: err.message });
      if (isDomainError(err)) return { kind: 'error', error: err };
      throw err;
    }
  }
}
