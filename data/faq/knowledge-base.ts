import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FaqTopic, KnowledgeBase } from '../../domain/faq/topic.ts';
import { REQUIRED_TOPIC_IDS } from './topic-ids.ts';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const topicSchema = z.object({
  id: nonEmpty,
  title: nonEmpty,
  question: nonEmpty,
  phrasings: z.array(nonEmpty).min(1),
  keywords: z.array(nonEmpty).default([]),
  answer: nonEmpty,
  related: z.array(nonEmpty).default([]),
});

const fileSchema = z.object({ topics: z.array(topicSchema) });

export class KnowledgeBaseError extends Error {
  constructor(reason: string) {
    super(`The FAQ knowledge base is not usable: ${reason}`);
    this.name = 'KnowledgeBaseError';
  }
}

export const KNOWLEDGE_BASE_FILE = new URL('./topics.json', import.meta.url);

/**
 * Builds the knowledge base and refuses one that misses a required topic, repeats an id or points
 * a related-topic button at nothing: the bot must not start with a hole in its answers.
 */
export function buildKnowledgeBase(json: unknown): KnowledgeBase {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KnowledgeBaseError(`${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim());
  }
  const topics: FaqTopic[] = parsed.data.topics;
  const byId = new Map<string, FaqTopic>();
  for (const t of topics) {
    if (byId.has(t.id)) throw new KnowledgeBaseError(`topic "${t.id}" appears twice`);
    byId.set(t.id, t);
  }
  const missing = REQUIRED_TOPIC_IDS.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new KnowledgeBaseError(`missing topic(s): ${missing.join(', ')}`);
  for (const t of topics) {
    for (const r of t.related) {
      if (!byId.has(r) || r === t.id) throw new KnowledgeBaseError(`topic "${t.id}" has an invalid related topic "${r}"`);
    }
  }
  return { topics, topic: (id) => byId.get(id) };
}

export function loadKnowledgeBase(file: URL = KNOWLEDGE_BASE_FILE): KnowledgeBase {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf-8'));
  } catch (err) {
    throw new KnowledgeBaseError(`cannot read ${file.pathname}: ${(err as Error).message}`);
  }
  return buildKnowledgeBase(json);
}
