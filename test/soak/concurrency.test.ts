import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, storeFile } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { startNotificationStandIn } from '../../bench/notification-stand-in.ts';
import { computeAcceptance } from '../../domain/acceptance/index.ts';
import { contractEventsOf } from '../../domain/referrals/acceptance-events.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { cardText, type CardJson } from '../helpers/card-text.ts';
import { fiscalJulyLabel, rawCurrentQuarter } from './raw-acceptance.ts';

/** Seconds of load: short in `npm test`, 60 in `npm run test:soak` (CONCURRENCY_SECONDS=60). */
export const CONCURRENCY_SECONDS = Number(process.env['CONCURRENCY_SECONDS'] ?? '8');
const CONVERSATIONS = 200;
const KEY = 'concurrency-intake-key-0123456789';
const FAQ = ['how long can we pause referrals?', 'what is the acceptance rate target?', 'how are split referrals assigned?', 'help'];

/** What was done, and through which door: the tab's API or a card action on the bot. */
type Op = 'faq' | 'pending' | 'intake' | 'accept-tab' | 'accept-bot' | 'decline-tab' | 'decline-bot' | 'pause-tab' | 'pause-bot' | 'resume-tab';

interface Tally {
  requests: number;
  done: Record<Op, number>;
  /** Answers that lost a race to a concurrent caller (409, or the bot's "out of date" card): expected. */
  lostRaces: number;
  /** Anything else: every one fails the test. */
  unexpected: string[];
  accepted: Array<{ referralId: string; assignmentId: string }>;
  declined: Array<{ referralId: string; assignmentId: string }>;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

describe('200 concurrent conversations mixing FAQ, pending, accept/decline and pause/resume (real server) @soak', function () {
  this.timeout(CONCURRENCY_SECONDS * 1000 + 60_000);

  it(`${CONCURRENCY_SECONDS} s of load through the tab and the bot: no unexpected status, no lost update, acceptance equal to raw counts on disk`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'concurrency-'));
    const standIn = await startNotificationStandIn();
    const logger = memoryLogger();
    const config = loadConfig({ DATA_DIR: dir, PORT: '0', INTAKE_API_KEY: KEY }, process.cwd());
    const app = await buildApp(config, logger);
    const done: Record<Op, number> = { faq: 0, pending: 0, intake: 0, 'accept-tab': 0, 'accept-bot': 0, 'decline-tab': 0, 'decline-bot': 0, 'pause-tab': 0, 'pause-bot': 0, 'resume-tab': 0 };
    const t: Tally = { requests: 0, done, lostRaces: 0, unexpected: [], accepted: [], declined: [] };
    try {
      const base = `http://127.0.0.1:${await listen(app.server, 0)}`;
      const eventsBefore = app.store.data.events.length;
      let seed = 7;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const call = async (url: string, init: RequestInit): Promise<Answer> => {
        const res = await fetch(`${base}${url}`, init);
        t.requests++;
        return { status: res.status, body: await res.text() };
      };
      const unexpected = (what: string, a: Answer): void => {
        t.unexpected.push(`${what}: ${a.status} ${a.body.slice(0, 200)}`);
      };
      const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const activity = (conversation: string, who: keyof typeof PLAYGROUND_USERS, fields: Record<string, unknown>): RequestInit =>
        json({
          channelId: 'msteams',
          serviceUrl: standIn.serviceUrl,
          from: { id: `29:${who}`, aadObjectId: PLAYGROUND_USERS[who] },
          recipient: { id: '28:bot' },
          conversation: { id: conversation, conversationType: 'personal', tenantId: PLAYGROUND_TENANT },
          channelData: { tenant: { id: PLAYGROUND_TENANT } },
          ...fields,
        });
      /** A message turn: 200 is the only right answer. */
      const say = async (op: 'faq' | 'pending', conversation: number, text: string, id: string): Promise<void> => {
        const a = await call('/api/messages', activity(`load-${conversation}`, 'megan', { type: 'message', id, text }));
        if (a.status === 200) t.done[op]++;
        else unexpected(`${op} "${text}"`, a);
      };
      /** A card action on the bot: HTTP 200 with the card that replaces the clicked one. */
      const click = async (conversation: string, who: keyof typeof PLAYGROUND_USERS, verb: string, data: unknown): Promise<{ text: string } | null> => {
        const a = await call('/api/messages', activity(conversation, who, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }));
        const body = (a.status === 200 ? JSON.parse(a.body) : null) as { statusCode?: number; value?: CardJson } | null;
        if (body?.statusCode !== 200 || !Array.isArray(body.value?.body)) {
          unexpected(`card action ${verb}`, a);
          return null;
        }
        return { text: cardText(body.value) };
      };
      const tabAnswer = (op: Op, a: Answer, raceStatus: number, raceMessage: RegExp): boolean => {
        if (a.status === 200) {
          t.done[op]++;
          return true;
        }
        if (a.status === raceStatus && raceMessage.test(a.body)) t.lostRaces++;
        else unexpected(op, a);
        return false;
      };

      const deadline = Date.now() + CONCURRENCY_SECONDS * 1000;
      const day = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
      const conversation = async (c: number): Promise<void> => {
        for (let turn = 0; Date.now() < deadline; turn++) {
          const r = random();
          if (r < 0.3) {
            await say('faq', c, FAQ[turn % FAQ.length] ?? 'help', `m-${c}-${turn}`);
          } else if (r < 0.42) {
            await say('pending', c, 'pending', `p-${c}-${turn}`);
          } else if (r < 0.57) {
            // New referrals keep offers coming (a CPOR claim sends them to Contoso US unless it is paused).
            const a = await call(
              '/api/referrals',
              json(
                {
                  id: `L-${c}-${turn}`,
                  type: 'Standard',
                  workloads: ['Teams'],
                  customer: { name: `Load ${c}-${turn}`, country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] },
                },
                { 'x-api-key': KEY },
              ),
            );
            if (a.status === 201) t.done.intake++;
            else unexpected('intake', a);
          } else if (r < 0.87) {
            const open = app.referrals.pendingFor(DEMO_MPN.contosoUs);
            const pick = open[Math.floor(random() * open.length)];
            if (pick === undefined) continue;
            const part = { referralId: pick.referral.id, assignmentId: pick.part.id };
            const accept = random() < 0.6;
            if (random() < 0.5) {
              const a = await call(`/api/tab/referrals/${part.referralId}/parts/${part.assignmentId}/${accept ? 'accept' : 'decline'}?as=megan`, json(accept ? {} : { reason: 'no-capacity' }));
              if (tabAnswer(accept ? 'accept-tab' : 'decline-tab', a, 409, /Conflict/)) (accept ? t.accepted : t.declined).push(part);
            } else {
              const data = accept ? part : { ...part, confirm: true, reason: 'no-capacity' };
              const shown = await click(`load-${c}`, 'megan', accept ? 'referral.accept' : 'referral.decline', data);
              if (shown === null) continue;
              if (/out of date/.test(shown.text)) t.lostRaces++;
              else if (new RegExp(accept ? 'Accepted by Megan Bowen' : 'Declined by Megan Bowen').test(shown.text)) {
                t.done[accept ? 'accept-bot' : 'decline-bot']++;
                (accept ? t.accepted : t.declined).push(part);
              } else t.unexpected.push(`card action ${accept ? 'accept' : 'decline'}: ${shown.text.slice(0, 200)}`);
            }
          } else if (random() < 0.5) {
            const a = await call(`/api/tab/locations/${DEMO_MPN.contosoUs}/resume?as=alex`, json({}));
            tabAnswer('resume-tab', a, 409, /not paused/);
          } else if (random() < 0.5) {
            // The dashboard answers "already paused" with 400 (a DomainError it does not map to 409).
            const a = await call(`/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, json({ until: day(5) }));
            tabAnswer('pause-tab', a, 400, /already paused/);
          } else {
            // The Confirm button of the pause card, as Alex (program admin) clicks it.
            const shown = await click(`load-${c}-alex`, 'alex', 'pause.confirm', { mpnId: DEMO_MPN.contosoUs, until: day(5), issuedAt: new Date().toISOString() });
            if (shown === null) continue;
            if (/Referrals paused/.test(shown.text)) t.done['pause-bot']++;
            else if (/already paused/.test(shown.text)) t.lostRaces++;
            else t.unexpected.push(`card action pause.confirm: ${shown.text.slice(0, 200)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONVERSATIONS }, (_, c) => conversation(c)));

      const summary = JSON.stringify({ requests: t.requests, done: t.done, lostRaces: t.lostRaces });
      assert.deepEqual(t.unexpected.slice(0, 20), [], `no unexpected answer (${t.unexpected.length} in all; ${summary})`);
      assert.deepEqual(
        logger.entries.filter((e) => e.level === 'error').map((e) => e.message),
        [],
        'no turn failed and nothing else was logged as an error',
      );
      for (const [op, n] of Object.entries(t.done)) assert.ok(n > 0, `premise: ${op} happened (${summary})`);

      // No lost update: every acknowledged answer is in the store once, and nothing else answered.
      const events = app.store.data.events.slice(eventsBefore);
      for (const [list, type] of [
        [t.accepted, 'accepted'],
        [t.declined, 'declined'],
      ] as const) {
        for (const p of list) {
          const matching = events.filter((e) => e.type === type && 'assignmentId' in e && e.assignmentId === p.assignmentId);
          assert.equal(matching.length, 1, `${type} ${p.referralId}/${p.assignmentId} recorded exactly once`);
        }
        assert.equal(events.filter((e) => e.type === type).length, list.length, `every ${type} event was acknowledged to a caller`);
      }
      const pauses = events.filter((e) => e.type === 'paused').length;
      assert.equal(pauses, t.done['pause-tab'] + t.done['pause-bot'], 'every paused event was acknowledged, through the tab or the card');
      assert.equal(events.filter((e) => e.type === 'resumed').length, t.done['resume-tab'], 'every resumed event was acknowledged');

      // The figures the bot serves equal counts made by hand from the raw events on disk, and the
      // production function on the same events.
      await app.close();
      const reopened = await JsonStore.open<StoreData>(storeFile(config), storeSchema, emptyStore);
      try {
        const asOf = new Date();
        const served = app.referrals.acceptance(asOf);
        const quarter = fiscalJulyLabel(asOf);
        const servedNow = served.rates.filter((row) => row.quarter === quarter).map(({ mpnId, offered, accepted, declined, expired, pending, rate }) => ({ mpnId, offered, accepted, declined, expired, pending, rate }));
        const raw = rawCurrentQuarter(reopened.data.events, asOf);
        assert.ok(
          raw.some((row) => row.mpnId === DEMO_MPN.contosoUs && row.accepted > 0 && row.declined > 0),
          'premise: Contoso US has accepted and declined offers this quarter',
        );
        assert.deepEqual(servedNow, raw, `served acceptance for ${quarter} equals the raw counts on disk`);
        const recomputed = computeAcceptance({ asOf: asOf.toISOString(), quarters: config.quarters, target: 0.8, events: contractEventsOf(reopened.data.events) });
        assert.deepEqual(served.rates, recomputed.rates);
      } finally {
        await reopened.flush();
      }
      // Figures for people (test/artifacts/ is ignored by git).
      await mkdir(path.join('test', 'artifacts'), { recursive: true });
      await writeFile(
        path.join('test', 'artifacts', 'concurrency.json'),
        JSON.stringify({ seconds: CONCURRENCY_SECONDS, conversations: CONVERSATIONS, requests: t.requests, done: t.done, lostRaces: t.lostRaces, botReplies: standIn.posts.length }, null, 2),
      );
    } finally {
      await app.close().catch(() => undefined);
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
