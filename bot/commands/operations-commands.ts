import type { OpsReply } from '../../dialogs/ops-commands.ts';
import { renderOps } from '../cards/ops-cards.ts';
import { command, withReferralId, type Command, type CommandServices } from './command.ts';

const render = (reply: OpsReply, s: CommandServices) => renderOps(reply, s.names);

/** FastTrack operations' commands; the handlers refuse everyone else, from the server's records. */
export const OPERATIONS_COMMANDS: readonly Command[] = [
  command({
    name: 'referral',
    typed: withReferralId('referral'),
    examples: [],
    who: ['operations'],
    help: { usage: 'referral R-1035', description: 'A referral’s customer, parts (location, state, basis, answers) and full event history.' },
    handle: (t, s) => s.ops.referral(t.principal, t.text),
    render,
  }),
  command({
    name: 'explain',
    typed: withReferralId('explain'),
    examples: [],
    who: ['operations'],
    help: { usage: 'explain R-1035', description: 'Where the referral went and why each location was or was not chosen, recomputed on today’s network.' },
    handle: (t, s) => s.ops.explain(t.principal, t.text),
    render,
  }),
  command({
    name: 'reassign',
    typed: (w) => w[0] === 'reassign' && w.length >= 3,
    examples: [],
    who: ['operations'],
    help: {
      usage: 'reassign R-1035 4100003',
      description: 'Move an offered or accepted part to a location, or `auto` for matching’s choice; with several parts, say whose: `reassign R-1035 from 4100001 to auto`.',
    },
    handle: (t, s) => s.ops.reassign(t.principal, t.text),
    render,
  }),
  command({
    name: 'unanswered',
    typed: (w) => w[0] === 'unanswered' && w.length <= 2,
    examples: [],
    who: ['operations'],
    help: { usage: 'unanswered', description: 'The 20 most recent questions I could not answer, with the closest topics.' },
    handle: (t, s) => s.ops.unanswered(t.principal),
    render,
  }),
  command({
    name: 'role',
    typed: (w) => w[0] === 'role' && (w[1] === 'grant' || w[1] === 'revoke'),
    examples: [],
    who: ['operations'],
    help: {
      usage: 'role grant <AAD object id> member 4100001',
      description: 'Give or take a role (member, admin with an MPN ID; operations without): `role grant|revoke …`.',
    },
    handle: (t, s) => s.ops.role(t.principal, t.text),
    render,
  }),
];
