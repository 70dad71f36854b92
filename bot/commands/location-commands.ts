import type { CommandReply } from '../../dialogs/referral-commands.ts';
import { renderCommand } from '../render-command.ts';
import { command, rest, withReferralId, type Command, type CommandServices, type CommandTurn } from './command.ts';

/**
 * Keeps the question a reply asks (why decline, how long to pause), so that the user can answer it
 * by typing on the next turn.
 */
async function keepQuestion(t: CommandTurn, s: CommandServices, reply: CommandReply): Promise<CommandReply> {
  const askedAt = s.now().toISOString();
  const { conversationId, userId } = t.caller;
  if (reply.kind === 'ask-decline-reason') {
    await s.followUps.set(conversationId, userId, { kind: 'decline-reason', referralId: reply.referral.id, assignmentId: reply.part.id, askedAt });
  } else if (reply.kind === 'ask-pause-period') {
    await s.followUps.set(conversationId, userId, { kind: 'pause-period', mpnId: reply.location.mpnId, askedAt });
  }
  return reply;
}

const render = (reply: CommandReply, s: CommandServices) => renderCommand(reply, s.names);

/** A location's referrals: partner members and admins for their own locations; operations may look. */
export const LOCATION_COMMANDS: readonly Command[] = [
  command({
    name: 'pending',
    typed: (w) => w[0] === 'pending' && /^( \d{5,10})?( page \d+)?$/.test(rest(w)),
    examples: [
    'show pending', 'show my pending referrals', 'my open referrals', 'any new RFAs for us', "what's in our queue",
    'list unanswered referrals', 'do we have anything to accept', 'pending referrals', 'open referrals',
    'referrals waiting for us', 'which referrals need a response from us', 'show referrals awaiting acceptance',
    'anything new for us today?', 'new referrals?', 'list our pending RFAs', 'outstanding referrals',
    "referrals we haven't accepted yet", "what's waiting on us", 'unanswered RFAs', 'show me our referral backlog',
    'do we have new customers assigned to us', 'any referrals to review', 'pendng referals', 'what needs accepting',
    'referrals still awaiting our decision', "what's pending", 'any unaccepted referrals', 'referrals to action',
    'list referrals we need to accept or decline', 'show open RFAs for my company',
    'what have we not responded to yet', 'any assignments sitting unanswered',
    ],
    who: ['member', 'admin', 'operations'],
    help: { usage: 'pending', description: "Your location's referrals that wait for an answer, with Accept and Decline." },
    handle: (t, s) => s.partner.pending(t.principal, t.text),
    render,
  }),
  command({
    name: 'accept',
    // The bare word too (the app's command menu sends it): the command then asks which referral.
    typed: withReferralId('accept'),
    examples: [],
    who: ['member', 'admin'],
    help: { usage: 'accept R-1035', description: 'Accept an offered referral.' },
    handle: (t, s) => s.partner.accept(t.principal, t.text),
    render,
  }),
  command({
    name: 'decline',
    typed: (w) => w[0] === 'decline' && (w.length === 1 || (w.length >= 3 && /^[a-z]$/.test(w[1] ?? ''))),
    examples: [],
    who: ['member', 'admin'],
    help: { usage: 'decline R-1035 no capacity', description: 'Decline an offer; it goes back to matching.' },
    handle: async (t, s) => keepQuestion(t, s, await s.partner.decline(t.principal, t.text)),
    render,
  }),
  command({
    name: 'acceptance-rate',
    typed: (w) => w[0] === 'acceptance' && w[1] === 'rate' && w.length <= 6,
    examples: [
    "what's our acceptance rate", 'how are we doing this quarter', 'our acceptance % so far', 'are we above 80',
    'show my rate for last quarter', 'my acceptance rate', 'current acceptance rate',
    'our acceptance rate this quarter', 'how many referrals have we accepted', 'are we on track for 80%',
    "what's my accept rate", 'show our acceptance stats', 'are we meeting the acceptance target',
    'acceptance rate last quarter', 'are we below 80 percent', 'show me our numbers', "how's our acceptance looking",
    'how many have we declined this quarter', 'our acceptance ratio', 'acceptence rate pls',
    'where do we stand on acceptance', 'check our rate', 'give me our acceptance figure for Q1',
    'our accepted vs declined', 'are we in good standing on acceptance',
    'show the acceptance rate for our germany MPN ID', 'do we risk falling under 80',
    'what percent have we accepted so far', 'how many did we turn down last quarter', 'our rate?',
    ],
    who: ['member', 'admin', 'operations'],
    help: {
      usage: 'acceptance rate',
      description: "Your location's acceptance rate this quarter, against the target (add a quarter such as FY27-Q1).",
    },
    handle: (t, s) => s.partner.acceptanceRate(t.principal, t.text),
    render,
  }),
  command({
    name: 'status',
    typed: (w) => w[0] === 'status' && /^( \d{5,10})?$/.test(rest(w)),
    examples: [],
    who: ['member', 'admin', 'operations'],
    help: { usage: 'status', description: 'Whether your location is paused, and its distribution lists.' },
    handle: (t, s) => s.partner.status(t.principal, t.text),
    render,
  }),
  command({
    name: 'pause',
    typed: (w) => w[0] === 'pause' && (w.length === 1 || ['for', 'until', 'till', 'referrals'].includes(w[1] ?? '') || /^\d{5,10}$/.test(w[1] ?? '')),
    examples: [
    'pause referrals for two weeks', 'stop referrals until 15 March', 'turn off referrals for 30 days',
    'snooze new referrals till next month', 'we need a break, pause us', 'hold referrals', 'pause referrals',
    'pause for 10 days', 'pause us until the end of the month', 'stop sending referrals for a week',
    'turn referrals off now', 'put referrals on hold till 1 June', 'no more referrals for 3 weeks please',
    'pause until after christmas', 'suspend referrals for 20 days', 'pause new referrals starting tomorrow',
    'disable referrals for a fortnight', 'hold off on referrals until monday', 'pls pause referals 2 wks',
    "we're slammed, pause everything for 30 days", 'switch off referrals until next quarter',
    'freeze referrals until the 20th', 'take us offline for referrals for 2 weeks', 'stop new referrals',
    'block referrals till 5/4', 'pause referrals through end of April', 'pause', 'set our referrals to paused',
    "we're on holiday, stop referrals until 10 Jan", 'snooze referrals 14 days',
    'turn off referrals from friday for a week',
    ],
    who: ['admin'],
    help: { usage: 'pause for 2 weeks', description: 'Turn referrals off for up to 30 days (asks to confirm).' },
    handle: async (t, s) => keepQuestion(t, s, s.partner.pause(t.principal, t.text)),
    render,
  }),
  command({
    name: 'resume',
    typed: (w) => (w[0] === 'resume' || w[0] === 'unpause') && /^( referrals)?( \d{5,10})?$/.test(rest(w)),
    examples: [
    'resume referrals', 'turn referrals back on', 'unpause', 'start sending referrals again',
    "we're ready for new referrals", 'end the pause', 'resume', 'unpause referrals', 'switch referrals back on',
    'reactivate referrals', 'restart referrals', "we're back, send us referrals", 'cancel the pause',
    'lift the pause', 'turn on referrals', 're-enable referrals', 'we have capacity again, resume us',
    'stop the pause now', 'back online for referrals', 'resum referals', 'un-snooze referrals',
    'open us up for referrals again', 'enable referrals now', 'we can take new customers again',
    'end the referral hold', 'unfreeze referrals',
    ],
    who: ['admin'],
    help: { usage: 'resume', description: 'Turn referrals back on.' },
    handle: (t, s) => s.partner.resume(t.principal, t.text),
    render,
  }),
];

