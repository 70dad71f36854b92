import type { FaqTopic } from '../../domain/faq/topic.ts';
import { actionSet, askButton, card, executeButton, heading, linkButton, text, type AdaptiveCard } from './adaptive.ts';

export const PARTNER_SUPPORT_URL = 'https://aka.ms/PXPartnerSupport';
export const FEEDBACK_VERB = 'faq.feedback';

/** Buttons that ask a topic's canonical question, so the answer arrives as a normal turn. */
function topicButtons(topics: readonly FaqTopic[]) {
  return topics.map((t) => askButton(t.title, t.question));
}

/**
 * The answer card. `feedback` decides the footer: the yes/no question, or the thanks that replaces
 * it in place once the user has answered.
 */
export function faqAnswerCard(
  topic: FaqTopic,
  related: readonly FaqTopic[],
  feedback: 'ask' | 'helpful' | 'not-helpful' = 'ask',
): AdaptiveCard {
  const body = [heading(topic.title), text(topic.answer)];
  if (related.length > 0) {
    body.push(text('Related questions', { subtle: true, separator: true }), actionSet(topicButtons(related)));
  }
  if (feedback === 'ask') {
    body.push(
      text('Was this helpful?', { subtle: true, separator: true }),
      actionSet([
        executeButton('Yes', FEEDBACK_VERB, { topicId: topic.id, helpful: true }),
        executeButton('No', FEEDBACK_VERB, { topicId: topic.id, helpful: false }),
      ]),
    );
  } else {
    const thanks =
      feedback === 'helpful'
        ? 'Thanks for your feedback. Glad it helped.'
        : `Thanks for your feedback. We will use it to improve this answer. For more help, contact partner support: ${PARTNER_SUPPORT_URL}`;
    body.push(text(thanks, { subtle: true, separator: true }));
  }
  return card(body);
}

/** What the bot says when it is not confident: no guess, the closest topics, and where to ask. */
export function notSureCard(closest: readonly FaqTopic[]): AdaptiveCard {
  const body = [
    text("I'm not sure I understood that, and I'd rather not guess about program rules."),
  ];
  if (closest.length > 0) body.push(text('Did you mean one of these?', { subtle: true }), actionSet(topicButtons(closest)));
  body.push(text(`You can also ask partner support at ${PARTNER_SUPPORT_URL}, or type **help** to see what I can do.`));
  return card(body, [linkButton('Contact partner support', PARTNER_SUPPORT_URL)]);
}
