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

/** What a message asks for, resolved against the knowledge base; the bot acts on it. */
export type Understood =
  | { readonly kind: 'empty' }
  | { readonly kind: 'command'; readonly name: string }
  | { readonly kind: 'faq'; readonly topic: FaqTopic; readonly related: readonly FaqTopic[] }
  | { readonly kind: 'unsure'; readonly score: number };

export type FaqAnswer = Extract<Understood, { kind: 'faq' }>;

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

  answer(topic: FaqTopic): FaqAnswer {
    return { kind: 'faq', topic, related: this.topics(topic.related) };
  }

  /** Routes a message; nothing is recorded here, so a message answered otherwise leaves no trace. */
  understand(text: string): Understood {
    const trimmed = text.trim();
    if (trimmed === '') return { kind: 'empty' };
    const route = this.router.route(trimmed);
    if (route.intent.kind === 'command') return { kind: 'command', name: route.intent.name };
    if (route.intent.kind === 'faq') {
      const topic = this.kb.topic(route.intent.topicId);
      if (topic !== undefined) return this.answer(topic);
    }
    return { kind: 'unsure', score: route.score };
  }

  /**
   * The bot could not answer: the closest topics to offer, and the question stored so the program
   * team sees what partners ask that the knowledge base does not cover.
   */
  async notSure(text: string, score: number, caller: Caller): Promise<readonly FaqTopic[]> {
    const trimmed = text.trim();
    const closest = this.topics(this.router.closestTopics(trimmed, 3));
    await this.log.recordUnanswered({
      text: trimmed,
      userId: caller.userId,
      tenantId: caller.tenantId,
      closest: closest.map((t) => t.id),
      score,
      at: this.now().toISOString(),
    });
    return closest;
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
