import type { FaqFeedback, FaqLog, UnansweredQuestion } from '../../domain/faq/topic.ts';
import { changesTo } from './change-builders.ts';
import type { JsonStore } from './json-store.ts';
import type { StoreData } from './schema.ts';

/** Keeps the newest questions only: the list is a to-do for the program team, not an archive. */
const MAX_UNANSWERED = 5000;
const MAX_TEXT = 500;

const change = changesTo<StoreData>();

export class LowdbFaqLog implements FaqLog {
  constructor(private readonly store: JsonStore<StoreData>) {}

  async recordFeedback(feedback: FaqFeedback): Promise<void> {
    await this.store.update(() => ({ result: undefined, changes: [change.append('faqFeedback', [{ ...feedback }])] }));
  }

  async recordUnanswered(q: UnansweredQuestion): Promise<void> {
    await this.store.update((d) => {
      const over = d.unanswered.length + 1 - MAX_UNANSWERED;
      const changes = [change.append('unanswered', [{ ...q, text: q.text.slice(0, MAX_TEXT), closest: [...q.closest] }])];
      if (over > 0) changes.push(change.dropFirst('unanswered', over));
      return { result: undefined, changes };
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
    return this.store.update((d) =>
      d.greetedConversations.some((g) => g.conversationId === conversationId)
        ? { result: false, changes: [] }
        : { result: true, changes: [change.append('greetedConversations', [{ conversationId, at }])] },
    );
  }

  forget(conversationId: string): Promise<void> {
    return this.store.update((d) => {
      const kept = d.greetedConversations.filter((g) => g.conversationId !== conversationId);
      // Rare (the bot was removed), so the whole short list is journaled rather than a new kind of change.
      return { result: undefined, changes: kept.length === d.greetedConversations.length ? [] : [change.set('greetedConversations', kept)] };
    });
  }
}
