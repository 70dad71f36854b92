import { authorize, type Principal } from '../domain/access/policy.ts';
import type { SubscriptionBook } from '../domain/notifications/subscription-book.ts';
import type { ProgramReadModel } from '../domain/referrals/repository.ts';
import type { LocationRecord } from '../domain/referrals/types.ts';
import { chooseLocation, mpnIdIn } from './location-choice.ts';
import type { CommandReply, RefusalLog } from './referral-commands.ts';

export type SubscriptionReply =
  | Extract<CommandReply, { kind: 'refused' | 'guest' | 'problem' | 'pick-location' }>
  | { readonly kind: 'not-in-channel'; readonly command: 'subscribe' | 'unsubscribe' }
  | { readonly kind: 'subscribed'; readonly location: LocationRecord; readonly already: boolean; readonly channelHas: readonly string[] }
  | { readonly kind: 'unsubscribed'; readonly removed: readonly string[]; readonly kept: readonly string[] };

/** The conversation the command was typed in, as the bot stored it from the activity. */
export interface Where {
  readonly conversationId: string;
}

/**
 * `subscribe <mpnId>` routes a location's notifications to the team channel it is typed in;
 * `unsubscribe [mpnId]` stops them. Only the location's program admin (or FastTrack operations)
 * may do either, checked against the server's records; the channel is the one the message came
 * from, never one named in the text.
 */
export class SubscriptionCommands {
  constructor(
    private readonly book: SubscriptionBook,
    private readonly read: () => ProgramReadModel,
    private readonly logRefusal: RefusalLog,
  ) {}

  private refusal(p: Principal, mpnId: string): SubscriptionReply | null {
    const d = authorize(p, 'route-notifications', mpnId);
    if (d.allowed) return null;
    this.logRefusal({ action: 'route-notifications', mpnId, userId: p.aadObjectId, reason: d.reason });
    return { kind: 'refused', needed: d.needed, reason: d.reason };
  }

  private inChannel(where: Where): boolean {
    return this.book.conversation(where.conversationId)?.scope === 'channel';
  }

  async subscribe(p: Principal, text: string, where: Where): Promise<SubscriptionReply> {
    if (!this.inChannel(where)) return { kind: 'not-in-channel', command: 'subscribe' };
    const choice = chooseLocation(p, text);
    if (choice.kind === 'guest') return { kind: 'guest', command: 'subscribe' };
    if (choice.kind === 'ask-operations') return { kind: 'problem', message: 'Which location? Add its MPN ID, for example `subscribe 4100001`.' };
    const read = this.read();
    if (choice.kind === 'pick') return { kind: 'pick-location', command: 'subscribe', locations: choice.mpnIds.flatMap((m) => read.location(m) ?? []) };
    const refused = this.refusal(p, choice.mpnId);
    if (refused !== null) return refused;
    const location = read.location(choice.mpnId);
    if (location === undefined) return { kind: 'problem', message: `There is no location with MPN ID ${choice.mpnId}.` };
    const added = await this.book.subscribe(location.mpnId, where.conversationId, p.aadObjectId);
    const channelHas = this.book.subscriptionsIn(where.conversationId).map((s) => s.mpnId).sort();
    return { kind: 'subscribed', location, already: !added, channelHas };
  }

  /** With an MPN ID, stops that location; without, every location the caller may manage here. */
  async unsubscribe(p: Principal, text: string, where: Where): Promise<SubscriptionReply> {
    if (!this.inChannel(where)) return { kind: 'not-in-channel', command: 'unsubscribe' };
    const typed = mpnIdIn(text);
    const here = this.book.subscriptionsIn(where.conversationId).map((s) => s.mpnId);
    if (typed !== undefined) {
      const refused = this.refusal(p, typed);
      if (refused !== null) return refused;
      if (!here.includes(typed)) return { kind: 'problem', message: `This channel does not receive notifications for MPN ID ${typed}. It receives: ${here.length === 0 ? 'none' : here.join(', ')}.` };
    }
    const wanted = typed === undefined ? here : [typed];
    const mayManage = wanted.filter((m) => authorize(p, 'route-notifications', m).allowed);
    if (wanted.length > 0 && mayManage.length === 0) {
      const first = wanted[0] ?? '';
      return this.refusal(p, first) ?? { kind: 'problem', message: 'Nothing to stop.' };
    }
    const removed = await this.book.unsubscribe(where.conversationId, mayManage);
    return { kind: 'unsubscribed', removed, kept: here.filter((m) => !removed.includes(m)) };
  }
}
