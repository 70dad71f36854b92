import type { NotificationData, OutboxEntry } from '../../domain/notifications/types.ts';
import type { ProgramReadModel } from '../../domain/referrals/repository.ts';
import type { Referral, ReferralAssignment } from '../../domain/referrals/types.ts';
import type { Names } from '../names.ts';
import type { OutboxReply } from '../../dialogs/outbox-commands.ts';
import { askButton, card, container, facts, heading, text, type AdaptiveCard } from './adaptive.ts';
import { answerButtons, answeredCard, day, percent, summary } from './referral-cards.ts';

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function partOf(read: ProgramReadModel, referralId: string, assignmentId: string): { referral: Referral; part: ReferralAssignment } | undefined {
  const referral = read.referral(referralId);
  const part = referral?.assignments.find((a) => a.id === assignmentId);
  return referral === undefined || part === undefined ? undefined : { referral, part };
}

function offerCard(data: Extract<NotificationData, { kind: 'referral-offered' | 'referral-reassigned-to-you' }>, read: ProgramReadModel, names: Names): AdaptiveCard | null {
  const found = partOf(read, data.referralId, data.assignmentId);
  if (found === undefined) return null;
  const { referral, part } = found;
  // Sent late (after retries), the offer may have been answered meanwhile: say so instead of
  // showing buttons that would only answer "already answered".
  if (part.state !== 'offered') return answeredCard(referral, part, names.person, 'You were notified of this offer; it has been answered since.');
  const title = data.kind === 'referral-offered' ? `New referral for ${names.location(part.mpnId)}` : `Referral reassigned to ${names.location(part.mpnId)}`;
  const why =
    data.kind === 'referral-offered'
      ? part.basis === 'cpor-claim'
        ? 'Offered to you because of your CPOR claim with this customer.'
        : 'Offered to you by round robin among the eligible locations.'
      : 'Another location declined it, and the matching rules chose you next.';
  return card([
    heading(title),
    text(summary(referral, part)),
    facts([
      ['Customer country', referral.customer.country],
      ['Language', referral.customer.language],
      ['Industry', referral.customer.industry],
    ]),
    text(why, { subtle: true }),
    answerButtons(referral, part),
  ]);
}

function movedCard(data: Extract<NotificationData, { kind: 'part-reassigned' }>, entry: OutboxEntry, read: ProgramReadModel, names: Names): AdaptiveCard | null {
  const referral = read.referral(data.referralId);
  if (referral === undefined) return null;
  const went = [...data.to.map((m) => `- ${names.location(m)}`), ...(data.ftc.length > 0 ? [`- FastTrack Center: ${data.ftc.join(', ')}`] : [])];
  return card(
    [
      heading(`Referral ${referral.id} reassigned`),
      text(
        data.byOperations
          ? `FastTrack operations moved ${names.location(entry.mpnId)}'s part of this referral (${referral.customer.name}).`
          : `After ${names.location(entry.mpnId)} declined it, the part (${referral.customer.name}) went to:`,
      ),
      text(went.length > 0 ? went.join('\n') : 'No other location could take it.'),
    ],
    [askButton('Show pending referrals', `pending ${entry.mpnId}`)],
  );
}

/**
 * The card a notification shows, built when it is sent from the stored facts and the current
 * records; null when what it was about no longer exists.
 */
export function notificationCard(entry: OutboxEntry, read: ProgramReadModel, names: Names): AdaptiveCard | null {
  const d = entry.data;
  const where = names.location(entry.mpnId);
  switch (d.kind) {
    case 'referral-offered':
    case 'referral-reassigned-to-you':
      return offerCard(d, read, names);
    case 'part-reassigned':
      return movedCard(d, entry, read, names);
    case 'pause-ending':
      return card(
        [
          heading(`Pause ends soon: ${where}`),
          text(`The pause ends on **${day(`${d.pausedUntil}T00:00:00Z`)}** (00:00 UTC) and referrals start arriving again. A pause lasts at most 30 days; after that a location receives referrals or leaves the program.`),
        ],
        [askButton('Resume now', `resume ${entry.mpnId}`), askButton('Show status', `status ${entry.mpnId}`)],
      );
    case 'pause-ended':
      return card(
        [heading(`Referrals resumed: ${where}`), text(`The pause ended on ${day(d.endedAt)}. ${where} receives Standard and Benefit referrals again.`)],
        [askButton('Show pending referrals', `pending ${entry.mpnId}`), askButton('Show status', `status ${entry.mpnId}`)],
      );
    case 'acceptance-below-target':
      return card(
        [
          heading(`Acceptance rate below target: ${where}`),
          container(
            [
              text(
                `${where} has accepted ${d.accepted} of ${d.answered} answered offers in ${d.quarter}: **${pct(d.rate)}**, below the ${percent(d.target)} target.` +
                  (d.acceptNeeded === null ? '' : ` Accepting the next ${d.acceptNeeded} offer${d.acceptNeeded === 1 ? '' : 's'} would bring it back.`),
              ),
            ],
            'attention',
          ),
          text('Rates are measured per MPN ID, each quarter. If you cannot take referrals for a while, a program admin can pause them for up to 30 days.', { subtle: true }),
        ],
        [askButton('Show pending referrals', `pending ${entry.mpnId}`), askButton('Acceptance rate', `acceptance rate ${entry.mpnId}`)],
      );
  }
}

const STATE_LABEL: Readonly<Record<OutboxEntry['state'], string>> = {
  pending: 'waiting',
  sending: 'being sent',
  sent: 'sent',
  dead: 'gave up',
  unconfirmed: 'maybe delivered',
  undeliverable: 'conversation refused the bot',
};

/** The outbox as operations see it: counts, then the newest failures with why. */
export function failedNotificationsCard(r: Extract<OutboxReply, { kind: 'failed' }>, names: Names): AdaptiveCard {
  const counts = (Object.keys(STATE_LABEL) as Array<OutboxEntry['state']>).map((s) => [STATE_LABEL[s], String(r.counts[s])] as const);
  const body = [heading('Notifications'), facts(counts)];
  if (r.total === 0) return card([...body, text('Nothing failed. Every notification was delivered or is on its way.')]);
  return card(
    [
      ...body,
      text(`${r.total} not delivered${r.total > r.items.length ? `; the newest ${r.items.length}` : ''}:`),
      ...r.items.map((e) =>
        container([
          text(`**${e.data.kind}** for ${names.location(e.mpnId)} · ${STATE_LABEL[e.state]} · ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`),
          text(`${e.lastError ?? ''} (${e.doneAt ?? e.createdAt})`, { subtle: true }),
        ]),
      ),
      text('"Maybe delivered" means Teams may have posted it without saying so; sending again can show it twice.', { subtle: true }),
    ],
    [askButton('Send all again', 'notifications retry')],
  );
}

export function renderOutbox(r: OutboxReply, names: Names): AdaptiveCard | string {
  switch (r.kind) {
    case 'refused':
      return `Sorry, that needs ${r.needed}. ${r.reason}`;
    case 'requeued':
      return r.count === 0 ? 'Nothing to send again (conversations that refused the bot stay skipped until they talk to it again).' : `Queued ${r.count} notification${r.count === 1 ? '' : 's'} to send again.`;
    case 'failed':
      return failedNotificationsCard(r, names);
  }
}
