import type { KnowledgeBase } from '../domain/faq/topic.ts';
import { loadKnowledgeBase } from '../data/faq/knowledge-base.ts';
import { loadOutOfScope } from '../data/router/training-set.ts';
import { IntentRouter, type RouterOptions, DEFAULT_ROUTER_OPTIONS } from '../dialogs/router/intent-router.ts';
import { commandExamples, typedCommand } from './commands/command-table.ts';

export interface LoadedRouting {
  readonly knowledgeBase: KnowledgeBase;
  readonly router: IntentRouter;
}

/** The knowledge base and the router exactly as the running bot builds them, commands from the command table. */
export function loadRouting(options: RouterOptions = DEFAULT_ROUTER_OPTIONS): LoadedRouting {
  const knowledgeBase = loadKnowledgeBase();
  const router = new IntentRouter(
    { topics: knowledgeBase.topics, commands: commandExamples(), outOfScope: loadOutOfScope(), exact: typedCommand },
    options,
  );
  return { knowledgeBase, router };
}
