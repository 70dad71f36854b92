import type { CommandReply } from '../dialogs/referral-commands.ts';
import type { AdaptiveCard } from './cards/adaptive.ts';
import {
  acceptanceCard,
  answeredCard,
  confirmPauseCard,
  declineReasonCard,
  declinedCard,
  pendingCard,
  pickLocationCard,
  statusCard,
} from './cards/referral-cards.ts';
import type { Names } from './names.ts';
import { sayError } from './error-table.ts';

/**
 * The card (or plain text) for a partner command's outcome. Kept apart from the activity handler
 * so that the handler only routes, and both message replies and card refreshes render the same.
 */
export function renderCommand(reply: CommandReply, names: Names): AdaptiveCard | string {
  switch (reply.kind) {
    case 'refused':
      return `Sorry, that needs ${reply.needed}. ${reply.reason} Nothing was changed. Ask your partner's program admin or FastTrack operations if you need access.`;
    case 'guest':
      return `I can't show **${reply.command}** yet: I don't know you as a member of a partner location. Ask your partner's program admin, or FastTrack operations, to give you access. Meanwhile, ask me anything about the program rules.`;
    case 'problem':
      return reply.message;
    case 'error':
      return sayError(reply.error);
    case 'pick-location':
      return pickLocationCard(reply.command, reply.locations);
    case 'pending':
      return pendingCard(reply);
    case 'already-answered':
      return answeredCard(reply.referral, reply.part, names.person, 'This card is out of date: the offer was already answered.');
    case 'accepted': {
      const part = reply.parts[0];
      return part === undefined ? 'Nothing was accepted.' : answeredCard(reply.referral, part, names.person);
    }
    case 'ask-decline-reason':
      return declineReasonCard(reply.referral, reply.part);
    case 'declined':
      return declinedCard(reply, names.location, names.person);
    case 'acceptance':
      return acceptanceCard(reply);
    case 'confirm-pause':
      return confirmPauseCard(reply);
    case 'ask-pause-period':
      return `For how long? For example **pause for 2 weeks**, **pause for 10 days** or **pause until 15 December**. A pause lasts 1 to 30 days.`;
    case 'paused':
      return statusCard(reply.location, `Referrals paused: ${reply.location.name}`);
    case 'resumed':
      return statusCard(reply.location, `Referrals resumed: ${reply.location.name}`);
    case 'status':
      return statusCard(reply.location);
  }
}
