/**
 * Isolation property (security issue, item "isolation"): over random users (random roles at random
 * subsets of the demo locations, or none, some with FastTrack operations, some unknown), random
 * target locations and forged card payloads naming other locations' parts, what a user sees or
 * changes stays within its own locations unless it is operations; and operations still never
 * answer offers nor pause for a partner.
 *
 * One real app (buildApp, demo data): the bot through botbuilder's TestAdapter on app.bot, the
 * dashboard tab through the real HTTP server with a Teams SSO token for the user (signed by a local
 * key handed to buildApp in place of Azure AD's; the `?as=` development sign-in takes Playground
 * users only). Users are created in the store through the repository, in the Playground tenant.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { PLAYGROUND_TENANT, demoLocations } from '../../data/seed/demo-network.ts';
import type { Referral, ReferralAssignment, UserRecord } from '../../domain/referrals/types.ts';
import { localAzureAd } from '../helpers/local-azure-ad.ts';

const CASES = 80;
const APP_ID = '6f1d6a3e-1111-2222-3333-444444444444';
const HOST = 'isolation.example.com';
const azureAd = localAzureAd(PLAYGROUND_TENANT, HOST, APP_ID);
const OTHER_TENANT = 'bbbbbbbb-1111-2222-3333-444444444444';
const LOCATIONS = demoLocations();
const MPNS = LOCATIONS.map((l) => l.mpnId);

type LocationRole = 'member' | 'admin';

interface GeneratedUser {
  /** Unknown: no record in the store at all (a guest). */
  readonly known: boolean;
  readonly roles: ReadonlyArray<readonly [string, LocationRole]>;
  readonly operations: boolean;
  /** The tenant the bot activities claim; the record is always in the Playground tenant. */
  readonly botTenant: string;
}

interface Rights {
  readonly locations: ReadonlyMap<string, LocationRole>;
  readonly operations: boolean;
}

const NO_RIGHTS: Rights = { locations: new Map(), operations: false };

function rightsOf(u: GeneratedUser): Rights {
  if (!u.known) return NO_RIGHTS;
  return { locations: new Map(u.roles), operations: u.operations };
}

const userArb: fc.Arbitrary<GeneratedUser> = fc.record({
  known: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  roles: fc.uniqueArray(fc.tuple(fc.constantFrom(...MPNS), fc.constantFrom<LocationRole>('member', 'admin')), { maxLength: 4, selector: ([m]) => m }),
  operations: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  botTenant: fc.oneof({ weight: 6, arbitrary: fc.constant(PLAYGROUND_TENANT) }, { weight: 1, arbitrary: fc.constant(OTHER_TENANT) }),
});

interface Part {
  readonly referral: Referral;
  readonly part: ReferralAssignment;
}

/** Text and cards of a reply, as one searchable string. */
function shown(a: Partial<Activity>): string {
  return JSON.stringify({ text: a.text ?? null, attachments: a.attachments ?? [], value: a.value ?? null });
}

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe('security isolation: a user only sees and changes its own locations (random users, forged payloads)', function () {
  this.timeout(120_000);

  let app: App;
  let dir: string;
  let base: string;
  let n = 0;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'isolation-'));
    const env = { DATA_DIR: dir, PORT: '0', SEED_DEMO_DATA: 'true', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', PUBLIC_HOSTNAME: HOST };
    app = await buildApp(loadConfig(env, process.cwd()), memoryLogger(), undefined, undefined, azureAd.fetchJson);
    base = `http://127.0.0.1:${await listen(app.server, 0)}`;
  });

  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  function parts(): Part[] {
    return app.referrals
      .read()
      .referrals()
      .flatMap((referral) => referral.assignments.map((part) => ({ referral, part })));
  }

  function snapshot(): unknown {
    const d = app.store.data;
    return structuredClone({ events: d.events, referrals: d.referrals, locations: d.locations });
  }

  async function createUser(u: GeneratedUser): Promise<string> {
    const aad = `f0000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    if (!u.known) return aad;
    const roles: UserRecord['roles'] = [...u.roles.map(([mpnId, role]) => ({ role, mpnId })), ...(u.operations ? [{ role: 'operations' as const, mpnId: null }] : [])];
    await app.repository.transaction((tx) => tx.putUser({ tenantId: PLAYGROUND_TENANT, aadObjectId: aad, name: `Isolation User ${n}`, roles }));
    return aad;
  }

  function botFor(aad: string): TestAdapter {
    return new TestAdapter(async (context) => app.bot.run(context), {
      channelId: 'msteams',
      serviceUrl: 'https://test.example',
      conversation: { id: `isolation-${aad}`, isGroup: false, conversationType: 'personal', name: 'chat' },
      from: { id: `29:${aad}`, name: 'Isolation User', aadObjectId: aad },
      recipient: { id: 'bot', name: 'bot' },
    });
  }

  async function turn(adapter: TestAdapter, activity: Partial<Activity>): Promise<Array<Partial<Activity>>> {
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0);
  }

  /**
   * Nothing in `text` belongs to a location outside `mine`: no other location's name or
   * distribution list, no referral without a part at one of `mine`, no customer of such a referral.
   */
  function assertOnlyMine(text: string, mine: ReadonlySet<string>, what: string): void {
    for (const l of LOCATIONS) {
      if (mine.has(l.mpnId)) continue;
      assert.ok(!text.includes(l.name), `${what} shows location ${l.name} (${l.mpnId}), outside the user's ${[...mine].join(', ') || 'none'}`);
      assert.ok(!text.includes(l.distributionLists.benefit) && !text.includes(l.distributionLists.standard), `${what} shows ${l.mpnId}'s distribution lists`);
    }
    const all = app.referrals.read().referrals();
    const visible = all.filter((r) => r.assignments.some((a) => mine.has(a.mpnId)));
    for (const id of text.match(/\bR-\d+\b/g) ?? []) {
      assert.ok(
        visible.some((r) => r.id === id),
        `${what} mentions referral ${id}, which has no part at the user's ${[...mine].join(', ') || 'none'}`,
      );
    }
    for (const r of all) {
      if (visible.includes(r)) continue;
      const name = r.customer.name;
      // A hidden customer's name may be part of a visible one's ("X" and "X Holdings").
      if (visible.some((v) => v.customer.name.includes(name))) continue;
      assert.ok(!text.includes(JSON.stringify(name).slice(1, -1)), `${what} shows customer ${name} of ${r.id}, which has no part at the user's locations`);
    }
  }

  const REFUSED = /Sorry, that needs|I can't show|don't know you|I do not know you/;

  it(`${CASES} random users × random target locations × forged card payloads: bot commands, card actions and the tab stay within the user's own locations (operations: see all, act on none)`, async () => {
    const caseArb = fc.record({
      user: userArb,
      target: fc.constantFrom(...MPNS),
      pick: fc.nat(),
      reassignTo: fc.oneof(fc.constant('auto'), fc.constantFrom(...MPNS)),
      forgedMpn: fc.constantFrom(...MPNS),
    });
    let cases = 0;
    let refusals = 0;
    let ownViews = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ user, target, pick, reassignTo, forgedMpn }) => {
        cases++;
        const aad = await createUser(user);
        const rights = rightsOf(user);
        const botRights = user.botTenant === PLAYGROUND_TENANT ? rights : NO_RIGHTS;
        const mine = new Set(rights.locations.keys());
        const botMine = new Set(botRights.locations.keys());
        const admins = new Set([...rights.locations].filter(([, r]) => r === 'admin').map(([m]) => m));
        const botAdmins = new Set([...botRights.locations].filter(([, r]) => r === 'admin').map(([m]) => m));
        const label = `user ${JSON.stringify(user)} (${aad}), target ${target}`;

        // ---- 1. What the bot shows: pending, status, acceptance rate.
        const bot = botFor(aad);
        const msg = (text: string): Partial<Activity> => ({ type: ActivityTypes.Message, text, channelData: { tenant: { id: user.botTenant } } });
        for (const command of ['pending', `pending ${target}`, 'status', `status ${target}`, 'acceptance rate', `acceptance rate ${target}`]) {
          const replies = await turn(bot, msg(command));
          assert.ok(replies.length >= 1, `${label}: "${command}" got no answer`);
          const text = replies.map(shown).join('\n');
          if (!botRights.operations) assertOnlyMine(text, botMine, `${label}: "${command}"`);
          if (command.endsWith(target)) {
            const mayView = botRights.operations || botMine.has(target);
            const name = LOCATIONS.find((l) => l.mpnId === target)?.name ?? target;
            if (mayView) {
              ownViews++;
              assert.ok(text.includes(name), `${label}: "${command}" should show ${name}: ${text.slice(0, 300)}`);
            } else {
              refusals++;
              assert.match(text, REFUSED, `${label}: "${command}" should be refused`);
            }
          }
        }

        // ---- 2. Forged card payloads naming other locations' parts: refused, nothing changes.
        const foreign = parts().filter((p) => !botMine.has(p.part.mpnId));
        const offeredForeign = foreign.filter((p) => p.part.state === 'offered');
        const pool = offeredForeign.length > 0 ? offeredForeign : foreign;
        const forged = pool[pick % pool.length];
        assert.ok(forged !== undefined, 'the demo has parts at other locations');
        const ownMpn = [...botMine][0] ?? forgedMpn;
        const before = snapshot();
        const invoke = (verb: string, data: Record<string, unknown>): Partial<Activity> => ({
          type: ActivityTypes.Invoke,
          name: 'adaptiveCard/action',
          channelData: { tenant: { id: user.botTenant } },
          value: { action: { type: 'Action.Execute', verb, data } },
        });
        const ids = { referralId: forged.referral.id, assignmentId: forged.part.id };
        const actions: Array<[string, Record<string, unknown>]> = [
          ['referral.accept', { ...ids, mpnId: ownMpn }],
          ['referral.decline', { ...ids, confirm: true, reason: 'no-capacity', mpnId: ownMpn }],
        ];
        const pauseAt = botAdmins.has(forgedMpn) ? MPNS.find((m) => !botAdmins.has(m)) : forgedMpn;
        if (pauseAt !== undefined) actions.push(['pause.confirm', { mpnId: pauseAt, until: day(7), issuedAt: new Date().toISOString() }]);
        if (!botRights.operations) actions.push(['ops.reassign', { ...ids, target: reassignTo }]);
        for (const [verb, data] of actions) {
          const replies = await turn(bot, invoke(verb, data));
          assert.equal(replies.length, 1, `${label}: ${verb} answered ${replies.length} times`);
          const res = replies[0]?.value as { status?: number; body?: unknown } | undefined;
          assert.equal(res?.status, 200, `${label}: ${verb} on ${JSON.stringify(data)} answered ${String(res?.status)}`);
          const text = JSON.stringify(res?.body);
          assert.match(text, /Sorry, that needs/, `${label}: ${verb} on ${JSON.stringify(data)} (part at ${forged.part.mpnId}) was not refused: ${text.slice(0, 300)}`);
          refusals++;
          assertOnlyMine(text.replace(forged.referral.id, ''), botMine, `${label}: refusal of ${verb}`);
        }
        // Typed, naming another location's referral and MPN ID ("accept" takes no MPN ID: it
        // answers for the caller's own location, so only when the referral has no offer there).
        const typed = [`decline ${forged.referral.id} ${forged.part.mpnId} no capacity`, `pause ${forged.part.mpnId} for 1 week`, `resume ${forged.part.mpnId}`];
        if (!forged.referral.assignments.some((a) => a.state === 'offered' && botMine.has(a.mpnId))) typed.push(`accept ${forged.referral.id}`);
        for (const command of typed) {
          const replies = await turn(bot, msg(command));
          const text = replies.map(shown).join('\n');
          assert.doesNotMatch(text, /Accepted by|Declined by|Referrals paused|Referrals resumed|Confirm pause/, `${label}: "${command}" acted: ${text.slice(0, 300)}`);
        }
        assert.deepEqual(snapshot(), before, `${label}: forged card payloads or typed commands on ${forged.referral.id}/${forged.part.id} (at ${forged.part.mpnId}) changed the store`);

        // ---- 3. The tab (real server, Teams SSO): 403 outside the user's locations.
        const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; text: string }> => {
          const res = await fetch(`${base}${url}`, {
            method,
            headers: { authorization: `Bearer ${azureAd.token(aad)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return { status: res.status, text: await res.text() };
        };
        const me = await call('GET', '/api/tab/me');
        assert.equal(me.status, 200);
        const meBody = JSON.parse(me.text) as { operations: boolean; locations: Array<{ mpnId: string; role: string }> };
        assert.equal(meBody.operations, rights.operations, `${label}: /me operations`);
        assert.deepEqual(
          meBody.locations.map((l) => `${l.mpnId}:${l.role}`).sort(),
          [...rights.locations].map(([m, r]) => `${m}:${r}`).sort(),
          `${label}: /me lists exactly the user's locations`,
        );
        assertOnlyMine(me.text, mine, `${label}: GET /api/tab/me`);

        const view = await call('GET', `/api/tab/locations/${target}`);
        if (rights.operations || mine.has(target)) {
          assert.equal(view.status, 200, `${label}: own (or operations) location view`);
          const v = JSON.parse(view.text) as { pending: Array<{ referralId: string; assignmentId: string }> };
          for (const p of v.pending) {
            const at = app.referrals.read().referral(p.referralId)?.assignments.find((a) => a.id === p.assignmentId)?.mpnId;
            assert.equal(at, target, `${label}: the view of ${target} lists ${p.referralId}/${p.assignmentId}, a part at ${String(at)}`);
          }
          if (!rights.operations) assertOnlyMine(view.text, mine, `${label}: GET /api/tab/locations/${target}`);
        } else {
          assert.equal(view.status, 403, `${label}: another location's view: ${view.text.slice(0, 200)}`);
          refusals++;
          assertOnlyMine(view.text, mine, `${label}: 403 body`);
        }

        const beforeTab = snapshot();
        const refusedTab: Array<[string, string, unknown]> = [
          ['POST', `/api/tab/referrals/${encodeURIComponent(forged.referral.id)}/parts/${encodeURIComponent(forged.part.id)}/accept`, undefined],
          ['POST', `/api/tab/referrals/${encodeURIComponent(forged.referral.id)}/parts/${encodeURIComponent(forged.part.id)}/decline`, { reason: 'no-capacity' }],
        ];
        if (!admins.has(target)) {
          refusedTab.push(['POST', `/api/tab/locations/${target}/pause`, { until: day(7) }]);
          refusedTab.push(['POST', `/api/tab/locations/${target}/resume`, undefined]);
        }
        for (const [method, url, body] of refusedTab) {
          // The part is outside the tab user's locations too unless the bot tenant differed.
          if (url.includes('/parts/') && mine.has(forged.part.mpnId)) continue;
          const r = await call(method, url, body);
          assert.equal(r.status, 403, `${label}: ${method} ${url} answered ${r.status}: ${r.text.slice(0, 200)}`);
          refusals++;
          assertOnlyMine(r.text, mine, `${label}: 403 body of ${url}`);
        }
        assert.deepEqual(snapshot(), beforeTab, `${label}: refused tab actions changed the store`);
      }),
      { numRuns: CASES },
    );
    assert.equal(cases, CASES);
    assert.ok(refusals > CASES * 4, `${refusals} refusals checked over ${cases} cases`);
    assert.ok(ownViews > 0, `${ownViews} own-location views checked (the property is not vacuous)`);
  });
});
