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

/** Seconds of load: short in `npm test`, 60 in `npm run test:soak` (CONCURRENCY_SECONDS=60). */
export const CONCURRENCY_SECONDS = Number(process.env['CONCURRENCY_SECONDS'] ?? '8');
const CONVERSATIONS = 200;
const KEY = 'concurrency-intake-key-0123456789';
const FAQ = ['how long can we pause referrals?', 'what is the acceptance rate target?', 'how are split referrals assigned?', 'help'];

interface Tally {
  requests: number;
  fiveHundreds: number;
  accepted: Array<{ referralId: string; assignmentId: string }>;
  declined: Array<{ referralId: string; assignmentId: string }>;
  pauses: number;
  intakes: number;
}

describe('200 concurrent conversations mixing FAQ, pending, accept/decline and pause/resume (real server) @soak', function () {
  this.timeout(CONCURRENCY_SECONDS * 1000 + 60_000);

  it(`${CONCURRENCY_SECONDS} s of load: no error, no lost update, acceptance equal to a recomputation from the event log`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'concurrency-'));
    const standIn = await startNotificationStandIn();
    const logger = memoryLogger();
    const config = loadConfig({ DATA_DIR: dir, PORT: '0', INTAKE_API_KEY: KEY }, process.cwd());
    const app = await buildApp(config, logger);
    const t: Tally = { requests: 0, fiveHundreds: 0, accepted: [], declined: [], pauses: 0, intakes: 0 };
    try {
      const base = `http://127.0.0.1:${await listen(app.server, 0)}`;
      const eventsBefore = app.store.data.events.length;
      let seed = 7;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const call = async (url: string, init: RequestInit = {}): Promise<number> => {
        const res = await fetch(`${base}${url}`, init);
        await res.arrayBuffer();
        t.requests++;
        if (res.status >= 500) t.fiveHundreds++;
        return res.status;
      };
      const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const say = (conversation: number, who: keyof typeof PLAYGROUND_USERS, text: string, id: string): Promise<number> =>
        call(
          '/api/messages',
          json({
            type: 'message',
            id,
            text,
            channelId: 'msteams',
            serviceUrl: standIn.serviceUrl,
            from: { id: `29:${who}`, aadObjectId: PLAYGROUND_USERS[who] },
            recipient: { id: '28:bot' },
            conversation: { id: `load-${conversation}`, conversationType: 'personal', tenantId: PLAYGROUND_TENANT },
            channelData: { tenant: { id: PLAYGROUND_TENANT } },
          }),
        );
      const deadline = Date.now() + CONCURRENCY_SECONDS * 1000;
      const day = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
      const conversation = async (c: number): Promise<void> => {
        for (let turn = 0; Date.now() < deadline; turn++) {
          const r = random();
          if (r < 0.35) {
            await say(c, 'megan', FAQ[turn % FAQ.length] ?? 'help', `m-${c}-${turn}`);
          } else if (r < 0.5) {
            await say(c, 'megan', 'pending', `p-${c}-${turn}`);
          } else if (r < 0.65) {
            // New referrals keep offers coming (a CPOR claim sends them to Contoso US unless it is paused).
            const status = await call('/api/referrals', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': KEY },
              body: JSON.stringify({
                id: `L-${c}-${turn}`,
                type: 'Standard',
                workloads: ['Teams'],
                customer: { name: `Load ${c}-${turn}`, country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] },
              }),
            });
            if (status === 201) t.intakes++;
          } else if (r < 0.9) {
            const open = app.referrals.pendingFor(DEMO_MPN.contosoUs);
            const pick = open[Math.floor(random() * open.length)];
            if (pick === undefined) continue;
            const part = { referralId: pick.referral.id, assignmentId: pick.part.id };
            const verb = random() < 0.6 ? 'accept' : 'decline';
            const status = await call(
              `/api/tab/referrals/${part.referralId}/parts/${part.assignmentId}/${verb}?as=megan`,
              json(verb === 'accept' ? {} : { reason: 'no-capacity' }),
            );
            if (status === 200) (verb === 'accept' ? t.accepted : t.declined).push(part);
          } else {
            const status = await call(`/api/tab/locations/${DEMO_MPN.contosoUs}/${random() < 0.5 ? 'pause' : 'resume'}?as=alex`, json(random() < 0.5 ? { until: day(5) } : {}));
            if (status === 200) t.pauses++;
          }
        }
      };
      await Promise.all(Array.from({ length: CONVERSATIONS }, (_, c) => conversation(c)));

      assert.equal(t.fiveHundreds, 0, `no 5xx in ${t.requests} requests`);
      assert.deepEqual(
        logger.entries.filter((e) => e.level === 'error').map((e) => e.message),
        [],
        'no turn failed and nothing else was logged as an error',
      );
      assert.ok(t.accepted.length + t.declined.length > 0, 'answers happened');
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
      // The figures the bot serves equal a recomputation from the event log on disk.
      await app.close();
      const reopened = await JsonStore.open<StoreData>(storeFile(config), storeSchema, emptyStore);
      const asOf = new Date();
      const recomputed = computeAcceptance({ asOf: asOf.toISOString(), quarters: config.quarters, target: 0.8, events: contractEventsOf(reopened.data.events) });
      const served = app.referrals.acceptance(asOf);
      assert.deepEqual(served.rates, recomputed.rates);
      await reopened.flush();
      // Figures for people (test/artifacts/ is ignored by git).
      await mkdir(path.join('test', 'artifacts'), { recursive: true });
      await writeFile(
        path.join('test', 'artifacts', 'concurrency.json'),
        JSON.stringify({ seconds: CONCURRENCY_SECONDS, conversations: CONVERSATIONS, requests: t.requests, intakes: t.intakes, accepted: t.accepted.length, declined: t.declined.length, pausesOrResumes: t.pauses, botReplies: standIn.posts.length }, null, 2),
      );
    } finally {
      await app.close().catch(() => undefined);
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
