import type { FaqTopic } from '../../domain/faq/topic.ts';
import { actionSet, askButton, card, heading, text, type AdaptiveCard, type CardElement } from './adaptive.ts';

/** What each command does, shown in help; `ready` is false until the feature really exists. */
export interface CommandHelp {
  readonly command: string;
  readonly example: string;
  readonly description: string;
  readonly ready: boolean;
  /** Set for the FastTrack operations commands, listed in their own section. */
  readonly operations?: true;
}

export const COMMAND_HELP: readonly CommandHelp[] = [
  { command: 'help', example: 'help', description: 'Show this list.', ready: true },
  { command: 'pending', example: 'pending', description: "Your location's referrals that wait for an answer, with Accept and Decline.", ready: true },
  { command: 'accept', example: 'accept R-1035', description: 'Accept an offered referral.', ready: true },
  { command: 'decline', example: 'decline R-1035 no capacity', description: 'Decline an offer; it is reassigned and I tell you where it went.', ready: true },
  {
    command: 'acceptance rate',
    example: 'acceptance rate',
    description: "Your location's acceptance rate this quarter, against the 80% target (add a quarter such as FY27-Q1).",
    ready: true,
  },
  { command: 'pause', example: 'pause for 2 weeks', description: 'Program admins: turn referrals off for up to 30 days (asks to confirm).', ready: true },
  { command: 'resume', example: 'resume', description: 'Program admins: turn referrals back on.', ready: true },
  { command: 'status', example: 'status', description: 'Whether your location is paused, and its distribution lists.', ready: true },
  {
    command: 'subscribe',
    example: 'subscribe 4100001',
    description: 'Program admins, in a team channel (mention me): send that location’s notifications (new and reassigned referrals, pause reminders, rate alerts) to this channel. `unsubscribe` stops them.',
    ready: true,
  },
  { command: 'referral', example: 'referral R-1035', description: 'A referral’s customer, parts (location, state, basis, answers) and full event history.', ready: true, operations: true },
  {
    command: 'explain',
    example: 'explain R-1035',
    description: 'Where the referral went and why each location was or was not chosen, recomputed on today’s network.',
    ready: true,
    operations: true,
  },
  {
    command: 'reassign',
    example: 'reassign R-1035 4100003',
    description: 'Move an offered or accepted part to a location, or `auto` for matching’s choice; with several parts, say whose: `reassign R-1035 from 4100001 to auto`.',
    ready: true,
    operations: true,
  },
  { command: 'unanswered', example: 'unanswered', description: 'The 20 most recent questions I could not answer, with the closest topics.', ready: true, operations: true },
  {
    command: 'notifications',
    example: 'notifications',
    description: 'Notifications that could not be delivered (dead letters, unconfirmed sends, conversations that refused me), and `notifications retry` to send them again.',
    ready: true,
    operations: true,
  },
  {
    command: 'role',
    example: 'role grant <AAD object id> member 4100001',
    description: 'Give or take a role (member, admin with an MPN ID; operations without): `role grant|revoke …`.',
    ready: true,
    operations: true,
  },
];

function commandLines(operations: boolean): CardElement[] {
  return COMMAND_HELP.filter((c) => (c.operations === true) === operations).map((c) =>
    text(`**${c.example}**: ${c.description}${c.ready ? '' : ' _(coming soon)_'}`),
  );
}

export function helpCard(suggested: readonly FaqTopic[]): AdaptiveCard {
  return card([
    heading('What I can do'),
    text('Ask me anything about the FastTrack Partner Community referral program rules, in your own words.'),
    ...(suggested.length > 0
      ? [text('For example:', { subtle: true }), actionSet(suggested.map((t) => askButton(t.question, t.question)))]
      : []),
    text('Commands', { subtle: true, separator: true }),
    ...commandLines(false),
    text('Operations (FastTrack operations staff only)', { subtle: true, separator: true }),
    ...commandLines(true),
  ]);
}

export function welcomeCard(suggested: readonly FaqTopic[]): AdaptiveCard {
  return card([
    heading('Welcome to the FastTrack referrals assistant'),
    text(
      'I answer questions about the FastTrack Partner Community referral program: pausing referrals, the 80% acceptance rate, split assignments, CPOR claims, incentives and more.',
    ),
    text('Try one of these questions, or type your own:', { subtle: true }),
    actionSet([...suggested.map((t) => askButton(t.question, t.question)), askButton('What can you do?', 'help')]),
  ]);
}
