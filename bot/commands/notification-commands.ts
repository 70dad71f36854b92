import { renderOutbox } from '../cards/notification-cards.ts';
import { renderSubscription } from '../cards/subscription-replies.ts';
import { command, type Command } from './command.ts';

/** Where a location's notifications go, and what could not be delivered. */
export const NOTIFICATION_COMMANDS: readonly Command[] = [
  command({
    name: 'subscribe',
    typed: (w) => w[0] === 'subscribe' && w.length <= 2,
    examples: [],
    who: ['admin', 'operations'],
    help: {
      usage: 'subscribe 4100001',
      description:
        'In a team channel (mention me): send that location’s notifications (new and reassigned referrals, pause reminders, rate alerts) to this channel. `unsubscribe` stops them.',
    },
    handle: (t, s) => s.subscriptions.subscribe(t.principal, t.text, { conversationId: t.conversationId }),
    render: (r, s) => renderSubscription(r, s.names),
  }),
  command({
    name: 'unsubscribe',
    typed: (w) => w[0] === 'unsubscribe' && w.length <= 2,
    examples: [],
    who: ['admin', 'operations'],
    help: { usage: 'unsubscribe', description: 'In a team channel: stop the notifications you manage there (add an MPN ID for one location).' },
    handle: (t, s) => s.subscriptions.unsubscribe(t.principal, t.text, { conversationId: t.conversationId }),
    render: (r, s) => renderSubscription(r, s.names),
  }),
  command({
    name: 'notifications',
    typed: (w) => w[0] === 'notifications' && (w.length === 1 || (w.length === 2 && ['failed', 'retry'].includes(w[1] ?? ''))),
    examples: [],
    who: ['operations'],
    help: {
      usage: 'notifications',
      description: 'Notifications that could not be delivered (dead letters, unconfirmed sends, conversations that refused me), and `notifications retry` to send them again.',
    },
    handle: (t, s) => s.outbox.run(t.principal, t.text),
    render: (r, s) => renderOutbox(r, s.names),
  }),
];
