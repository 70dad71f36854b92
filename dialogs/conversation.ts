import type { FaqLog, FaqTopic, KnowledgeBase } from '../domain/faq/topic.ts';
import type { RouteResult } from './router/intent-router.ts';

/** Routes text; the IntentRouter is the real one, tests may pass another. */
export interface Router {
  route(text: string): RouteResult;
  closestTopics(text: string, limit: number): string[];
}

/** Who is talking, taken from the activity by the bot, never from a card payload. */
export interface Caller {
  readonly userId: string;
  readonly tenantId: string;
  readonly conversationId: string;
}

/** What the bot should say; the bot layer renders it as cards or text. */
export type Reply =
  | { readonly kind: 'faq'; readonly topic: FaqTopic; readonly related: readonly FaqTopic[] }
  | { readonly kind: 'not-sure'; readonly closest: readonly FaqTopic[] }
  | { readonly kind: 'help'; readonly suggested: readonly FaqTopic[] }
  | { readonly kind: 'coming-soon'; readonly command: string }
  | { readonly kind: 'command'; readonly command: LocationCommand; readonly text: string }
  | { readonly kind: 'ops'; readonly command: OpsCommand; readonly text: string }
  | { readonly kind: 'notifications'; readonly command: NotificationCommand; readonly text: string }
  | { readonly kind: 'empty' };

/** Commands about a partner location, handled by ReferralCommands. */
export const LOCATION_COMMANDS = ['pending', 'accept', 'decline', 'acceptance-rate', 'pause', 'resume', 'status'] as const;
export type LocationCommand = (typeof LOCATION_COMMANDS)[number];

function isLocationCommand(c: string): c is LocationCommand {
  return (LOCATION_COMMANDS as readonly string[]).includes(c);
}

/** Commands for FastTrack operations staff, handled by OpsCommands. */
export const OPS_COMMANDS = ['referral', 'explain', 'reassign', 'unanswered', 'role'] as const;
export type OpsCommand = (typeof OPS_COMMANDS)[number];

function isOpsCommand(c: string): c is OpsCommand {
  return (OPS_COMMANDS as readonly string[]).includes(c);
}

/** Where notifications go (`subscribe`, `unsubscribe`) and what failed (`notifications`, operations). */
export const NOTIFICATION_COMMANDS = ['subscribe', 'unsubscribe', 'notifications'] as const;
export type NotificationCommand = (typeof NOTIFICATION_COMMANDS)[number];

function isNotificationCommand(c: string): c is NotificationCommand {
  return (NOTIFICATION_COMMANDS as readonly string[]).includes(c);
}

/** Topics offered as first questions on the welcome and help cards. */
const SUGGESTED = ['capacity-pause', 'acceptance-rate', 'split-assignments', 'referral-incentives'];

/**
 * The FAQ conversation: a message in, one reply out. Unanswered questions are stored so the
 * program team sees what partners ask that the knowledge base does not cover.
 */
export class FaqConversation {
  constructor(
    private readonly router: Router,
    private readonly kb: KnowledgeBase,
    private readonly log: FaqLog,
    private readonly now: () => Date,
  ) {}

  suggested(): FaqTopic[] {
    return this.topics(SUGGESTED);
  }

  private topics(ids: readonly string[]): FaqTopic[] {
    return ids.map((id) => this.kb.topic(id)).filter((t): t is FaqTopic => t !== undefined);
  }

  answer(topic: FaqTopic): Reply {
    return { kind: 'faq', topic, related: this.topics(topic.related) };
  }

  async respond(text: string, caller: Caller): Promise<Reply> {
    const trimmed = text.trim();
    if (trimmed === '') return { kind: 'empty' };
    const route = this.router.route(trimmed);
    if (route.label.startsWith('faq:')) {
      const topic = this.kb.topic(route.label.slice(4));
      if (topic !== undefined) return this.answer(topic);
    }
    if (route.label === 'cmd:help') return { kind: 'help', suggested: this.suggested() };
    if (route.label.startsWith('cmd:')) {
      const command = route.label.slice(4);
      if (isLocationCommand(command)) return { kind: 'command', command, text: trimmed };
      if (isNotificationCommand(command)) return { kind: 'notifications', command, text: trimmed };
      return isOpsCommand(command) ? { kind: 'ops', command, text: trimmed } : { kind: 'coming-soon', command };
    }

    const closest = this.topics(this.router.closestTopics(trimmed, 3));
    await this.log.recordUnanswered({
      text: trimmed,
      userId: caller.userId,
      tenantId: caller.tenantId,
      closest: closest.map((t) => t.id),
      score: route.score,
      at: this.now().toISOString(),
    });
    return { kind: 'not-sure', closest };
  }

  /**
   * Records a yes/no rating. The topic id comes from a card, so it is checked against the
   * knowledge base; the user comes from the activity.
   */
  async rate(topicId: string, helpful: boolean, caller: Caller): Promise<FaqTopic | undefined> {
    const topic = this.kb.topic(topicId);
    if (topic === undefined) return undefined;
    await this.log.recordFeedback({
      topicId,
      helpful,
      userId: caller.userId,
      tenantId: caller.tenantId,
      conversationId: caller.conversationId,
      at: this.now().toISOString(),
    });
    return topic;
  }
}
