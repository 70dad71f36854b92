import type { FaqTopic } from '../../domain/faq/topic.ts';
import { actionSet, askButton, card, heading, text, type AdaptiveCard, type CardElement } from './adaptive.ts';

/** What each command does, shown in help; `ready` is false until the feature really exists. */
export interface CommandHelp {
  readonly command: string;
  readonly example: string;
  readonly description: string;
  readonly ready: boolean;
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
];

function commandLines(): CardElement[] {
  return COMMAND_HELP.map((c) =>
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
    ...commandLines(),
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
