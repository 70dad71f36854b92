import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import type { Referral, ReferralAssignment } from '../../domain/referrals/types.ts';
import { cardText, executes, type CardJson } from '../helpers/card-text.ts';

/** A stand-in for the Bot Framework connector: keeps every activity the bot sends back. */
async function startConnector(): Promise<{ url: string; received: unknown[]; close(): Promise<void> }> {
  const received: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf-8');
      received.push(text === '' ? undefined : (JSON.parse(text) as unknown));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

interface HttpResult {
  readonly status: number;
  readonly body: string;
}

async function post(port: number, activity: unknown): Promise<HttpResult> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

/** The body of an `adaptiveCard/action` invoke response, as Teams receives it. */
interface InvokeBody {
  readonly statusCode: number;
  readonly type: string;
  readonly value: unknown;
}

function invokeBody(res: HttpResult): InvokeBody {
  const parsed = JSON.parse(res.body) as Partial<InvokeBody>;
  assert.equal(typeof parsed.statusCode, 'number', res.body);
  assert.equal(typeof parsed.type, 'string', res.body);
  return { statusCode: parsed.statusCode ?? 0, type: parsed.type ?? '', value: parsed.value };
}

/** The card that replaces the clicked one: HTTP 200, an invoke response of status 200 with a card. */
function invokeCard(res: HttpResult): CardJson {
  assert.equal(res.status, 200, res.body);
  const body = invokeBody(res);
  assert.equal(body.statusCode, 200, res.body);
  assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', res.body);
  const value = body.value as Partial<CardJson> | undefined;
  assert.ok(value !== undefined && Array.isArray(value.body), res.body);
  return value as CardJson;
}

/** A message the bot sent to the connector: its card, or a failure showing the text it sent instead. */
function sentCard(activity: unknown): CardJson {
  const a = activity as { text?: string; attachments?: Array<{ contentType?: string; content?: CardJson }> } | undefined;
  const att = a?.attachments?.[0];
  assert.ok(att?.content, `expected a card, got: ${a?.text ?? JSON.stringify(activity)}`);
  assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
  return att.content;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `Wednesday 9 December 2026` (en-GB, with or without the comma), for a UTC day. */
function longDay(d: Date): RegExp {
  return new RegExp(`${WEEKDAYS[d.getUTCDay()]},? ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`);
}

type User = keyof typeof PLAYGROUND_USERS;

describe('partner commands through the real server (buildApp, demo program)', function () {
  this.timeout(30000);
  let app: App;
  let port: number;
  let dir: string;
  let logger: ReturnType<typeof memoryLogger>;
  let connector: Awaited<ReturnType<typeof startConnector>>;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'partner-http-'));
    logger = memoryLogger();
    app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', SEED_DEMO_DATA: 'true' }, process.cwd()), logger);
    port = await listen(app.server, 0);
  });

  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    logger.entries.length = 0;
    connector = await startConnector();
  });

  afterEach(async () => {
    await connector.close();
  });

  let seq = 0;
  const activity = (user: User, extra: Record<string, unknown>): Record<string, unknown> => ({
    id: `a-${++seq}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: `29:${user}`, aadObjectId: PLAYGROUND_USERS[user] },
    recipient: { id: 'bot' },
    conversation: { id: `c-${user}`, conversationType: 'personal' },
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
    ...extra,
  });
  const message = (user: User, text: string): Record<string, unknown> => activity(user, { type: 'message', text });
  const invoke = (user: User, verb: string, data: unknown): Record<string, unknown> =>
    activity(user, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } });

  const events = () => app.referrals.read().events();
  const referral = (id: string): Referral => {
    const r = app.referrals.read().referral(id);
    assert.ok(r, `referral ${id} exists`);
    return r;
  };
  const assignment = (referralId: string, assignmentId: string): ReferralAssignment => {
    const a = referral(referralId).assignments.find((x) => x.id === assignmentId);
    assert.ok(a, `part ${assignmentId} of ${referralId} exists`);
    return a;
  };
  /** An offered part of Contoso US whose referral has no other part offered to Contoso US. */
  const offeredContosoPart = (skip: ReadonlySet<string> = new Set()): { referral: Referral; part: ReferralAssignment } => {
    const pending = app.referrals.pendingFor(DEMO_MPN.contosoUs);
    const one = pending.find(
      (p) => !skip.has(p.referral.id) && p.referral.assignments.filter((a) => a.mpnId === DEMO_MPN.contosoUs && a.state === 'offered').length === 1,
    );
    assert.ok(one, `an offered part of ${DEMO_MPN.contosoUs} (${pending.length} pending)`);
    return one;
  };
  const used = new Set<string>();
  const nextPart = (): { referral: Referral; part: ReferralAssignment } => {
    const p = offeredContosoPart(used);
    used.add(p.referral.id);
    return p;
  };

  async function assertHealthy(): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 200, 'the server still answers /healthz');
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  }

  describe('accept', () => {
    it('Megan’s Accept invoke answers 200 with the refreshed card and the store shows the part accepted', async () => {
      const { referral: r, part } = nextPart();
      const data = { referralId: r.id, assignmentId: part.id };
      const acceptedBefore = events().filter((e) => e.type === 'accepted').length;

      const res = await post(port, invoke('megan', 'referral.accept', data));
      const t = cardText(invokeCard(res));
      assert.match(t, new RegExp(`Referral ${r.id}`));
      assert.match(t, /Accepted by Megan Bowen on /);
      assert.match(t, longDay(new Date()));
      assert.doesNotMatch(t, /out of date/);
      assert.equal(connector.received.length, 0, 'an invoke is answered in the HTTP response, not through the connector');

      const stored = assignment(r.id, part.id);
      assert.equal(stored.state, 'accepted');
      assert.equal(stored.answeredBy, PLAYGROUND_USERS.megan);
      assert.ok(stored.answeredAt !== null);
      const accepted = events().filter((e) => e.type === 'accepted');
      assert.equal(accepted.length, acceptedBefore + 1);
      const last = accepted[accepted.length - 1];
      assert.ok(last !== undefined && last.type === 'accepted');
      assert.deepEqual([last.referralId, last.assignmentId, last.actor, last.mpnId], [r.id, part.id, PLAYGROUND_USERS.megan, DEMO_MPN.contosoUs]);
    });

    it('the same Accept invoke sent again answers 200 with the "out of date" card and adds no event', async () => {
      const { referral: r, part } = nextPart();
      const data = { referralId: r.id, assignmentId: part.id };
      invokeCard(await post(port, invoke('megan', 'referral.accept', data)));
      const before = events().length;
      const storedBefore = JSON.stringify(referral(r.id));

      const again = await post(port, invoke('megan', 'referral.accept', data));
      const t = cardText(invokeCard(again));
      assert.match(t, /Accepted by Megan Bowen/);
      assert.match(t, /This card is out of date: the offer was already answered\./);
      assert.equal(events().length, before, 'the repeat changed nothing');
      assert.equal(JSON.stringify(referral(r.id)), storedBefore);
    });

    it('two concurrent Accept invokes (Megan and Alex) for the same part: exactly one acceptance', async () => {
      const { referral: r, part } = nextPart();
      const data = { referralId: r.id, assignmentId: part.id };
      const acceptedOf = () => events().filter((e) => e.type === 'accepted' && e.assignmentId === part.id);
      assert.equal(acceptedOf().length, 0);

      const [megan, alex] = await Promise.all([post(port, invoke('megan', 'referral.accept', data)), post(port, invoke('alex', 'referral.accept', data))]);
      const texts = [cardText(invokeCard(megan)), cardText(invokeCard(alex))];
      assert.equal(texts.filter((t) => /out of date/.test(t)).length, 1, texts.join('\n---\n'));
      const accepted = acceptedOf();
      assert.equal(accepted.length, 1, 'exactly one accepted event');
      const winner = accepted[0]?.actor === PLAYGROUND_USERS.megan ? 'Megan Bowen' : 'Alex Wilber';
      assert.ok([PLAYGROUND_USERS.megan, PLAYGROUND_USERS.alex].some((u) => u === accepted[0]?.actor));
      for (const t of texts) assert.match(t, new RegExp(`Accepted by ${winner}`), 'both cards name the same winner');
      assert.equal(assignment(r.id, part.id).state, 'accepted');
    });
  });

  describe('decline', () => {
    it('typed "decline R-xxxx no capacity": 200, the reply card reports where the referral went, and the store agrees', async () => {
      const { referral: r, part } = nextPart();
      const beforeIds = new Set(r.assignments.map((a) => a.id));
      const ftcBefore = r.ftc.length;

      const res = await post(port, message('megan', `decline ${r.id} no capacity`));
      assert.equal(res.status, 200, res.body);
      assert.equal(connector.received.length, 1, JSON.stringify(connector.received));
      const t = cardText(sentCard(connector.received[0]));
      assert.match(t, new RegExp(`Referral ${r.id} declined`));
      assert.match(t, /Declined by Megan Bowen: No capacity\./);

      const after = referral(r.id);
      const declined = assignment(r.id, part.id);
      assert.equal(declined.state, 'declined');
      assert.equal(declined.answeredBy, PLAYGROUND_USERS.megan);
      assert.deepEqual(declined.declineReason, { code: 'no-capacity', text: null });
      const newParts = after.assignments.filter((a) => !beforeIds.has(a.id));
      const newFtc = after.ftc.slice(ftcBefore);
      assert.ok(newParts.length + newFtc.length > 0, 'the declined part went to another location or to the FastTrack Center');
      for (const p of newParts) {
        assert.equal(p.state, 'offered');
        assert.notEqual(p.mpnId, DEMO_MPN.contosoUs, 'not offered back to the location that declined');
        const location = app.referrals.read().location(p.mpnId);
        assert.ok(location);
        assert.ok(t.includes(`${location.name} (MPN ID ${p.mpnId}): ${p.workloads.join(', ')}`), `the card names ${p.mpnId}:\n${t}`);
      }
      for (const f of newFtc) assert.ok(t.includes(`FastTrack Center: ${f.workloads.join(', ')}`), t);
      assert.match(t, newParts.length + newFtc.length > 0 ? /It was reassigned:/ : /could not be reassigned/);

      const declinedEvents = events().filter((e) => e.type === 'declined' && e.assignmentId === part.id);
      assert.equal(declinedEvents.length, 1);
    });

    it('the Decline card’s invoke with confirm, reason "other" and a text declines with that reason', async () => {
      const { referral: r, part } = nextPart();
      const data = { referralId: r.id, assignmentId: part.id, confirm: true, reason: 'other', reasonText: 'Customer wants on-site staff' };

      const t = cardText(invokeCard(await post(port, invoke('megan', 'referral.decline', data))));
      assert.match(t, new RegExp(`Referral ${r.id} declined`));
      assert.match(t, /Declined by Megan Bowen: Other \(Customer wants on-site staff\)\./);
      assert.match(t, /It was reassigned:|could not be reassigned/);
      assert.equal(connector.received.length, 0);

      const declined = assignment(r.id, part.id);
      assert.equal(declined.state, 'declined');
      assert.deepEqual(declined.declineReason, { code: 'other', text: 'Customer wants on-site staff' });
      const ev = events().filter((e) => e.type === 'declined' && e.assignmentId === part.id);
      assert.equal(ev.length, 1);
      assert.ok(ev[0]?.type === 'declined');
      assert.deepEqual(ev[0].reason, { code: 'other', text: 'Customer wants on-site staff' });
    });

    it('the Decline button without a reason asks for one and changes nothing', async () => {
      const { referral: r, part } = offeredContosoPart(used);
      const before = events().length;
      const c = invokeCard(await post(port, invoke('megan', 'referral.decline', { referralId: r.id, assignmentId: part.id })));
      assert.match(cardText(c), new RegExp(`Decline ${r.id}\\?`));
      const button = executes(c).find((b) => b.verb === 'referral.decline');
      assert.deepEqual(button?.data, { referralId: r.id, assignmentId: part.id, confirm: true });
      assert.equal(events().length, before);
      assert.equal(assignment(r.id, part.id).state, 'offered');
    });
  });

  describe('forged payloads', () => {
    it('Isaiah (Fabrikam) sending the Accept invoke for a Contoso part is refused by role and nothing changes', async () => {
      const { referral: r, part } = offeredContosoPart(used);
      const before = JSON.stringify(app.store.data.referrals);
      const eventCount = events().length;

      const res = await post(port, invoke('isaiah', 'referral.accept', { referralId: r.id, assignmentId: part.id, mpnId: DEMO_MPN.fabrikamUs }));
      const t = cardText(invokeCard(res));
      assert.match(t, /Sorry, that needs a partner member or program admin of that location\./);
      assert.match(t, new RegExp(`You are not registered for location ${DEMO_MPN.contosoUs}\\.`));
      assert.match(t, /Nothing was changed\./);
      assert.equal(JSON.stringify(app.store.data.referrals), before, 'the store is unchanged');
      assert.equal(events().length, eventCount);
      assert.equal(assignment(r.id, part.id).state, 'offered');
      const refusal = logger.entries.find((e) => e.level === 'warn' && e.message === 'refused');
      assert.ok(refusal, JSON.stringify(logger.entries));
      assert.equal(refusal.context?.['userId'], PLAYGROUND_USERS.isaiah);
      assert.equal(refusal.context?.['mpnId'], DEMO_MPN.contosoUs);
      assert.equal(refusal.context?.['action'], 'answer-offer');
    });

    it('Isaiah sending a confirmed Decline invoke for a Contoso part is refused too', async () => {
      const { referral: r, part } = offeredContosoPart(used);
      const before = JSON.stringify(app.store.data.referrals);
      const data = { referralId: r.id, assignmentId: part.id, confirm: true, reason: 'no-capacity' };
      const t = cardText(invokeCard(await post(port, invoke('isaiah', 'referral.decline', data))));
      assert.match(t, /needs a partner member or program admin of that location/);
      assert.equal(JSON.stringify(app.store.data.referrals), before);
    });
  });

  describe('malformed invokes', () => {
    const assertErrorResponse = (res: HttpResult): InvokeBody => {
      assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx, got ${res.status}: ${res.body}`);
      const body = invokeBody(res);
      assert.equal(body.statusCode, res.status);
      assert.equal(body.type, 'application/vnd.microsoft.error');
      const value = body.value as { code?: unknown; message?: unknown } | undefined;
      assert.equal(typeof value?.code, 'string', res.body);
      assert.equal(typeof value?.message, 'string', res.body);
      assert.doesNotMatch(res.body, /stack|\bat [\w.<>]+ \(|node_modules|\.ts\b/);
      return body;
    };

    it('an Action.Execute whose referralId is a number is a 400 BadRequest, and the server keeps serving', async () => {
      const before = JSON.stringify(app.store.data.referrals);
      const res = await post(port, invoke('megan', 'referral.accept', { referralId: 42 }));
      const body = assertErrorResponse(res);
      assert.equal(res.status, 400);
      assert.deepEqual(body.value, { code: 'BadRequest', message: 'the card data is not valid' });
      assert.equal(JSON.stringify(app.store.data.referrals), before);
      assert.equal(connector.received.length, 0);
      await assertHealthy();
    });

    it('the same payload without an action type (value.action.verb only) is a 4xx, not a 500', async () => {
      const res = await post(port, activity('megan', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { verb: 'referral.accept', data: { referralId: 42 } } } }));
      assertErrorResponse(res);
      assert.equal(connector.received.length, 0);
      await assertHealthy();
    });

    // botbuilder's ActivityHandler reads value.action.type unguarded: without an action object the
    // turn throws, the user gets the "something went wrong" apology and Teams an empty 501.
    for (const [label, value] of [
      ['an empty value', {}],
      ['a null action', { action: null }],
      ['a string value', 'referral.accept'],
    ] as const) {
      it(`an adaptiveCard/action invoke with ${label} is a 4xx with nothing sent to the chat`, async () => {
        const res = await post(port, activity('megan', { type: 'invoke', name: 'adaptiveCard/action', value }));
        assertErrorResponse(res);
        assert.equal(connector.received.length, 0, `no apology in the chat: ${JSON.stringify(connector.received)}`);
        assert.equal(logger.entries.filter((e) => e.level === 'error').length, 0, JSON.stringify(logger.entries));
        await assertHealthy();
      });
    }

    for (const [label, data] of [
      ['no data at all', undefined],
      ['a string', 'R-1001'],
      ['an over-long referral id', { referralId: 'R'.repeat(65), assignmentId: 'x' }],
    ] as const) {
      it(`an Accept invoke whose data is ${label} is a 400`, async () => {
        const res = await post(port, invoke('megan', 'referral.accept', data));
        assertErrorResponse(res);
        assert.equal(res.status, 400);
        await assertHealthy();
      });
    }

    it('an Accept invoke naming an unknown referral answers with a card saying so', async () => {
      const t = cardText(invokeCard(await post(port, invoke('megan', 'referral.accept', { referralId: 'R-999999', assignmentId: 'nope' }))));
      assert.match(t, /no longer available/);
    });

    it('a pause.confirm invoke with a badly formed date is a 400', async () => {
      const res = await post(port, invoke('alex', 'pause.confirm', { mpnId: DEMO_MPN.contosoUs, until: 'next week', issuedAt: new Date().toISOString() }));
      assertErrorResponse(res);
      assert.equal(app.referrals.read().location(DEMO_MPN.contosoUs)?.pause, null);
      await assertHealthy();
    });
  });

  // Last: pausing Contoso US would change where the declines above are routed.
  describe('pause with confirmation', () => {
    it('Alex types "pause for two weeks", confirms on the card (not Megan), and the store shows pausedUntil', async () => {
      const today = new Date();
      const resume = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 14));
      const until = resume.toISOString().slice(0, 10);
      const location = () => app.referrals.read().location(DEMO_MPN.contosoUs);
      const pauseEvents = () => events().filter((e) => e.type === 'paused' && e.mpnId === DEMO_MPN.contosoUs);
      assert.equal(location()?.pause, null);

      const asked = await post(port, message('alex', 'pause for two weeks'));
      assert.equal(asked.status, 200, asked.body);
      assert.equal(connector.received.length, 1, JSON.stringify(connector.received));
      const confirm = sentCard(connector.received[0]);
      const t = cardText(confirm);
      assert.match(t, /Pause referrals for Contoso US\?/);
      assert.match(t, /stop for 14 days/);
      assert.match(t, new RegExp(`resume automatically on \\*\\*${longDay(resume).source}\\*\\* \\(00:00 UTC\\)`));
      assert.equal(location()?.pause, null, 'nothing changes before confirming');
      assert.equal(pauseEvents().length, 0);

      const button = executes(confirm).find((b) => b.title === 'Confirm pause');
      assert.ok(button?.data, 'the card has a Confirm pause button with data');
      assert.equal(button.verb, 'pause.confirm');
      assert.equal(button.data['mpnId'], DEMO_MPN.contosoUs);
      assert.equal(button.data['until'], until);

      // Megan (member) replays the very same card data before Alex confirms: refused.
      const early = cardText(invokeCard(await post(port, invoke('megan', 'pause.confirm', button.data))));
      assert.match(early, /Sorry, that needs the program admin of that location\./);
      assert.match(early, new RegExp(`You are a member of location ${DEMO_MPN.contosoUs}\\.`));
      assert.equal(location()?.pause, null);
      assert.equal(pauseEvents().length, 0);

      const paused = cardText(invokeCard(await post(port, invoke('alex', 'pause.confirm', button.data))));
      assert.match(paused, /Referrals paused: Contoso US/);
      assert.match(paused, new RegExp(`Paused until ${longDay(resume).source}`));
      const state = location()?.pause;
      assert.equal(state?.pausedUntil, until);
      assert.equal(pauseEvents().length, 1);
      assert.equal(pauseEvents()[0]?.actor, PLAYGROUND_USERS.alex);
      const stateAfterAlex = JSON.stringify(location());
      const eventCount = events().length;

      const late = cardText(invokeCard(await post(port, invoke('megan', 'pause.confirm', button.data))));
      assert.match(late, /needs the program admin of that location/);
      assert.equal(JSON.stringify(location()), stateAfterAlex, 'nothing changes');
      assert.equal(events().length, eventCount);
      assert.equal(connector.received.length, 1, 'the confirmations were answered in the HTTP responses');
    });
  });
});
