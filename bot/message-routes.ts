import type { Understood } from '../dialogs/conversation.ts';
import { isFresh, typedDeclineReason, type FollowUp } from '../dialogs/follow-up.ts';
import { parsePauseEnd } from '../dialogs/pause-period.ts';
import type { BotServices } from './bot-services.ts';
import { faqAnswerCard, notSureCard } from './cards/faq-cards.ts';
import { COMMANDS } from './commands/command-table.ts';
import type { CommandTurn, Shown } from './commands/command.ts';
import { renderCommand } from './render-command.ts';

/** A message, read once: who sent it, what it asks for, and the question it may answer. */
export interface MessageTurn {
  readonly text: string;
  readonly command: CommandTurn;
  readonly understood: Understood;
  /** The question the bot asked this user here last turn, if still open; it gets one answer. */
  readonly followUp: FollowUp | undefined;
  readonly now: Date;
}

/** One way to answer a message; the first route whose `select` holds answers it. */
export interface MessageRoute {
  readonly select: (m: MessageTurn) => boolean;
  readonly handle: (m: MessageTurn, s: BotServices) => Promise<Shown> | Shown;
}

/**
 * Takes the open question, if any, off the user's slate: it is answered now or not at all. A stale
 * one (over 10 minutes) is dropped; the message is then routed as new.
 */
export async function openFollowUp(s: BotServices, conversationId: string, userId: string, now: Date): Promise<FollowUp | undefined> {
  const open = await s.commands.followUps.get(conversationId, userId);
  if (open === undefined) return undefined;
  await s.commands.followUps.set(conversationId, userId, undefined);
  return isFresh(open, now) ? open : undefined;
}

const declineFollowUp = (m: MessageTurn) => (m.followUp?.kind === 'decline-reason' ? m.followUp : undefined);
const pauseFollowUp = (m: MessageTurn) => (m.followUp?.kind === 'pause-period' ? m.followUp : undefined);

/**
 * How a message is answered, in order: a typed answer to the question asked last turn (rights
 * are checked again, as of now, by the commands), a command, an FAQ topic, or "not sure".
 */
export const MESSAGE_ROUTES: readonly MessageRoute[] = [
  {
    select: (m) => declineFollowUp(m) !== undefined && typedDeclineReason(m.text) !== undefined,
    handle: async (m, s) => {
      const open = declineFollowUp(m);
      const reason = typedDeclineReason(m.text);
      if (open === undefined || reason === undefined) return '';
      return renderCommand(await s.commands.partner.declinePart(m.command.principal, open.referralId, open.assignmentId, reason), s.commands.names);
    },
  },
  {
    select: (m) => pauseFollowUp(m) !== undefined && parsePauseEnd(m.text, m.now).ok,
    handle: (m, s) => renderCommand(s.commands.partner.pause(m.command.principal, `pause ${pauseFollowUp(m)?.mpnId ?? ''} ${m.text}`), s.commands.names),
  },
  ...COMMANDS.map(
    (c): MessageRoute => ({
      select: (m) => m.understood.kind === 'command' && m.understood.name === c.name,
      handle: (m, s) => c.run(m.command, s.commands),
    }),
  ),
  {
    select: (m) => m.understood.kind === 'faq',
    handle: (m) => (m.understood.kind === 'faq' ? faqAnswerCard(m.understood.topic, m.understood.related) : ''),
  },
  {
    select: (m) => m.understood.kind === 'empty',
    handle: () => 'Type a question about the referral program, or **help** to see what I can do.',
  },
  {
    select: () => true,
    handle: async (m, s) => notSureCard(await s.commands.faq.notSure(m.text, m.understood.kind === 'unsure' ? m.understood.score : 0, m.command.caller)),
  },
];
