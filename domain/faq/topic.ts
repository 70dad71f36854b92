/** One program-rule topic the bot can answer; `id` is the stable contract id from faq-topics.json. */
export interface FaqTopic {
  readonly id: string;
  readonly title: string;
  readonly question: string;
  readonly phrasings: readonly string[];
  readonly keywords: readonly string[];
  readonly answer: string;
  readonly related: readonly string[];
}

export interface KnowledgeBase {
  readonly topics: readonly FaqTopic[];
  topic(id: string): FaqTopic | undefined;
}

/** What the bot records when a user rates an answer. */
export interface FaqFeedback {
  readonly topicId: string;
  readonly helpful: boolean;
  readonly userId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly at: string;
}

/** A question the bot could not answer, kept so the program team sees what to add. */
export interface UnansweredQuestion {
  readonly text: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly closest: readonly string[];
  readonly score: number;
  readonly at: string;
}

/** Where FAQ feedback and unanswered questions are kept. */
export interface FaqLog {
  recordFeedback(feedback: FaqFeedback): Promise<void>;
  recordUnanswered(question: UnansweredQuestion): Promise<void>;
  recentUnanswered(limit: number): Promise<readonly UnansweredQuestion[]>;
}
