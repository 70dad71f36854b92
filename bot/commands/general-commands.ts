import type { Audience } from '../../domain/access/audience.ts';
import { helpCard, type HelpLine } from '../cards/help-cards.ts';
import { whoAmICard } from '../cards/whoami-card.ts';
import { whoAmI } from '../../dialogs/whoami.ts';
import { command, type Command } from './command.ts';

/**
 * The commands a caller may use, for help: those offered to one of the caller's partner roles (or
 * to everyone), and those the caller has only as FastTrack operations.
 */
export function helpFor(commands: readonly Command[], audiences: ReadonlySet<Audience>): { commands: HelpLine[]; operations: HelpLine[] } {
  const own = (c: Command) => c.who.some((a) => a !== 'operations' && audiences.has(a));
  return {
    commands: commands.filter(own).map((c) => c.help),
    operations: audiences.has('operations') ? commands.filter((c) => !own(c) && c.who.includes('operations')).map((c) => c.help) : [],
  };
}

const EVERYONE: readonly Audience[] = ['guest', 'member', 'admin', 'operations'];

export const GENERAL_COMMANDS: readonly Command[] = [
  command({
    name: 'help',
    typed: (w, raw) => raw.trim() === '?' || (w.length === 1 && ['help', 'commands', 'menu'].includes(w[0] ?? '')),
    examples: [
    'help', 'what can you do', 'commands', 'menu', 'how do I use this bot', '?', 'help me', 'show commands',
    'list commands', 'what commands are there', 'options', 'what can I ask you', 'how does this bot work',
    'instructions', 'usage', 'what do you do', 'show me the menu', 'hlep', 'halp', 'get started',
    'what are my options', 'what can this bot help with', 'tell me what you can do', 'help pls',
    'how do I talk to you', 'features', "i'm lost, what do I type", 'capabilities', '??', 'what should I type here',
    ],
    who: EVERYONE,
    help: { usage: 'help', description: 'Show this list.' },
    handle: (t, s) => ({ audiences: t.audiences, ...helpFor(s.commands, t.audiences), suggested: s.faq.suggested() }),
    render: (h) => helpCard(h),
  }),
  command({
    name: 'whoami',
    typed: (w) => (w.length === 1 && w[0] === 'whoami') || (w.length === 3 && w[0] === 'who' && w[1] === 'am' && w[2] === 'i'),
    examples: [],
    who: EVERYONE,
    help: { usage: 'whoami', description: 'Who I think you are: your name, tenant, roles and locations, and what you may do.' },
    handle: (t, s) => ({ reply: whoAmI(t.principal, s.read()), mayRun: helpFor(s.commands, t.audiences) }),
    render: ({ reply, mayRun }) => whoAmICard(reply, [...mayRun.commands, ...mayRun.operations]),
  }),
];
