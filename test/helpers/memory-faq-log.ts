import type { FaqFeedback, FaqLog, UnansweredQuestion } from '../../domain/faq/topic.ts';

/** In-memory FaqLog for dialog tests that are not about persistence. */
export class MemoryFaqLog implements FaqLog {
  readonly feedback: FaqFeedback[] = [];
  readonly unanswered: UnansweredQuestion[] = [];

  async recordFeedback(f: FaqFeedback): Promise<void> {
    this.feedback.push(f);
  }

  async recordUnanswered(q: UnansweredQuestion): Promise<void> {
    this.unanswered.push(q);
  }

  async recentUnanswered(limit: number): Promise<readonly UnansweredQuestion[]> {
    return this.unanswered.slice(-limit).reverse();
  }
}
