import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import type { FetchJson } from '../../bot/http/tab-auth.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { localAzureAd } from '../helpers/local-azure-ad.ts';

const APP_ID = '6f1d6a3e-1111-2222-3333-444444444444';
const HOST = 'referrals.example.com';

interface Started {
  readonly app: App;
  readonly base: string;
  readonly dir: string;
  readonly logger: ReturnType<typeof memoryLogger>;
}

async function start(env: Record<string, string>, fetchTabKeys?: FetchJson): Promise<Started> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tab-api-'));
  const logger = memoryLogger();
  const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', SEED_DEMO_DATA: 'true', ...env }, process.cwd()), logger, undefined, undefined, fetchTabKeys);
  const port = await listen(app.server, 0);
  return { app, base: `http://127.0.0.1:${port}`, dir, logger };
}

async function stop(s: Started): Promise<void> {
  await s.app.close();
  await rm(s.dir, { recursive: true, force: true });
}

async function call(s: Started, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.base}${url}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const STARTUP_WARNING = /DEVELOPMENT SIGN-IN IS ON/;

function dayPlus(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('bot/http /api/tab in development (real server, demo program)', function () {
  this.timeout(30_000);
  let s: Started;

  beforeEach(async () => {
    s = await start({});
  });
  afterEach(() => stop(s));

  it('without credentials: 401, saying development sign-in is available', async () => {
    const r = await call(s, 'GET', '/api/tab/me');
    assert.equal(r.status, 401);
    assert.equal(r.body['devMode'], true);
  });

  it('?as=alex signs in as Alex (loudly logged): his location, admin role', async () => {
    const me = await call(s, 'GET', '/api/tab/me?as=alex');
    assert.equal(me.status, 200);
    assert.deepEqual(me.body['locations'], [{ mpnId: DEMO_MPN.contosoUs, name: 'Contoso US', role: 'admin' }]);
    assert.ok(s.logger.entries.some((e) => e.level === 'warn' && /DEVELOPMENT sign-in/.test(e.message)));
  });

  it('says once at start-up, as a warning, that the development sign-in is on', () => {
    const said = s.logger.entries.filter((e) => STARTUP_WARNING.test(e.message));
    assert.deepEqual(said.map((e) => e.level), ['warn']);
    assert.match(said[0]?.message ?? '', /never expose/i);
  });

  it('?as= takes only the Playground users, by name (any case) or aadObjectId; anyone else is 401, even a user of the store', async () => {
    const byId = await call(s, 'GET', `/api/tab/me?as=${PLAYGROUND_USERS.megan}`);
    assert.equal(byId.status, 200);
    assert.equal((byId.body['user'] as { name: string }).name, 'Megan Bowen');
    assert.equal((await call(s, 'GET', '/api/tab/me?as=ISAIAH')).status, 200);
    // A real admin in the store, but no Playground user: the sign-in must not stand for them.
    const storeAdmin = 'f0000000-0000-4000-8000-000000000001';
    await s.app.repository.transaction((tx) => tx.putUser({ tenantId: PLAYGROUND_TENANT, aadObjectId: storeAdmin, name: 'Store Admin', roles: [{ role: 'admin', mpnId: DEMO_MPN.fabrikamUs }] }));
    const events = s.app.store.data.events.length;
    for (const as of [storeAdmin, 'nobody-at-all', 'alex ', 'patti']) {
      const r = await call(s, 'GET', `/api/tab/me?as=${encodeURIComponent(as)}`);
      assert.equal(r.status, 401, as);
      assert.match((r.body['error'] as { message: string }).message, /accepts only the Playground users \(alex, megan, adele, isaiah, or their aadObjectId\)/, as);
    }
    const paused = await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.fabrikamUs}/pause?as=${storeAdmin}`, { until: dayPlus(5) });
    assert.equal(paused.status, 401);
    assert.equal(s.app.store.data.events.length, events, 'nothing changed');
  });

  it('the location view matches the bot’s services: pending parts, rates of the current and 4 past quarters, pause state', async () => {
    const r = await call(s, 'GET', `/api/tab/locations/${DEMO_MPN.contosoUs}?as=megan`);
    assert.equal(r.status, 200);
    const pending = r.body['pending'] as Array<{ referralId: string }>;
    assert.deepEqual(
      pending.map((p) => p.referralId),
      s.app.referrals.pendingFor(DEMO_MPN.contosoUs).map((p) => p.referral.id),
    );
    const quarters = (r.body['acceptance'] as { quarters: Array<{ quarter: string; rate: number | null }> }).quarters;
    assert.equal(quarters.length, 5);
    const current = quarters.at(-1);
    const fromService = s.app.referrals.acceptance(new Date(), [DEMO_MPN.contosoUs]).rates.find((x) => x.quarter === current?.quarter);
    assert.equal(current?.rate, fromService?.rate ?? null);
    assert.equal(r.body['canPause'], false, 'Megan is a member');
    assert.equal(r.body['role'], 'member');
  });

  it('Alex pauses and resumes; the bot’s records agree', async () => {
    const until = dayPlus(10);
    const paused = await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, { until });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(s.app.referrals.read().location(DEMO_MPN.contosoUs)?.pause?.pausedUntil, until);
    const resumed = await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/resume?as=alex`);
    assert.equal(resumed.status, 200);
    assert.equal(s.app.referrals.read().location(DEMO_MPN.contosoUs)?.pause, null);
    assert.equal((await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/resume?as=alex`)).status, 409, 'not paused any more');
  });

  it('refuses what the role rules refuse, changing nothing', async () => {
    const events = s.app.store.data.events.length;
    const megan = await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=megan`, { until: dayPlus(5) });
    assert.equal(megan.status, 403);
    assert.match(String((megan.body['error'] as { message: string }).message), /program admin/);
    assert.equal((await call(s, 'GET', `/api/tab/locations/${DEMO_MPN.contosoUs}?as=isaiah`)).status, 403, 'another partner’s location');
    assert.equal((await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.fabrikamUs}/pause?as=alex`, { until: dayPlus(5) })).status, 403);
    const theirs = s.app.referrals
      .read()
      .referrals()
      .flatMap((referral) => referral.assignments.filter((a) => a.state === 'offered' && a.mpnId !== DEMO_MPN.contosoUs).map((part) => ({ referral, part })))[0];
    assert.ok(theirs !== undefined, 'the demo has an offer at another location');
    assert.equal((await call(s, 'POST', `/api/tab/referrals/${theirs.referral.id}/parts/${theirs.part.id}/accept?as=alex`)).status, 403);
    assert.equal((await call(s, 'GET', `/api/tab/locations/${DEMO_MPN.contosoUs}?as=adele`)).status, 200, 'operations see every location');
    assert.equal((await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=adele`, { until: dayPlus(5) })).status, 403, 'operations do not pause for a partner');
    assert.equal(s.app.store.data.events.length, events);
  });

  it('serves the privacy and terms pages the app package links to', async () => {
    for (const page of ['/privacy', '/terms']) {
      const res = await fetch(`${s.base}${page}`);
      assert.equal(res.status, 200, page);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await res.text(), /FastTrack Referrals bot/);
    }
  });

  it('bad input is a 400 or 404 with a message, never a crash', async () => {
    assert.equal((await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, { until: 'tomorrow' })).status, 400);
    assert.equal((await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, { until: dayPlus(45) })).status, 400);
    assert.equal((await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, { until: dayPlus(5), extra: 1 })).status, 400);
    assert.equal((await call(s, 'GET', '/api/tab/locations/abc?as=alex')).status, 400);
    assert.equal((await call(s, 'POST', '/api/tab/referrals/R-0/parts/x/accept?as=alex')).status, 404);
    const mine = s.app.referrals.pendingFor(DEMO_MPN.contosoUs)[0];
    assert.ok(mine !== undefined);
    assert.equal((await call(s, 'POST', `/api/tab/referrals/${mine.referral.id}/parts/${mine.part.id}/decline?as=megan`, { reason: 'busy' })).status, 400);
    const accepted = await call(s, 'POST', `/api/tab/referrals/${mine.referral.id}/parts/${mine.part.id}/accept?as=megan`);
    assert.deepEqual([accepted.status, accepted.body], [200, { state: 'accepted' }]);
    assert.equal((await call(s, 'POST', `/api/tab/referrals/${mine.referral.id}/parts/${mine.part.id}/accept?as=megan`)).status, 409);
    assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
  });
});

describe('bot/http /api/tab with a real MicrosoftAppId outside production', function () {
  this.timeout(30_000);
  let s: Started;

  before(async () => {
    s = await start({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' });
  });
  after(() => stop(s));

  it('has no development sign-in: ?as=alex is 401, and no start-up warning about it', async () => {
    const r = await call(s, 'GET', '/api/tab/me?as=alex');
    assert.equal(r.status, 401);
    assert.equal(r.body['devMode'], false);
    assert.ok(!s.logger.entries.some((e) => STARTUP_WARNING.test(e.message) || /DEVELOPMENT sign-in/.test(e.message)));
  });
});

describe('bot/http /api/tab in production (Teams SSO only)', function () {
  this.timeout(30_000);
  const azureAd = localAzureAd(PLAYGROUND_TENANT, HOST, APP_ID);
  let s: Started;

  before(async () => {
    s = await start({ NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', PUBLIC_HOSTNAME: HOST }, azureAd.fetchJson);
  });
  after(() => stop(s));

  const sso = (claims: Record<string, unknown> = {}): string => azureAd.token(PLAYGROUND_USERS.alex, claims);

  it('fetches the signing keys from Azure AD’s metadata for the token’s tenant', async () => {
    const ok = await call(s, 'GET', '/api/tab/me', undefined, { authorization: `Bearer ${sso()}` });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(azureAd.fetched.slice(0, 2), [`https://login.microsoftonline.com/${PLAYGROUND_TENANT}/v2.0/.well-known/openid-configuration`, azureAd.jwksUri]);
  });

  it('the development sign-in does not exist: ?as=alex is 401', async () => {
    const r = await call(s, 'GET', '/api/tab/me?as=alex');
    assert.equal(r.status, 401);
    assert.equal(r.body['devMode'], false);
  });

  it('a valid SSO token for the app id URI signs Alex in; a token for another audience does not', async () => {
    const ok = await call(s, 'GET', '/api/tab/me', undefined, { authorization: `Bearer ${sso()}` });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((ok.body['user'] as { aadObjectId: string }).aadObjectId, PLAYGROUND_USERS.alex);
    const wrong = await call(s, 'GET', '/api/tab/me', undefined, { authorization: `Bearer ${sso({ aud: 'api://elsewhere/x' })}` });
    assert.equal(wrong.status, 401);
    const basic = await call(s, 'GET', '/api/tab/me', undefined, { authorization: 'Basic YWxleDpwdw==' });
    assert.equal(basic.status, 401);
  });

  it('rights come from the store’s records for the token’s user, not from anything the caller sends', async () => {
    const meganToken = sso({ oid: PLAYGROUND_USERS.megan, name: 'Alex Wilber' });
    const r = await call(s, 'POST', `/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, { until: dayPlus(5) }, { authorization: `Bearer ${meganToken}` });
    assert.equal(r.status, 403);
  });
});
