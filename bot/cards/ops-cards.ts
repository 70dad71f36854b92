import { DECLINE_REASON_LABELS } from '../../dialogs/decline-reason.ts';
import type { OpsReply } from '../../dialogs/ops-commands.ts';
import type { ProgramEvent, Referral, ReferralAssignment } from '../../domain/referrals/types.ts';
import type { Names } from '../names.ts';
import { sayError } from '../error-table.ts';
import { actionSet, askButton, card, container, executeButton, facts, heading, text, type AdaptiveCard, type CardElement } from './adaptive.ts';

/** Card actions of the operations commands. */
export const OPS_VERBS = { reassign: 'ops.reassign' } as const;

type Of<K extends OpsReply['kind']> = Extract<OpsReply, { kind: K }>;

/** Operations read exact times: `YYYY-MM-DD HH:MM UTC`. */
function when(iso: string | null): string {
  return iso === null ? '–' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const BASIS: Readonly<Record<ReferralAssignment['basis'], string>> = {
  'cpor-claim': 'CPOR claim',
  'round-robin': 'round robin',
  manual: 'manual (FastTrack operations)',
};

function bullets(lines: readonly string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

function reasonOf(part: Pick<ReferralAssignment, 'declineReason'>): string {
  const r = part.declineReason;
  return r === null ? '–' : `${DECLINE_REASON_LABELS[r.code]}${r.text === null || r.text === '' ? '' : ` (${r.text})`}`;
}

function partBlock(part: ReferralAssignment, names: Names): CardElement {
  return container([
    text(`**${names.location(part.mpnId)}** · ${part.workloads.join(', ')}`),
    facts([
      ['State', part.state],
      ['Basis', BASIS[part.basis]],
      ['Offered', when(part.offeredAt)],
      ['Answered', part.answeredAt === null ? '–' : `${when(part.answeredAt)} by ${names.actor(part.answeredBy ?? '')}`],
      ...(part.declineReason === null ? [] : [['Decline reason', reasonOf(part)] as const]),
    ]),
  ]);
}

function ftcLines(referral: Referral): string[] {
  return referral.ftc.map((f) => `FastTrack Center: ${f.workloads.join(', ')} (${when(f.at)})`);
}

function customerFacts(referral: Referral): CardElement {
  const c = referral.customer;
  return facts([
    ['Customer', `${c.name} (${c.country}, ${c.language}, ${c.seats} seats, ${c.industry})`],
    ['Type', referral.type],
    ['Workloads', referral.workloads.join(', ')],
    ['Created', when(referral.createdAt)],
    ...(c.cporClaims.length === 0 ? [] : [['CPOR claims', c.cporClaims.map((x) => `${x.mpnId} (${x.workload})`).join(', ')] as const]),
  ]);
}

function eventLine(e: ProgramEvent, names: Names): string {
  const where = names.location(e.mpnId);
  const by = ` · by ${names.actor(e.actor)}`;
  switch (e.type) {
    case 'offered':
      return `${when(e.at)} · offered to ${where}: ${e.workloads.join(', ')}${by}`;
    case 'accepted':
      return `${when(e.at)} · accepted by ${where}${by}`;
    case 'declined':
      return `${when(e.at)} · declined by ${where}: ${reasonOf({ declineReason: e.reason })}${by}`;
    case 'expired':
      return `${when(e.at)} · expired at ${where}${by}`;
    case 'reassigned': {
      const to = [...e.to.map(names.location), ...(e.ftc.length > 0 ? [`FastTrack Center (${e.ftc.join(', ')})`] : [])];
      const how = e.previousState === undefined ? 'after the decline' : `by operations (was ${e.previousState})`;
      return `${when(e.at)} · ${e.workloads.join(', ')} moved from ${where} to ${to.join(', ') || 'nobody'} ${how}${by}`;
    }
    default:
      return `${when(e.at)} · ${e.type} at ${where}${by}`;
  }
}

/** `referral <id>`: everything operations need to answer a question about one referral. */
export function referralDetailsCard(r: Of<'referral'>, names: Names): AdaptiveCard {
  const ftc = ftcLines(r.referral);
  return card(
    [
      heading(`Referral ${r.referral.id}`),
      customerFacts(r.referral),
      text('Parts', { subtle: true, separator: true }),
      ...r.referral.assignments.map((p) => partBlock(p, names)),
      ...(r.referral.assignments.length === 0 ? [text('No location was offered a part.')] : []),
      ...(ftc.length > 0 ? [text(bullets(ftc))] : []),
      text('History, oldest first', { subtle: true, separator: true }),
      text(r.events.length === 0 ? 'No events recorded.' : bullets(r.events.map((e) => eventLine(e, names)))),
    ],
    [askButton('Explain the match', `explain ${r.referral.id}`)],
  );
}

/** Explanation lines read `mpnId: reason`; the location's name is added where the store knows it. */
function namedLine(line: string, names: Names): string {
  const m = /^(\d{5,10}): (.*)$/.exec(line);
  return m === null ? line : `${names.location(m[1] ?? '')}: ${m[2] ?? ''}`;
}

/** `explain <id>`: the stored facts first, then today's recomputation, clearly labelled as such. */
export function explainCard(r: Of<'explain'>, names: Names): AdaptiveCard {
  const { result, asOf, exclude } = r.recomputed;
  const stored = r.referral.assignments.map((a) => `${names.location(a.mpnId)}: ${a.workloads.join(', ')} · ${a.state} · ${BASIS[a.basis]}`);
  const chosen = [
    ...result.assignments.map((a) => `${names.location(a.mpnId)}: ${a.workloads.join(', ')} (${BASIS[a.basis]})`),
    ...(result.ftc.length > 0 ? [`FastTrack Center: ${result.ftc.join(', ')}`] : []),
  ];
  return card([
    heading(`Why referral ${r.referral.id} went where it did`),
    text(`${r.referral.customer.name} · ${r.referral.customer.country} · ${r.referral.type} · ${r.referral.workloads.join(', ')}`),
    text('What happened (stored)', { subtle: true, separator: true }),
    text(bullets([...stored, ...ftcLines(r.referral)]) || 'No part was offered.'),
    container(
      [
        text(
          `⚠️ The explanation below is **recomputed today (${asOf}) on today's network**, not replayed: pauses, endorsements and round-robin counters may have changed since the referral was matched.`,
        ),
        text(r.sameAsStored ? "Today's result matches where the referral's work is now." : "Today's result differs from where the referral's work is now."),
      ],
      'warning',
    ),
    text('Matching today would choose', { subtle: true }),
    text(bullets(chosen) || 'Nobody: everything would go to the FastTrack Center.'),
    ...(exclude.length > 0 ? [text(`Left out because they declined this referral: ${exclude.map(names.location).join(', ')}.`)] : []),
    text('Locations left out, and why', { subtle: true }),
    text(result.explanation.length === 0 ? 'No other location.' : bullets(result.explanation.map((l) => namedLine(l, names)))),
  ]);
}

/** Several parts could be moved: one button per part, so the move is never a guess. */
export function pickPartCard(r: Of<'pick-part'>, names: Names): AdaptiveCard {
  const to = r.target === 'auto' ? "matching's choice" : names.location(r.target);
  return card([
    heading(`Which part of ${r.referral.id}?`),
    text(`It has ${r.parts.length} parts that can be moved. Choose the one to move to ${to}, or type **reassign ${r.referral.id} from <MPN ID> to ${r.target}**.`),
    actionSet(
      r.parts.map((p) =>
        executeButton(`${names.location(p.mpnId)}: ${p.workloads.join(', ')} (${p.state})`, OPS_VERBS.reassign, { referralId: r.referral.id, assignmentId: p.id, target: r.target }),
      ),
    ),
  ]);
}

/** Where the moved part went, and (for `auto`) why the others were not chosen. */
export function reassignedCard(r: Of<'reassigned'>, names: Names): AdaptiveCard {
  const went = [
    ...r.newParts.map((p) => `${names.location(p.mpnId)}: ${p.workloads.join(', ')} (${BASIS[p.basis]}), offered and waiting for an answer`),
    ...(r.ftc.length > 0 ? [`FastTrack Center: ${r.ftc.join(', ')}`] : []),
  ];
  const why = r.explanation.slice(0, 8).map((l) => namedLine(l, names));
  return card([
    heading(`Referral ${r.referral.id} reassigned`),
    text(
      `The part ${r.moved.workloads.join(', ')} held by ${names.location(r.moved.mpnId)} (${r.previousState}) was moved by ${names.actor(r.by)}${r.target === 'auto' ? " to matching's choice" : ''}.`,
    ),
    text(went.length > 0 ? `It went to:\n\n${bullets(went)}` : 'No location could take it.'),
    ...(why.length > 0 ? [text(`Why the others were not chosen:\n\n${bullets(why)}${r.explanation.length > 8 ? `\n- … and ${r.explanation.length - 8} more` : ''}`, { subtle: true })] : []),
  ]);
}

/** A stale or double click: the part was moved or answered meanwhile, and nothing changed. */
export function alreadyMovedCard(r: Of<'already-moved'>, names: Names): AdaptiveCard {
  return card([
    heading(`Referral ${r.referral.id}`),
    text(`The part ${r.part.workloads.join(', ')} at ${names.location(r.part.mpnId)} is already **${r.part.state}**, so it was not moved. Nothing changed.`),
    text(`Type **referral ${r.referral.id}** to see where it stands.`, { subtle: true }),
  ]);
}

/** `unanswered`: the program team's to-do list of questions the knowledge base does not cover. */
export function unansweredCard(r: Of<'unanswered'>): AdaptiveCard {
  if (r.items.length === 0) return card([heading('Unanswered questions'), text('No question has gone unanswered yet.')]);
  return card([
    heading(`Unanswered questions: the ${r.items.length} most recent`),
    text('Questions the bot could not answer, newest first, with the topics that came closest. Candidates for new FAQ topics.', { subtle: true }),
    ...r.items.map((q) =>
      container([
        text(`“${q.text}”`),
        text(`${when(q.at)} · closest: ${q.closest.length === 0 ? 'none' : q.closest.map((t) => t.title).join('; ')}`, { subtle: true }),
      ]),
    ),
  ]);
}

/** A role change, with the user's roles as they now stand. */
export function roleChangedCard(r: Of<'role-changed'>, names: Names): AdaptiveCard {
  const what = r.mpnId === null ? r.role : `${r.role} of ${names.location(r.mpnId)}`;
  const roles = r.user.roles.map((x) => (x.mpnId === null ? x.role : `${x.role} of ${names.location(x.mpnId)}`));
  const line =
    r.verb === 'granted'
      ? `${r.user.name} is now ${what}${r.replaced === null ? '' : ` (was ${r.replaced})`}.`
      : `${r.user.name} is no longer ${what}.`;
  return card([
    heading(r.verb === 'granted' ? 'Role granted' : 'Role revoked'),
    text(line),
    facts([
      ['User', r.user.name === r.user.aadObjectId ? r.user.aadObjectId : `${r.user.name} (${r.user.aadObjectId})`],
      ['Roles now', roles.length === 0 ? 'none (a guest)' : roles.join(', ')],
    ]),
    ...(r.created ? [text('This user was new: they are recorded under their AAD object id until a name is known.', { subtle: true })] : []),
  ]);
}

/** The card (or text) for an operations command's outcome. */
export function renderOps(reply: OpsReply, names: Names): AdaptiveCard | string {
  switch (reply.kind) {
    case 'refused':
      return `Sorry, that needs ${reply.needed}. ${reply.reason} Nothing was changed. Ask FastTrack operations if you need access.`;
    case 'problem':
      return reply.message;
    case 'error':
      return sayError(reply.error);
    case 'referral':
      return referralDetailsCard(reply, names);
    case 'explain':
      return explainCard(reply, names);
    case 'pick-part':
      return pickPartCard(reply, names);
    case 'reassigned':
      return reassignedCard(reply, names);
    case 'already-moved':
      return alreadyMovedCard(reply, names);
    case 'unanswered':
      return unansweredCard(reply);
    case 'role-changed':
      return roleChangedCard(reply, names);
  }
}
