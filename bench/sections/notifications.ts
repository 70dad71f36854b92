import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAdapter } from '../../bot/adapter.ts';
import { loadConfig } from '../../bot/config.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { namesFrom } from '../../bot/names.ts';
import { ConnectorTransport, type NotificationTransport } from '../../bot/notifications/connector-transport.ts';
import { DEFAULT_WORKER_OPTIONS, OutboxWorker, type WorkerOptions } from '../../bot/notifications/outbox-worker.ts';
import { notificationActivity } from '../../bot/notifications/render.ts';
import { serviceUrlProblem } from '../../bot/notifications/service-url.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { OutboxEntry, OutboxState } from '../../domain/notifications/types.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { location, newReferral, partner } from '../../test/helpers/program-fixture.ts';
import { loadRow, timedAsync, verdict } from '../measure.ts';
import { startStandInProcess, type PostSeen } from '../stand-in-process.ts';
import type { Row, Section } from '../section.ts';
import { percentile } from '../stats.ts';

export interface NotificationsBenchOptions {
  /** Channel conversations the fan-out goes to. */
  readonly conversations: number;
  /** Notifications each conversation receives; the total is conversations × this. */
  readonly perConversation: number;
  /** Channels subscribed to each location (each channel to one location). */
  readonly channelsPerLocation: number;
  /** Intakes in flight while the outbox is filled (they share journal appends). */
  readonly intakeInFlight: number;
  /** Section name; `notifications-hot` is the same run on a few busy conversations. */
  readonly name?: string;
  /**
   * What paces the run: the global rate (many conversations), or Teams' per-thread windows (a few
   * conversations with many notifications each, where the global rate is not the limit).
   */
  readonly pacedBy?: 'global' | 'thread';
  /** How often the drain is checked (outbox counts), which bounds the drain time's resolution. */
  readonly pollMs: number;
}

export const NOTIFICATIONS_DEFAULTS: NotificationsBenchOptions = {
  conversations: 500,
  perConversation: 10,
  channelsPerLocation: 10,
  intakeInFlight: 16,
  pollMs: 20,
};

/** Teams' per-thread limits (7 in 1 s, 8 in 2 s) and its per-bot limit (about 50 requests/s). */
const TEAMS_THREAD_PER_1S = 7;
const TEAMS_THREAD_PER_2S = 8;
const TEAMS_BOT_PER_1S = 50;
/** The worker should keep the pace it is configured for: achieved / configured at least this. */
const PACE_KEPT = 0.9;

/** A start and an end (Date.now()), to see where a send's time goes. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The real outbox, timing each claim: the worker takes its global token and starts the claim in
 * the same step, and the request leaves only once the claim is on disk (a journal append).
 */
class TimedOutbox extends LowdbOutbox {
  readonly claims: Span[] = [];

  override async claim(key: string): Promise<OutboxEntry | undefined> {
    const start = Date.now();
    try {
      return await super.claim(key);
    } finally {
      this.claims.push({ start, end: Date.now() });
    }
  }
}

/** The real transport, timing each send from the call to the connector's answer. */
function timedTransport(real: NotificationTransport, sends: Span[]): NotificationTransport {
  return {
    async send(to, activity, claim) {
      const start = Date.now();
      try {
        return await real.send(to, activity, claim);
      } finally {
        sends.push({ start, end: Date.now() });
      }
    },
  };
}

interface Planned {
  /** Referral ids each conversation is due, in its outbox queue order. */
  readonly byConversation: ReadonlyMap<string, readonly string[]>;
  readonly total: number;
  readonly locations: number;
  readonly referrals: number;
  readonly setupMs: number;
  readonly intakeMs: number;
}

/**
 * A fan-out of new-referral notifications through the bot's real sending path: ReferralService
 * intake plans one outbox entry per subscribed channel in the offer's own store update (JsonStore
 * in a temp dir), then OutboxWorker.start() sends them with real timers through ConnectorTransport
 * and botbuilder's CloudAdapter (createAdapter, no app id) to the notification stand-in, which
 * records every post with its arrival time. The figures are read from those arrivals: drain time,
 * global rate, peak posts in any 1 s (per conversation and overall), duplicates, losses, order.
 *
 * Shape: L locations, each with its own workload so a referral has exactly one eligible location,
 * each subscribed by `channelsPerLocation` channels; `perConversation` referrals per location. Each
 * referral thus yields one entry per subscribed channel, and each channel gets `perConversation`.
 */
export function notificationsSection(o: NotificationsBenchOptions = NOTIFICATIONS_DEFAULTS): Section {
  const total = o.conversations * o.perConversation;
  return {
    name: o.name ?? 'notifications',
    title: `Notifications: ${total.toLocaleString('en-US')}-notification fan-out to ${o.conversations} conversations${o.pacedBy === 'thread' ? ` (${o.perConversation} each: Teams' per-thread limits are what binds)` : ''}, real OutboxWorker + ConnectorTransport + CloudAdapter, to a local connector stand-in`,
    async run() {
      if (o.conversations % o.channelsPerLocation !== 0) throw new Error('conversations must be a multiple of channelsPerLocation');
      const rows: Row[] = [loadRow('at start')];
      const dir = await mkdtemp(path.join(os.tmpdir(), 'ft-bench-notify-'));
      const standIn = await startStandInProcess();
      let posts: PostSeen[] | null = null;
      const config = loadConfig({ DATA_DIR: dir, PORT: '0' }, process.cwd());
      if (!config.authDisabled) throw new Error('the benchmark needs auth off (no MicrosoftAppId)');
      const urlProblem = serviceUrlProblem(standIn.serviceUrl, { extraHosts: config.serviceUrlHosts, allowLocal: config.allowLocalServiceUrls });
      if (urlProblem !== null) throw new Error(`the bot would refuse the stand-in's service URL: ${urlProblem}`);
      const logger = memoryLogger();
      const store = await JsonStore.open<StoreData>(path.join(config.dataDir, 'db.json'), storeSchema, emptyStore, { warn: (m) => logger.warn(m) });
      const repository = new LowdbProgramRepository(store);
      const now = (): Date => new Date();
      let ids = 0;
      const referrals = new ReferralService(repository, now, () => `n-${++ids}`);
      const outbox = new TimedOutbox(store, repository, now);
      const sends: Span[] = [];
      // As bot/app.ts composes them.
      const options: WorkerOptions = {
        ...DEFAULT_WORKER_OPTIONS,
        ratePerSecond: config.notifyRatePerSecond,
        retry: { ...DEFAULT_WORKER_OPTIONS.retry, maxAttempts: config.notifyMaxAttempts },
      };
      const names = namesFrom(() => referrals.read());
      const worker = new OutboxWorker(
        outbox,
        timedTransport(new ConnectorTransport(createAdapter(config, logger), config.microsoftAppId), sends),
        (entry) => notificationActivity(entry, referrals.read(), names),
        logger,
        options,
        () => now().getTime(),
      );
      try {
        const planned = await plan(o, standIn.serviceUrl, referrals, repository, outbox);
        rows.push({
          metric: 'outbox planned',
          value: `${planned.total} entries`,
          note: `${planned.locations} locations × ${o.channelsPerLocation} channels, ${planned.referrals} referrals by ReferralService.intake (${o.perConversation} per location) → ${o.perConversation} per conversation, all pending (checked before timing); set up in ${(planned.setupMs / 1000).toFixed(1)} s, intakes ${(planned.intakeMs / 1000).toFixed(1)} s`,
        });

        const storeBefore = store.stats;
        const timeoutMs = (2 * total * 1000) / options.ratePerSecond + 30_000;
        const cpu = process.cpuUsage();
        const started = performance.now();
        const startedAt = Date.now();
        worker.start();
        let counts = outbox.counts();
        while (counts.pending + counts.sending > 0 && performance.now() - started < timeoutMs) {
          await new Promise((resolve) => setTimeout(resolve, o.pollMs));
          counts = outbox.counts();
        }
        const drainMs = performance.now() - started;
        const cpuUsed = process.cpuUsage(cpu);
        await worker.stop();
        const timedOut = counts.pending + counts.sending > 0;
        const storeAfter = store.stats;
        await store.flush();
        const fileBytes = (await stat(store.file)).size;

        rows.push(
          ...figures(o, options, planned, (posts = await standIn.report()), outbox.counts(), outbox.claims, sends, {
            drainMs,
            startedAt,
            timedOut,
            cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
            appends: storeAfter.appends - storeBefore.appends,
            lines: storeAfter.lines - storeBefore.lines,
            snapshots: storeAfter.snapshots - storeBefore.snapshots,
            fileBytes,
          }),
        );
        const level = (l: string) => logger.entries.filter((e) => e.level === l);
        const problems = [...level('error'), ...level('warn')];
        rows.push(
          {
            metric: 'bot log errors / warnings',
            value: `${level('error').length} / ${level('warn').length}`,
            note: problems[0] === undefined ? 'retries, dead letters and failed steps would show here' : `first: ${problems[0].message} ${JSON.stringify(problems[0].context ?? {}).slice(0, 160)}`,
          },
          loadRow('at end'),
        );
        return rows;
      } finally {
        await worker.stop();
        await store.flush();
        if (posts === null) standIn.kill();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs `fn` over `items` with at most `inFlight` calls pending. */
async function pool<T>(items: readonly T[], inFlight: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
}

/** Fills the outbox the way the bot does, and checks it holds exactly the fan-out intended. */
async function plan(
  o: NotificationsBenchOptions,
  serviceUrl: string,
  service: ReferralService,
  repository: LowdbProgramRepository,
  outbox: LowdbOutbox,
): Promise<Planned> {
  const locations = o.conversations / o.channelsPerLocation;
  const mpnIds = Array.from({ length: locations }, (_, i) => String(7_000_001 + i));
  const setup = await timedAsync(async () => {
    await repository.transaction((tx) => {
      mpnIds.forEach((mpnId, i) => {
        // One workload per partner: a referral for workload Wi has exactly one eligible location.
        tx.putPartner(partner(`P${i + 1}`, [`W${i + 1}`]));
        tx.putLocation(location(mpnId, `P${i + 1}`));
      });
    });
    const channels = Array.from({ length: o.conversations }, (_, c) => ({ c, id: `19:bench-channel-${c + 1}@thread.tacv2`, mpnId: mpnIds[Math.floor(c / o.channelsPerLocation)] ?? '' }));
    // Concurrent calls share journal appends (group commit).
    await Promise.all(
      channels.map((ch) =>
        outbox.remember({ id: ch.id, serviceUrl, tenantId: 'bench-tenant', scope: 'channel', userAadObjectId: null, teamId: `19:bench-team-${Math.floor(ch.c / 25) + 1}@thread.tacv2`, channelId: ch.id }),
      ),
    );
    await Promise.all(channels.map((ch) => outbox.subscribe(ch.mpnId, ch.id, 'bench')));
  });

  // Referral r goes to location r mod L, so the locations' referrals interleave in time.
  const requests = Array.from({ length: locations * o.perConversation }, (_, r) => ({ r, mpnId: mpnIds[r % locations] ?? '', workload: `W${(r % locations) + 1}` }));
  const misplaced: string[] = [];
  const intake = await timedAsync(() =>
    pool(requests, o.intakeInFlight, async (q) => {
      const { referral } = await service.intake(newReferral(`R-${100_001 + q.r}`, [q.workload]));
      const parts = referral.assignments.map((a) => a.mpnId);
      if (parts.length !== 1 || parts[0] !== q.mpnId || referral.ftc.length > 0) misplaced.push(`${referral.id} → ${parts.join('+') || 'FTC'}`);
    }),
  );
  if (misplaced.length > 0) throw new Error(`${misplaced.length} referrals not placed at their one location, e.g. ${misplaced.slice(0, 3).join(', ')}`);

  const total = o.conversations * o.perConversation;
  const counts = outbox.counts();
  if (counts.pending !== total || Object.values(counts).reduce((s, n) => s + n, 0) !== total) {
    throw new Error(`the outbox holds ${JSON.stringify(counts)}, not ${total} pending entries`);
  }
  const byConversation = new Map<string, string[]>();
  for (const [conversationId, queue] of outbox.openQueues()) {
    const due: string[] = [];
    for (const key of queue) {
      const entry = outbox.entry(key);
      if (entry?.data.kind !== 'referral-offered') throw new Error(`outbox entry ${key} is ${entry === undefined ? 'missing' : entry.data.kind}, not a new-referral notification`);
      due.push(entry.data.referralId);
    }
    byConversation.set(conversationId, due);
  }
  const sizes = new Set([...byConversation.values()].map((q) => q.length));
  if (byConversation.size !== o.conversations || sizes.size !== 1 || !sizes.has(o.perConversation)) {
    throw new Error(`the outbox queues ${byConversation.size} conversations with ${[...sizes].join('/')} entries each, not ${o.conversations} with ${o.perConversation}`);
  }
  return { byConversation, total, locations, referrals: requests.length, setupMs: setup.ms, intakeMs: intake.ms };
}

/** The most arrivals within any `ms` (arrivals less than `ms` apart), from ascending times. */
function peakWithin(sorted: readonly number[], ms: number): number {
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= ms) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

interface Drain {
  readonly drainMs: number;
  /** Date.now() when the worker started, on the stand-in's clock. */
  readonly startedAt: number;
  readonly timedOut: boolean;
  readonly cpuMs: number;
  readonly appends: number;
  readonly lines: number;
  readonly snapshots: number;
  readonly fileBytes: number;
}

function figures(
  o: NotificationsBenchOptions,
  options: WorkerOptions,
  planned: Planned,
  posts: readonly PostSeen[],
  states: Record<OutboxState, number>,
  claims: readonly Span[],
  sends: readonly Span[],
  d: Drain,
): Row[] {
  const n = planned.total;
  const rate = options.ratePerSecond;
  const delivered = posts.filter((p) => p.status >= 200 && p.status < 300);
  const times = posts.map((p) => p.at).sort((a, b) => a - b);
  const firstAt = times[0] ?? d.startedAt;
  const lastAt = times[times.length - 1] ?? d.startedAt;
  const spanS = (lastAt - firstAt) / 1000;

  // Per conversation: arrival times, and the referral ids in arrival order.
  const perConversation = new Map<string, { times: number[]; referrals: string[] }>();
  let withoutReferral = 0;
  for (const p of posts) {
    const c = perConversation.get(p.conversationId) ?? { times: [], referrals: [] };
    c.times.push(p.at);
    if (p.referralIds.length !== 1) withoutReferral++;
    c.referrals.push(p.referralIds.join('+'));
    perConversation.set(p.conversationId, c);
  }
  let peak1 = 0;
  let peak2 = 0;
  let peak1Conversations = 0;
  for (const c of perConversation.values()) {
    c.times.sort((a, b) => a - b);
    const p1 = peakWithin(c.times, 1000);
    if (p1 > peak1) {
      peak1 = p1;
      peak1Conversations = 0;
    }
    if (p1 === peak1) peak1Conversations++;
    peak2 = Math.max(peak2, peakWithin(c.times, 2000));
  }
  const globalPeak = peakWithin(times, 1000);

  // Duplicates: a conversation and referral posted more than once. Lost: due and never delivered.
  const seen = new Map<string, number>();
  for (const p of posts) for (const r of p.referralIds) seen.set(`${p.conversationId}|${r}`, (seen.get(`${p.conversationId}|${r}`) ?? 0) + 1);
  const duplicates = [...seen.values()].reduce((s, k) => s + Math.max(0, k - 1), 0);
  const deliveredKeys = new Set(delivered.flatMap((p) => p.referralIds.map((r) => `${p.conversationId}|${r}`)));
  let lost = 0;
  let outOfOrder = 0;
  const due = new Set<string>();
  for (const [conversationId, referrals] of planned.byConversation) {
    for (const r of referrals) {
      due.add(`${conversationId}|${r}`);
      if (!deliveredKeys.has(`${conversationId}|${r}`)) lost++;
    }
    const got = perConversation.get(conversationId)?.referrals ?? [];
    if (got.join(',') !== referrals.join(',')) outOfOrder++;
  }
  const unexpected = [...seen.keys()].filter((k) => !due.has(k)).length;

  const achieved = (states.sent * 1000) / d.drainMs;
  const ratio = achieved / rate;
  const expectedS = Math.max(0, n - options.burst) / rate;
  const notSent = n - states.sent;
  const stateNote = (Object.entries(states) as Array<[OutboxState, number]>)
    .filter(([, k]) => k > 0)
    .map(([s, k]) => `${s} ${k}`)
    .join(', ');
  const threadWindow = options.windows.find((w) => w.ms === 1000);

  return [
    {
      metric: 'time to drain',
      value: d.drainMs / 1000,
      unit: 's',
      note: `${d.timedOut ? 'TIMED OUT; ' : ''}worker.start() until every entry is settled on disk (checked every ${o.pollMs} ms); a token bucket of ${rate}/s with burst ${options.burst} needs ${expectedS.toFixed(1)} s for ${n}`,
    },
    {
      metric: 'achieved global rate',
      value: achieved,
      unit: 'sends/s',
      note: `${states.sent} sent / drain time; first to last post at the stand-in ${spanS.toFixed(1)} s (${(Math.max(0, posts.length - 1) / Math.max(spanS, 1e-9)).toFixed(1)}/s), first post ${firstAt - d.startedAt} ms after start`,
    },
    {
      metric: 'ratio achieved/configured rate',
      value: ratio,
      note:
        o.pacedBy === 'thread'
          ? `informational: ${o.conversations} conversations are paced by the per-thread windows, not by the global ${rate}/s`
          : `${verdict(ratio >= PACE_KEPT && !d.timedOut)} (>= ${PACE_KEPT}: the worker keeps its configured ${rate}/s; the burst of ${options.burst} puts the ideal at ${(n / expectedS / rate).toFixed(3)})`,
    },
    {
      metric: 'peak global posts in any 1 s',
      value: globalPeak,
      note: `${verdict(globalPeak <= TEAMS_BOT_PER_1S)} (<= ${TEAMS_BOT_PER_1S}, Teams' per-bot limit; the bucket allows at most ${rate} + ${options.burst})`,
    },
    {
      metric: 'peak posts to one conversation in any 1 s',
      value: peak1,
      note: `${verdict(peak1 <= TEAMS_THREAD_PER_1S)} (<= ${TEAMS_THREAD_PER_1S}, Teams' per-thread limit; worker's own window ${threadWindow?.max ?? '?'}); reached in ${peak1Conversations} of ${perConversation.size} conversations`,
    },
    {
      metric: 'peak posts to one conversation in any 2 s',
      value: peak2,
      note: `${verdict(peak2 <= TEAMS_THREAD_PER_2S)} (<= ${TEAMS_THREAD_PER_2S}, Teams' per-thread limit)`,
    },
    {
      metric: 'duplicates at the stand-in',
      value: duplicates,
      note: `${verdict(duplicates === 0)} (= 0): a conversation and referral posted more than once`,
    },
    {
      metric: 'lost',
      value: Math.max(lost, notSent),
      note: `${verdict(lost === 0 && notSent === 0)} (= 0): ${lost} due but not delivered at the stand-in; outbox: ${stateNote}`,
    },
    {
      metric: 'conversations out of order',
      value: outOfOrder,
      note: `${verdict(outOfOrder === 0)} (= 0): posts not in the conversation's outbox queue order`,
    },
    {
      metric: 'posts at the stand-in',
      value: posts.length,
      note: `${delivered.length} answered 2xx; ${unexpected} to a conversation not due that referral; ${withoutReferral} without exactly one referral id; ${perConversation.size} conversations`,
    },
    ...whereBurstsForm(options, claims, sends),
    {
      metric: 'CPU per notification',
      value: d.cpuMs / Math.max(1, posts.length),
      unit: 'ms',
      note: `whole process (worker, botbuilder, stand-in, store) during the drain: ${(d.cpuMs / 1000).toFixed(1)} s CPU, ${((100 * d.cpuMs) / d.drainMs).toFixed(0)}% of one core`,
    },
    {
      metric: 'store during the drain',
      value: `${d.appends} appends`,
      note: `${d.lines} journal lines (claim + settle per send: ${(d.lines / Math.max(1, n)).toFixed(2)} each), ${d.snapshots} snapshots; file ${(d.fileBytes / 1024 / 1024).toFixed(1)} MB after flush`,
    },
  ];
}

/**
 * Where a burst at the stand-in comes from: the worker takes its token when it starts the claim;
 * the request leaves when the claim is on disk. Claims that wait for the same journal append
 * (group commit) are released together, whatever the tokens' spacing was.
 */
function whereBurstsForm(options: WorkerOptions, claims: readonly Span[], sends: readonly Span[]): Row[] {
  const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
  const claimStarts = sorted(claims.map((c) => c.start));
  const sendStarts = sorted(sends.map((s) => s.start));
  const claimMs = sorted(claims.map((c) => c.end - c.start));
  const sendMs = sorted(sends.map((s) => s.end - s.start));
  const pcts = (xs: readonly number[]) => `${percentile(xs, 0.5).toFixed(0)} / ${percentile(xs, 0.99).toFixed(0)} / ${(xs[xs.length - 1] ?? Number.NaN).toFixed(0)}`;
  const tokens = peakWithin(claimStarts, 1000);
  const bucket = options.ratePerSecond + options.burst;
  return [
    {
      metric: '  claims started in any 1 s',
      value: tokens,
      note: `~ tokens taken (the bucket allows ${bucket} on its own clock, the pump's start, a little before each claim is called); ${claims.length} claims`,
    },
    {
      metric: '  claim on disk p50 / p99 / max',
      value: pcts(claimMs),
      unit: 'ms',
      note: 'token taken until the claim\'s journal append is synced; the request waits for it',
    },
    {
      metric: '  transport.send calls in any 1 s',
      value: peakWithin(sendStarts, 1000),
      note: 'requests leaving the worker (peak over the drain)',
    },
    {
      metric: '  send round trip p50 / p99 / max',
      value: pcts(sendMs),
      unit: 'ms',
      note: `ConnectorTransport.send: CloudAdapter.continueConversationAsync to the stand-in's 201; ${sends.length} sends`,
    },
  ];
}
