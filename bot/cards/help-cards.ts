import type { Audience } from '../../domain/access/audience.ts';
import type { FaqTopic } from '../../domain/faq/topic.ts';
import { actionSet, askButton, card, heading, text, type AdaptiveCard, type CardElement } from './adaptive.ts';
import { DEFAULT_TARGET } from '../../domain/acceptance/target.ts';
import { percent } from './referral-cards.ts';

/** One line of help: what to type and what it does. */
export interface HelpLine {
  readonly usage: string;
  readonly description: string;
}

/** The help a caller gets: generated from the command table, for the caller's audiences only. */
export interface HelpContent {
  readonly audiences: ReadonlySet<Audience>;
  /** Commands for the caller's own locations (or anyone's, such as help and whoami). */
  readonly commands: readonly HelpLine[];
  /** Commands the caller has only as FastTrack operations. */
  readonly operations: readonly HelpLine[];
  readonly suggested: readonly FaqTopic[];
}

function lines(help: readonly HelpLine[]): CardElement[] {
  return help.map((c) => text(`**${c.usage}**: ${c.description}`));
}

export function helpCard(h: HelpContent): AdaptiveCard {
  const guest = h.audiences.has('guest');
  return card([
    heading('What I can do'),
    text('Ask me anything about the FastTrack Partner Community referral program rules, in your own words.'),
    ...(h.suggested.length > 0
      ? [text('For example:', { subtle: true }), actionSet(h.suggested.map((t) => askButton(t.question, t.question)))]
      : []),
    ...(guest
      ? [
          text(
            "I don't know you yet as a member of a partner location, so I can only answer questions. To see and answer your location's referrals, ask your partner's program admin or FastTrack operations to give you access; **whoami** shows what to tell them.",
            { separator: true },
          ),
        ]
      : []),
    text('Commands', { subtle: true, separator: true }),
    ...lines(h.commands),
    ...(h.operations.length > 0 ? [text('FastTrack operations', { subtle: true, separator: true }), ...lines(h.operations)] : []),
  ]);
}

export function welcomeCard(suggested: readonly FaqTopic[]): AdaptiveCard {
  return card([
    heading('Welcome to the FastTrack referrals assistant'),
    text(
      `I answer questions about the FastTrack Partner Community referral program: pausing referrals, the ${percent(DEFAULT_TARGET)} acceptance rate, split assignments, CPOR claims, incentives and more.`,
    ),
    text('Try one of these questions, or type your own:', { subtle: true }),
    actionSet([...suggested.map((t) => askButton(t.question, t.question)), askButton('What can you do?', 'help')]),
  ]);
}
