import type { FaqFeedback, FaqLog, UnansweredQuestion } from '../../domain/faq/topic.ts';
import type { JsonStore } from './json-store.ts';
import type { StoreData } from './schema.ts';

/** Keeps the newest questions only: the list is a to-do for the program team, not an archive. */
const MAX_UNANSWERED = 5000;
const MAX_TEXT = 500;

export class LowdbFaqLog implements FaqLog {
  constructor(private readonly store: JsonStore<StoreData>) {}

  async recordFeedback(feedback: FaqFeedback): Promise<void> {
    await this.store.update((d) => {
      d.faqFeedback.push({ ...feedback });
    });
  }

  async recordUnanswered(q: UnansweredQuestion): Promise<void> {
    await this.store.update((d) => {
      d.unanswered.push({ ...q, text: q.text.slice(0, MAX_TEXT), closest: [...q.closest] });
      if (d.unanswered.length > MAX_UNANSWERED) d.unanswered.splice(0, d.unanswered.length - MAX_UNANSWERED);
    });
  }

  async recentUnanswered(limit: number): Promise<readonly UnansweredQuestion[]> {
    return limit > 0 ? this.store.data.unanswered.slice(-limit).reverse() : [];
  }
}

/** Remembers which conversations were greeted, so Teams' twin install events greet once. */
export class LowdbGreetings {
  constructor(private readonly store: JsonStore<StoreData>) {}

  /** True when this call is the first for the conversation (and records it). */
  markGreeted(conversationId: string, at: string): Promise<boolean> {
    return this.store.update((d) => {
      if (d.greetedConversations.some((g) => g.conversationId === conversationId)) return false;
      d.greetedConversations.push({ conversationId, at });
      return true;
    });
  }

  forget(conversationId: string): Promise<void> {
    return this.store.update((d) => {
      d.greetedConversations = d.greetedConversations.filter((g) => g.conversationId !== conversationId);
    });
  }
}
