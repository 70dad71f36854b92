import type { SubscriptionReply } from '../../dialogs/subscription-commands.ts';
import type { Names } from '../names.ts';
import { renderCommand } from '../render-command.ts';
import type { AdaptiveCard } from './adaptive.ts';

/** What `subscribe` and `unsubscribe` say. */
export function renderSubscription(reply: SubscriptionReply, names: Names): AdaptiveCard | string {
  switch (reply.kind) {
    case 'not-in-channel':
      return reply.command === 'subscribe'
        ? "Run **subscribe <MPN ID>** in the team channel that should receive the location's notifications (mention me there). Program admins already get them here, in their personal chat with me."
        : 'Run **unsubscribe** in the team channel that should stop receiving notifications (mention me there).';
    case 'subscribed':
      return reply.already
        ? `This channel already receives notifications for ${reply.location.name} (MPN ID ${reply.location.mpnId}).`
        : `Done: this channel now receives notifications for ${reply.location.name} (MPN ID ${reply.location.mpnId}): new and reassigned referrals, pause reminders and acceptance-rate alerts. Channel subscriptions: ${reply.channelHas.join(', ')}. Type **unsubscribe ${reply.location.mpnId}** to stop.`;
    case 'unsubscribed':
      return reply.removed.length === 0
        ? 'This channel was not receiving any notifications you manage. Nothing changed.'
        : `Stopped notifications in this channel for MPN ID ${reply.removed.join(', ')}.${reply.kept.length > 0 ? ` Still subscribed: ${reply.kept.join(', ')} (managed by their own admins).` : ''}`;
    default:
      return renderCommand(reply, names);
  }
}
