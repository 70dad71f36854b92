import type { CommandReply, PendingItem } from '../../dialogs/referral-commands.ts';
import { DECLINE_REASON_LABELS } from '../../dialogs/decline-reason.ts';
import type { LocationRecord, Referral, ReferralAssignment } from '../../domain/referrals/types.ts';
import { DECLINE_REASONS } from '../../domain/referrals/types.ts';
import { actionSet, askButton, card, container, executeButton, facts, heading, text, type AdaptiveCard, type CardElement } from './adaptive.ts';

export const VERBS = {
  accept: 'referral.accept',
  decline: 'referral.decline',
  confirmPause: 'pause.confirm',
  cancelPause: 'pause.cancel',
} as const;

/** How the bot names people in cards: from the store's users, never from the activity. */
export type NameOf = (aadObjectId: string | null) => string;

export function day(iso: string | null): string {
  if (iso === null) return '';
  return new Date(iso).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function where(l: LocationRecord): string {
  return `${l.name} (MPN ID ${l.mpnId})`;
}

export function summary(referral: Referral, part: ReferralAssignment): string {
  return `**${referral.id}** · ${referral.customer.name} · ${referral.type} · ${part.workloads.join(', ')} · ${referral.customer.seats} seats`;
}

/** Accept and Decline for one offered part; the bot checks the clicker's rights, not this data. */
export function answerButtons(referral: Referral, part: ReferralAssignment): CardElement {
  return actionSet([
    executeButton('Accept', VERBS.accept, { referralId: referral.id, assignmentId: part.id }),
    executeButton('Decline', VERBS.decline, { referralId: referral.id, assignmentId: part.id }),
  ]);
}

function pendingItem(item: PendingItem): CardElement {
  const age = item.ageDays === 0 ? 'offered today' : `offered ${item.ageDays} day${item.ageDays === 1 ? '' : 's'} ago`;
  return container([text(summary(item.referral, item.part)), text(age, { subtle: true }), answerButtons(item.referral, item.part)]);
}

export function pendingCard(r: Extract<CommandReply, { kind: 'pending' }>): AdaptiveCard {
  if (r.total === 0) {
    return card([heading(`Pending referrals: ${r.location.name}`), text('Nothing is waiting for an answer. New offers will appear here.')]);
  }
  const body: CardElement[] = [
    heading(`Pending referrals: ${r.location.name}`),
    text(`${r.total} offer${r.total === 1 ? '' : 's'} waiting for an answer${r.pages > 1 ? ` · page ${r.page} of ${r.pages}` : ''}`, { subtle: true }),
    ...r.items.map(pendingItem),
  ];
  const paging = [
    ...(r.page > 1 ? [askButton('Previous page', `pending ${r.location.mpnId} page ${r.page - 1}`)] : []),
    ...(r.page < r.pages ? [askButton('Next page', `pending ${r.location.mpnId} page ${r.page + 1}`)] : []),
  ];
  return card(body, paging);
}

/** The state of a part as everyone should now see it: who answered and when. */
export function answeredCard(referral: Referral, part: ReferralAssignment, nameOf: NameOf, note?: string): AdaptiveCard {
  const by = nameOf(part.answeredBy);
  const line =
    part.state === 'accepted'
      ? `✅ Accepted by ${by} on ${day(part.answeredAt)}.`
      : part.state === 'declined'
        ? `Declined by ${by} on ${day(part.answeredAt)}: ${part.declineReason === null ? '' : DECLINE_REASON_LABELS[part.declineReason.code]}${part.declineReason?.text ? ` (${part.declineReason.text})` : ''}.`
        : part.state === 'offered'
          ? 'Waiting for an answer.'
          : `This offer was ${part.state}${part.answeredAt === null ? '' : ` on ${day(part.answeredAt)}`}.`;
  return card([heading(`Referral ${referral.id}`), text(summary(referral, part)), text(line), ...(note === undefined ? [] : [text(note, { subtle: true })])]);
}

export function declineReasonCard(referral: Referral, part: ReferralAssignment): AdaptiveCard {
  return card([
    heading(`Decline ${referral.id}?`),
    text(summary(referral, part)),
    {
      type: 'Input.ChoiceSet',
      id: 'reason',
      label: 'Why are you declining?',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose a reason.',
      choices: DECLINE_REASONS.map((code) => ({ title: DECLINE_REASON_LABELS[code], value: code })),
    },
    { type: 'Input.Text', id: 'reasonText', label: 'If "Other", tell us why', placeholder: 'A short reason', maxLength: 300 },
    text('Or type it: **no capacity**, **cannot support the workload**, **customer not reachable**, or **other: your reason**.', { subtle: true }),
    actionSet([executeButton('Decline referral', VERBS.decline, { referralId: referral.id, assignmentId: part.id, confirm: true })]),
  ]);
}

export function declinedCard(r: Extract<CommandReply, { kind: 'declined' }>, locationName: (mpnId: string) => string, nameOf: NameOf): AdaptiveCard {
  const went = [
    ...r.newParts.map((p) => `- ${locationName(p.mpnId)}: ${p.workloads.join(', ')} (${p.basis === 'cpor-claim' ? 'CPOR claim' : 'round robin'})`),
    ...(r.ftc.length > 0 ? [`- FastTrack Center: ${r.ftc.join(', ')}`] : []),
  ];
  const why = r.explanation.slice(0, 6).map((l) => `- ${l}`);
  return card([
    heading(`Referral ${r.referral.id} declined`),
    text(`Declined by ${nameOf(r.declined.answeredBy)}: ${r.declined.declineReason === null ? '' : DECLINE_REASON_LABELS[r.declined.declineReason.code]}${r.declined.declineReason?.text ? ` (${r.declined.declineReason.text})` : ''}.`),
    text(went.length > 0 ? `It was reassigned:\n\n${went.join('\n')}` : 'It could not be reassigned.'),
    ...(why.length > 0 ? [text(`Why the others were not chosen:\n\n${why.join('\n')}${r.explanation.length > 6 ? `\n- … and ${r.explanation.length - 6} more` : ''}`, { subtle: true })] : []),
  ]);
}

/** A target as people write it: 0.8 is 80%. */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

function pct(rate: number | null): string {
  return rate === null ? 'no answered offers yet' : `${(rate * 100).toFixed(1)}%`;
}

export function acceptanceCard(r: Extract<CommandReply, { kind: 'acceptance' }>): AdaptiveCard {
  const c = r.current;
  const body: CardElement[] = [heading(`Acceptance rate ${r.quarter}: ${r.location.name}`)];
  body.push(
    facts([
      ['Rate', `${pct(c?.rate ?? null)} (target ${percent(r.target)})`],
      ['Accepted', String(c?.accepted ?? 0)],
      ['Declined', String(c?.declined ?? 0)],
      ['Expired', String(c?.expired ?? 0)],
      ['Pending (not counted yet)', String(c?.pending ?? 0)],
      ['Acceptances needed to reach target', c?.acceptNeeded === null || c === null ? '–' : String(c.acceptNeeded)],
      [`Previous quarter (${r.previousQuarter})`, pct(r.previous?.rate ?? null)],
    ]),
  );
  if (c !== null && c.meetsTarget === false) {
    body.push(
      container(
        [text(`⚠️ Below the ${percent(r.target)} target. Accepting the next ${c.acceptNeeded ?? '?'} offer${c.acceptNeeded === 1 ? '' : 's'} in this quarter would bring you back to it. Rates are measured per MPN ID, each quarter.`)],
        'attention',
      ),
    );
  }
  return card(body);
}

export function confirmPauseCard(r: Extract<CommandReply, { kind: 'confirm-pause' }>): AdaptiveCard {
  return card([
    heading(`Pause referrals for ${r.location.name}?`),
    text(`All referrals, Standard and Benefit, stop for ${r.days} day${r.days === 1 ? '' : 's'}. They resume automatically on **${day(`${r.until}T00:00:00Z`)}** (00:00 UTC).`),
    text('A pause can last up to 30 days; after that the location must receive referrals again or leave the program. You can resume earlier at any time.', { subtle: true }),
    actionSet([
      executeButton('Confirm pause', VERBS.confirmPause, { mpnId: r.location.mpnId, until: r.until, issuedAt: r.issuedAt }),
      executeButton('Cancel', VERBS.cancelPause, { mpnId: r.location.mpnId }),
    ]),
  ]);
}

export function statusCard(location: LocationRecord, headline?: string): AdaptiveCard {
  const paused = location.pause !== null;
  return card([
    heading(headline ?? `Status: ${location.name}`),
    facts([
      ['Location', where(location)],
      ['Program status', location.status === 'active' ? 'Active' : 'Departed'],
      ['Referrals', paused ? `Paused until ${day(`${location.pause?.pausedUntil ?? ''}T00:00:00Z`)}` : 'On'],
      ['Benefit distribution list', location.distributionLists.benefit],
      ['Standard distribution list', location.distributionLists.standard],
    ]),
  ]);
}

export function pickLocationCard(command: string, locations: readonly LocationRecord[]): AdaptiveCard {
  return card([
    heading('Which location?'),
    text(`You belong to several locations. Pick one for **${command}**:`),
    actionSet(locations.map((l) => askButton(where(l), `${command} ${l.mpnId}`))),
  ]);
}

export function pauseCancelledCard(): AdaptiveCard {
  return card([text('Pause cancelled. Nothing changed.')]);
}
