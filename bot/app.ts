import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Server } from 'restify';
import { FaqConversation } from '../dialogs/conversation.ts';
import { ReferralService } from '../domain/referrals/referral-service.ts';
import { ReferralCommands, type RefusalLog } from '../dialogs/referral-commands.ts';
import { OpsCommands } from '../dialogs/ops-commands.ts';
import { RoleAdmin } from '../domain/access/role-admin.ts';
import { DEFAULT_PAUSE_SETTINGS } from '../domain/pause/index.ts';
import { changesTo } from '../data/store/change-builders.ts';
import { JsonStore, type StoreOptions } from '../data/store/json-store.ts';
import { LowdbFaqLog, LowdbGreetings } from '../data/store/faq-log-repository.ts';
import { LowdbProgramRepository } from '../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../data/store/schema.ts';
import { loadDemoSeed } from '../data/seed/demo-seed.ts';
import { createAdapter } from './adapter.ts';
import type { AppConfig } from './config.ts';
import { intakeRoutes } from './http/intake-routes.ts';
import { createServer } from './http/server.ts';
import { withRequestIds, type Logger } from './logger.ts';
import { shutDown, SHUTDOWN_LIMITS, type ShutdownLimits } from './shutdown.ts';
import { ReferralBot } from './referral-bot.ts';
import { StorageFollowUps } from './follow-up-storage.ts';
import { LowdbStorage } from '../data/store/bot-state-storage.ts';
import { loadRouting, type LoadedRouting } from './router-factory.ts';
import { LowdbOutbox } from '../data/store/outbox-store.ts';
import { SubscriptionCommands } from '../dialogs/subscription-commands.ts';
import { OutboxCommands } from '../dialogs/outbox-commands.ts';
import { ConnectorTransport, type NotificationTransport } from './notifications/connector-transport.ts';
import { DEFAULT_WORKER_OPTIONS, OutboxWorker } from './notifications/outbox-worker.ts';
import { NotificationScheduler, DEFAULT_SCHEDULER_OPTIONS } from './notifications/scheduler.ts';
import { notificationActivity } from './notifications/render.ts';
import type { ServiceUrlPolicy } from './notifications/service-url.ts';
import { namesFrom } from './names.ts';
import { Dashboard } from '../dialogs/dashboard.ts';
import { SsoVerifier, fetchJsonOverHttp, type FetchJson } from './http/tab-auth.ts';
import { tabApiRoutes } from './http/tab-routes.ts';
import { tabStaticRoutes } from './http/tab-static.ts';
import { aboutPageRoutes } from './http/about-pages.ts';
import { COMMANDS } from './commands/command-table.ts';
import { DEFAULT_TARGET } from '../domain/acceptance/target.ts';

const storeChanges = changesTo<StoreData>();

export interface App {
  readonly server: Server;
  readonly store: JsonStore<StoreData>;
  readonly repository: LowdbProgramRepository;
  readonly referrals: ReferralService;
  readonly bot: ReferralBot;
  readonly outbox: LowdbOutbox;
  readonly worker: OutboxWorker;
  readonly scheduler: NotificationScheduler;
  /** Starts the notification worker and the scheduler (tests may drive them by hand instead). */
  startBackground(): void;
  /** Graceful shutdown (see shutDown); tests may shorten the limits. */
  close(limits?: Partial<ShutdownLimits>): Promise<void>;
}

/** The store's lowdb snapshot; its journal is beside it (`db.json.journal`, see journalFileOf). */
export function storeFile(config: Pick<AppConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'db.json');
}

/** Snapshot cadence; the defaults suit the bot, the crash-loop test snapshots far more often. */
export type StoreTuning = Pick<StoreOptions, 'snapshotEveryEntries' | 'snapshotEveryBytes'>;

/** Opens the store and, when it is empty and the config allows it, loads the demo program. */
export async function openStore(
  config: AppConfig,
  logger: Logger,
  now: () => Date,
  tuning: StoreTuning = {},
): Promise<{ store: JsonStore<StoreData>; repository: LowdbProgramRepository }> {
  const store = await JsonStore.open<StoreData>(storeFile(config), storeSchema, emptyStore, { ...tuning, warn: (message) => logger.warn(message) });
  const repository = new LowdbProgramRepository(store);
  if (config.seedDemoData && store.data.seededAt === null && store.data.locations.length === 0) {
    const summary = await loadDemoSeed(repository, now(), randomUUID);
    await store.update(() => ({ result: undefined, changes: [storeChanges.set('seededAt', now().toISOString())] }));
    logger.info('loaded the demo program into an empty store', { ...summary });
  }
  return { store, repository };
}

export interface BotParts {
  readonly store: JsonStore<StoreData>;
  readonly repository: LowdbProgramRepository;
  readonly referrals: ReferralService;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly routing: LoadedRouting;
  /** The notification outbox; one per repository (it hooks the repository's transactions). */
  readonly outbox?: LowdbOutbox;
  readonly serviceUrls?: ServiceUrlPolicy;
  /** The emulator's channel is accepted only in local development mode. */
  readonly allowEmulator?: boolean;
}

/** Wires the conversation side (FAQ, commands, operations, follow-ups) onto a store; tests reuse it. */
export function composeBot(parts: BotParts): ReferralBot {
  const { store, repository, referrals, logger, now } = parts;
  const { knowledgeBase, router } = parts.routing;
  const faqLog = new LowdbFaqLog(store);
  const faq = new FaqConversation(router, knowledgeBase, faqLog, now);
  const logRefusal = (entry: Parameters<RefusalLog>[0]): void => logger.warn('refused', { ...entry });
  const commands = new ReferralCommands(referrals, now, logRefusal);
  const ops = new OpsCommands({
    service: referrals,
    roles: new RoleAdmin(repository),
    faqLog,
    knowledgeBase,
    logRefusal,
    audit: (message, entry) => logger.info(message, { ...entry }),
  });
  const outbox = parts.outbox ?? new LowdbOutbox(store, repository, now);
  const read = () => referrals.read();
  return new ReferralBot({
    commands: {
      partner: commands,
      ops,
      subscriptions: new SubscriptionCommands(outbox, read, logRefusal),
      outbox: new OutboxCommands(outbox, logRefusal),
      read,
      faq,
      followUps: new StorageFollowUps(new LowdbStorage(store, now)),
      names: namesFrom(read),
      now,
      commands: COMMANDS,
    },
    read,
    greetings: new LowdbGreetings(store),
    conversations: outbox,
    serviceUrls: parts.serviceUrls ?? { extraHosts: [], allowLocal: true },
    channels: { allowEmulator: parts.allowEmulator ?? false },
    refusals: { channel: 0 },
    logger,
    now,
  });
}

/**
 * The composition root: config, then store, then services, then bot, then server. Everything a
 * piece needs is passed in; nothing lives in module state.
 */
export async function buildApp(
  config: AppConfig,
  baseLogger: Logger,
  now: () => Date = () => new Date(),
  transportFor: (adapter: ReturnType<typeof createAdapter>) => NotificationTransport = (adapter) => new ConnectorTransport(adapter, config.microsoftAppId),
  /** Where the tab's SSO check gets tenant keys; tests hand in theirs here, never through config in production. */
  fetchTabKeys: FetchJson = fetchJsonOverHttp,
  tuning: StoreTuning = {},
): Promise<App> {
  // Every part logs through this one, so lines written while a request is answered carry its id.
  const logger = withRequestIds(baseLogger);
  const { store, repository } = await openStore(config, logger, now, tuning);
  const referrals = new ReferralService(repository, now, randomUUID, {
    pause: { ...DEFAULT_PAUSE_SETTINGS, minDaysBetweenPauses: config.pauseMinDaysBetween },
    quarters: config.quarters,
    target: DEFAULT_TARGET,
  });
  const outbox = new LowdbOutbox(store, repository, now);
  const recovered = await outbox.recoverInFlight();
  if (recovered > 0) logger.warn('notifications in flight at the last stop are marked unconfirmed', { count: recovered });
  const serviceUrls = { extraHosts: config.serviceUrlHosts, allowLocal: config.allowLocalServiceUrls };
  const bot = composeBot({ store, repository, referrals, logger, now, routing: loadRouting(), outbox, serviceUrls, allowEmulator: config.authDisabled && !config.production });
  const adapter = createAdapter(config, logger);
  const names = namesFrom(() => referrals.read());
  const worker = new OutboxWorker(
    outbox,
    transportFor(adapter),
    (entry) => notificationActivity(entry, referrals.read(), names),
    // Not the request-scoped logger: a request that queues a notification only wakes the worker,
    // and its sends, retries and timers would otherwise carry that request's id for good.
    baseLogger,
    { ...DEFAULT_WORKER_OPTIONS, ratePerSecond: config.notifyRatePerSecond, retry: { ...DEFAULT_WORKER_OPTIONS.retry, maxAttempts: config.notifyMaxAttempts } },
    () => now().getTime(),
  );
  const scheduler = new NotificationScheduler(referrals, outbox, baseLogger, now, DEFAULT_SCHEDULER_OPTIONS);
  const server = createServer({
    adapter,
    runTurn: (context) => bot.run(context),
    logger,
    maxBodyBytes: config.maxBodyBytes,
    allowedTenants: config.allowedTenants,
    health: () => {
      const h = store.health;
      return { ok: h.ok, details: { store: { ok: h.ok, problem: h.problem, journalLines: store.stats.lines }, outbox: outbox.counts() } };
    },
    routes: [
      intakeRoutes(referrals, config.intakeApiKey, logger),
      tabStaticRoutes(logger),
      aboutPageRoutes(),
      tabApiRoutes({
        dashboard: new Dashboard(referrals, outbox, now),
        read: () => referrals.read(),
        sso:
          config.tabSsoAudience === null
            ? null
            : new SsoVerifier({ audience: config.tabSsoAudience, allowedTenants: config.allowedTenants, metadataUrl: config.tabOpenIdMetadataUrl }, fetchTabKeys),
        devSignIn: config.tabDevSignIn,
        logger,
      }),
    ],
  });
  let sending = false;
  return {
    server,
    store,
    repository,
    referrals,
    bot,
    outbox,
    worker,
    scheduler,
    startBackground() {
      sending = true;
      worker.start();
      scheduler.start();
    },
    close(limits = {}) {
      return shutDown({ server, scheduler, worker, outbox, store, logger, sending }, { ...SHUTDOWN_LIMITS, ...limits });
    },
  };
}
