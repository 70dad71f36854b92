import { CardFactory, type Activity } from 'botbuilder';
import type { OutboxEntry } from '../../domain/notifications/types.ts';
import type { ProgramReadModel } from '../../domain/referrals/repository.ts';
import { notificationCard } from '../cards/notification-cards.ts';
import type { Names } from '../names.ts';

/**
 * The activity a notification posts: its card, and the alert flag that makes Teams show it in the
 * user's activity feed (personal chats).
 */
export function notificationActivity(entry: OutboxEntry, read: ProgramReadModel, names: Names): Partial<Activity> | null {
  const card = notificationCard(entry, read, names);
  if (card === null) return null;
  return {
    type: 'message',
    attachments: [CardFactory.adaptiveCard(card)],
    channelData: { notification: { alert: true } },
  };
}
