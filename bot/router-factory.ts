import type { KnowledgeBase } from '../domain/faq/topic.ts';
import { loadKnowledgeBase } from '../data/faq/knowledge-base.ts';
import { loadCommandExamples, loadOutOfScope } from '../data/router/training-set.ts';
import { IntentRouter, type RouterOptions, DEFAULT_ROUTER_OPTIONS } from '../dialogs/router/intent-router.ts';

export interface LoadedRouting {
  readonly knowledgeBase: KnowledgeBase;
  readonly router: IntentRouter;
}

/** The knowledge base and the router exactly as the running bot builds them. */
export function loadRouting(options: RouterOptions = DEFAULT_ROUTER_OPTIONS): LoadedRouting {
  const knowledgeBase = loadKnowledgeBase();
  const router = new IntentRouter(
    { topics: knowledgeBase.topics, commands: loadCommandExamples(), outOfScope: loadOutOfScope() },
    options,
  );
  return { knowledgeBase, router };
}
