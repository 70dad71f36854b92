import path from 'node:path';
import type { Server } from 'restify';
import { FaqConversation } from '../dialogs/conversation.ts';
import { JsonStore } from '../data/store/json-store.ts';
import { LowdbFaqLog, LowdbGreetings } from '../data/store/faq-log-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../data/store/schema.ts';
import { createAdapter } from './adapter.ts';
import type { AppConfig } from './config.ts';
import { createServer } from './http/server.ts';
import type { Logger } from './logger.ts';
import { ReferralBot } from './referral-bot.ts';
import { loadRouting } from './router-factory.ts';

export interface App {
  readonly server: Server;
  readonly store: JsonStore<StoreData>;
  readonly bot: ReferralBot;
  close(): Promise<void>;
}

/**
 * The composition root: config, then store, then services, then bot, then server. Everything a
 * piece needs is passed in; nothing lives in module state.
 */
export async function buildApp(config: AppConfig, logger: Logger, now: () => Date = () => new Date()): Promise<App> {
  const store = await JsonStore.open<StoreData>(path.join(config.dataDir, 'db.json'), storeSchema, emptyStore);
  const { knowledgeBase, router } = loadRouting();
  const faq = new FaqConversation(router, knowledgeBase, new LowdbFaqLog(store), now);
  const bot = new ReferralBot(faq, new LowdbGreetings(store), logger, now);
  const adapter = createAdapter(config, logger);
  const server = createServer({
    adapter,
    runTurn: (context) => bot.run(context),
    logger,
    maxBodyBytes: config.maxBodyBytes,
    allowedTenants: config.allowedTenants,
  });
  return {
    server,
    store,
    bot,
    async close() {
      server.close();
      await store.flush();
    },
  };
}
