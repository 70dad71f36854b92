import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import type { Referral } from '../../domain/referrals/types.ts';
import { startNotificationStandIn } from '../../bench/notification-stand-in.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';

const KEY = 'k'.repeat(24);

interface Started {
  readonly app: App;
  readonly base: string;
  readonly dir: string;
  readonly logger: ReturnType<typeof memoryLogger>;
}

async function startApp(env: Record<string, string>): Promise<Started> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-test-'));
  const logger = memoryLogger();
  const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', ...env }, process.cwd()), logger);
  const port = await listen(app.server, 0);
  return { app, base: `http://127.0.0.1:${port}`, dir, logger };
}

async function stop(s: Started): Promise<void> {
  await s.app.close();
  await rm(s.dir, { recursive: true, force: true });
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function postIntake(base: string, body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }): Promise<Reply> {
  const res = await fetch(`${base}/api/referrals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
}

function validBody(id: string): Record<string, unknown> {
  return {
    id,
    type: 'Benefit',
    workloads: ['Teams'],
    customer: { name: 'Trey Research', country: 'US', language: 'en', seats: 800, industry: 'Retail' },
  };
}

/** A copy of `body` with `change` applied to it. */
function variant(body: Record<string, unknown>, change: (b: Record<string, unknown>, customer: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(body);
  const customer = copy['customer'];
  assert.ok(typeof customer === 'object' && customer !== null);
  change(copy, customer as Record<string, unknown>);
  return copy;
}

function referralOf(reply: Reply): Referral {
  const r = reply.body['referral'];
  assert.ok(typeof r === 'object' && r !== null, JSON.stringify(reply.body));
  return r as Referral;
}

describe('bot/http POST /api/referrals (real server from buildApp)', function () {
  this.timeout(30000);

  let s: Started;

  before(async () => {
    s = await startApp({ INTAKE_API_KEY: KEY, SEED_DEMO_DATA: 'true' });
  });

  after(async () => {
    await stop(s);
  });

  const referralCount = () => s.app.repository.read().referrals().length;

  async function assertHealthy(): Promise<void> {
    const res = await fetch(`${s.base}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; store: { ok: boolean; problem: string | null }; outbox: Record<string, number> };
    assert.equal(body.status, 'ok');
    assert.deepEqual([body.store.ok, body.store.problem], [true, null]);
    assert.equal(typeof body.outbox['pending'], 'number');
  }

  it('runs on the seeded demo program', () => {
    assert.equal(referralCount(), 40);
  });

  it('takes in a valid referral: 201 with the offers, stored as returned', async () => {
    const before = referralCount();
    const reply = await postIntake(s.base, validBody('RFA-1001'));
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body['replay'], false);
    const referral = referralOf(reply);
    assert.equal(referral.id, 'RFA-1001');
    assert.ok(referral.assignments.length > 0, 'a US Teams customer gets an offer');
    for (const a of referral.assignments) {
      assert.equal(a.state, 'offered');
      assert.equal(s.app.repository.read().location(a.mpnId)?.country, 'US');
    }
    assert.deepEqual(referral.customer.cporClaims, [], 'cporClaims defaults to none');
    assert.ok(Array.isArray(reply.body['explanation']));
    assert.equal(referralCount(), before + 1);
    assert.deepEqual(s.app.repository.read().referral('RFA-1001'), referral);
    const offered = s.app.repository
      .read()
      .events()
      .filter((e) => e.type === 'offered' && e.referralId === 'RFA-1001');
    assert.equal(offered.length, referral.assignments.length);
  });

  it('notifies the offered locations: a subscribed channel and the admins’ personal chats get it, posted through the adapter, once even on a replay', async () => {
    const standIn = await startNotificationStandIn();
    try {
      const o = s.app.outbox;
      await o.remember({ id: 'intake-channel', serviceUrl: standIn.serviceUrl, tenantId: PLAYGROUND_TENANT, scope: 'channel', userAadObjectId: null, teamId: 'team', channelId: 'intake-channel' });
      await o.remember({ id: 'intake-alex', serviceUrl: standIn.serviceUrl, tenantId: PLAYGROUND_TENANT, scope: 'personal', userAadObjectId: PLAYGROUND_USERS.alex, teamId: null, channelId: null });
      await o.subscribe(DEMO_MPN.contosoUs, 'intake-channel', PLAYGROUND_USERS.alex);
      const body = variant(validBody('R-1900'), (_b, c) => {
        c['cporClaims'] = [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }];
      });
      const reply = await postIntake(s.base, body);
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.ok(referralOf(reply).assignments.some((a) => a.mpnId === DEMO_MPN.contosoUs));
      const queued = Object.values(s.app.store.data.outbox).filter((e) => 'referralId' in e.data && e.data.referralId === 'R-1900');
      assert.deepEqual(queued.map((e) => e.conversationId).sort(), ['intake-alex', 'intake-channel']);
      assert.equal((await postIntake(s.base, body)).status, 200);
      // The worker spaces sends (40/s): run it until nothing is left, sleeping until each next slot.
      for (let wake = await s.app.worker.runDue(); wake !== null; wake = await s.app.worker.runDue()) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, wake - Date.now())));
      }
      const posts = standIn.delivered().filter((p) => p.referralIds.includes('R-1900'));
      assert.deepEqual(posts.map((p) => p.conversationId).sort(), ['intake-alex', 'intake-channel']);
      assert.ok(JSON.stringify(posts[0]?.activity).includes('New referral for Contoso US'));
    } finally {
      await standIn.close();
    }
  });

  it('answers a replay with 200, replay:true and the same assignments, storing nothing more', async () => {
    const first = await postIntake(s.base, validBody('RFA-1002'));
    assert.equal(first.status, 201);
    const count = referralCount();
    const events = s.app.repository.read().events().length;
    const replay = await postIntake(s.base, validBody('RFA-1002'));
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.equal(replay.body['replay'], true);
    assert.deepEqual(referralOf(replay), referralOf(first));
    assert.equal(referralCount(), count);
    assert.equal(s.app.repository.read().events().length, events);
  });

  it('takes in two simultaneous identical requests once: one 201, one 200', async () => {
    const count = referralCount();
    const replies = await Promise.all([postIntake(s.base, validBody('RFA-1003')), postIntake(s.base, validBody('RFA-1003'))]);
    assert.deepEqual(
      replies.map((r) => r.status).sort(),
      [200, 201],
    );
    assert.deepEqual(referralOf(replies[0] ?? assert.fail()), referralOf(replies[1] ?? assert.fail()));
    assert.equal(referralCount(), count + 1);
  });

  it('refuses the same id with a different body: 409, nothing changes', async () => {
    assert.equal((await postIntake(s.base, validBody('RFA-1004'))).status, 201);
    const stored = s.app.repository.read().referral('RFA-1004');
    const count = referralCount();
    const reply = await postIntake(s.base, variant(validBody('RFA-1004'), (_b, c) => (c['seats'] = 900)));
    assert.equal(reply.status, 409, JSON.stringify(reply.body));
    assert.equal(reply.body['code'], 'Conflict');
    assert.match(String(reply.body['message']), /RFA-1004/);
    assert.equal(referralCount(), count);
    assert.deepEqual(s.app.repository.read().referral('RFA-1004'), stored);
  });

  describe('the API key', () => {
    const keys: ReadonlyArray<readonly [string, Record<string, string>]> = [
      ['missing', {}],
      ['empty', { 'x-api-key': '' }],
      ['wrong, same length', { 'x-api-key': 'x'.repeat(24) }],
      ['wrong, shorter', { 'x-api-key': 'k'.repeat(23) }],
      ['wrong, longer', { 'x-api-key': `${KEY}k` }],
    ];
    for (const [what, headers] of keys) {
      it(`${what}: 401 and nothing stored`, async () => {
        const count = referralCount();
        const reply = await postIntake(s.base, validBody(`RFA-KEY-${keys.findIndex(([w]) => w === what)}`), headers);
        assert.equal(reply.status, 401, JSON.stringify(reply.body));
        assert.equal(reply.body['code'], 'Unauthorized');
        assert.doesNotMatch(JSON.stringify(reply.body), new RegExp(KEY), 'the key is never echoed');
        assert.equal(referralCount(), count);
        await assertHealthy();
      });
    }
  });

  describe('bad input: 400 naming the field, nothing stored, the server keeps serving', () => {
    const cases: ReadonlyArray<readonly [string, string, unknown]> = [
      ['missing customer.country', 'customer.country', variant(validBody('RFA-BAD-1'), (_b, c) => delete c['country'])],
      ['workloads: []', 'workloads', variant(validBody('RFA-BAD-2'), (b) => (b['workloads'] = []))],
      ['seats: "10"', 'customer.seats', variant(validBody('RFA-BAD-3'), (_b, c) => (c['seats'] = '10'))],
      ['type: "Gold"', 'type', variant(validBody('RFA-BAD-4'), (b) => (b['type'] = 'Gold'))],
      ['unknown field customer.colour', 'customer', variant(validBody('RFA-BAD-5'), (_b, c) => (c['colour'] = 'blue'))],
      ['unknown top-level field', 'body', variant(validBody('RFA-BAD-6'), (b) => (b['priority'] = 'high'))],
      ['seats: 10.5', 'customer.seats', variant(validBody('RFA-BAD-7'), (_b, c) => (c['seats'] = 10.5))],
      ['lower-case country', 'customer.country', variant(validBody('RFA-BAD-8'), (_b, c) => (c['country'] = 'us'))],
      ['id with a space', 'id', variant(validBody('RFA-BAD-9'), (b) => (b['id'] = 'RFA 9'))],
      ['a blank workload', 'workloads.0', variant(validBody('RFA-BAD-10'), (b) => (b['workloads'] = ['  ']))],
      ['not an object', 'body', [validBody('RFA-BAD-11')]],
    ];
    for (const [what, field, body] of cases) {
      it(what, async () => {
        const count = referralCount();
        const reply = await postIntake(s.base, body);
        assert.equal(reply.status, 400, JSON.stringify(reply.body));
        assert.equal(reply.body['code'], 'BadRequest');
        assert.equal(reply.body['field'], field, JSON.stringify(reply.body));
        assert.ok(String(reply.body['message']).startsWith(`${field}: `), String(reply.body['message']));
        if (what.startsWith('unknown')) assert.match(String(reply.body['message']), /unknown field\(s\): (colour|priority)/);
        assert.equal(referralCount(), count);
        await assertHealthy();
      });
    }

    it('malformed JSON', async () => {
      const count = referralCount();
      const reply = await postIntake(s.base, '{"id": "RFA-BAD-JSON", "type": ');
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(typeof reply.body['message'], 'string');
      assert.doesNotMatch(JSON.stringify(reply.body), /\bat .*\(|node_modules/, 'no stack trace');
      assert.equal(referralCount(), count);
      await assertHealthy();
    });

    it('a bad request does not burn the id: the same id is taken in once it is valid', async () => {
      assert.equal((await postIntake(s.base, variant(validBody('RFA-1005'), (b) => (b['type'] = 'Gold')))).status, 400);
      assert.equal((await postIntake(s.base, validBody('RFA-1005'))).status, 201);
    });
  });
});

describe('bot/http POST /api/referrals without INTAKE_API_KEY', function () {
  this.timeout(30000);

  let s: Started;

  before(async () => {
    s = await startApp({ INTAKE_API_KEY: '', SEED_DEMO_DATA: 'false' });
  });

  after(async () => {
    await stop(s);
  });

  it('is disabled: 503 whatever the key, nothing stored', async () => {
    const variants: ReadonlyArray<Record<string, string>> = [{}, { 'x-api-key': KEY }, { 'x-api-key': '' }];
    for (const headers of variants) {
      const reply = await postIntake(s.base, validBody('RFA-OFF'), headers);
      assert.equal(reply.status, 503, JSON.stringify(reply.body));
      assert.equal(reply.body['code'], 'IntakeDisabled');
    }
    assert.equal(s.app.repository.read().referrals().length, 0);
    const health = await fetch(`${s.base}/healthz`);
    assert.equal(health.status, 200);
  });
});
