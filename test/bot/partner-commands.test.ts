import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { loadDemoSeed } from '../../data/seed/demo-seed.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { loadRouting } from '../../bot/router-factory.ts';
import { composeBot } from '../../bot/app.ts';
import { ReferralBot } from '../../bot/referral-bot.ts';
import { memoryLogger } from '../../bot/logger.ts';

interface CardJson {
  body: Array<{ type: string; text?: string; items?: CardJson['body']; actions?: Array<{ type: string; title: string; verb?: string; data?: Record<string, unknown> }>; facts?: Array<{ title: string; value: string }> }>;
}

const routing = loadRouting();
const NOW = new Date('2026-11-25T12:00:00Z');

function flatten(body: CardJson['body']): CardJson['body'] {
  return body.flatMap((b) => [b, ...flatten(b.items ?? [])]);
}
function cardText(c: CardJson): string {
  return flatten(c.body)
    .map((b) => [b.text ?? '', ...(b.facts ?? []).map((f) => `${f.title}: ${f.value}`)].join('\n'))
    .join('\n');
}
function executes(c: CardJson): Array<{ title: string; verb?: string; data?: Record<string, unknown> }> {
  return flatten(c.body).flatMap((b) => (b.actions ?? []).filter((a) => a.type === 'Action.Execute'));
}
function cardOf(a: Partial<Activity>): CardJson {
  const att = a.attachments?.[0];
  assert.ok(att, `expected a card, got: ${a.text ?? '(nothing)'}`);
  return att.content as CardJson;
}

describe('partner commands (TestAdapter, demo program)', () => {
  let dir: string;
  let store: JsonStore<StoreData>;
  let service: ReferralService;
  let bot: ReferralBot;
  let logger: ReturnType<typeof memoryLogger>;
  let now: Date;
  let makeBot: () => ReferralBot;

  beforeEach(async function () {
    this.timeout(30000);
    dir = await mkdtemp(path.join(os.tmpdir(), 'cmd-test-'));
    store = await JsonStore.open(path.join(dir, 'db.json'), storeSchema, emptyStore);
    const repo = new LowdbProgramRepository(store);
    let n = 0;
    await loadDemoSeed(repo, NOW, () => `seed-${++n}`);
    now = NOW;
    logger = memoryLogger();
    service = new ReferralService(repo, () => now, () => `id-${++n}`);
    makeBot = () => composeBot({ store, repository: repo, referrals: service, logger, now: () => now, routing });
    bot = makeBot();
  });

  afterEach(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  function as(user: keyof typeof PLAYGROUND_USERS | 'stranger'): TestAdapter {
    const aad = user === 'stranger' ? '99999999-0000-0000-0000-000000000099' : PLAYGROUND_USERS[user];
    return new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      conversation: { id: `chat-${user}`, isGroup: false, conversationType: 'personal', name: 'chat' },
      from: { id: `29:${user}`, name: user === 'stranger' ? 'Alex Wilber' : user, aadObjectId: aad },
      recipient: { id: 'bot', name: 'bot' },
    });
  }
  const msg = (text: string): Partial<Activity> => ({ type: ActivityTypes.Message, text, channelData: { tenant: { id: PLAYGROUND_TENANT } } });
  const invoke = (verb: string, data: Record<string, unknown>): Partial<Activity> => ({
    type: ActivityTypes.Invoke,
    name: 'adaptiveCard/action',
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
    value: { action: { type: 'Action.Execute', verb, data } },
  });
  async function reply(adapter: TestAdapter, activity: Partial<Activity>): Promise<Partial<Activity>> {
    let got: Partial<Activity> | undefined;
    await adapter.send(activity).assertReply((r) => {
      got = r;
    });
    assert.ok(got);
    return got;
  }
  function invokeCard(r: Partial<Activity>): CardJson {
    const v = r.value as { status: number; body: { statusCode: number; value: CardJson } };
    assert.equal(v.body.statusCode, 200);
    return v.body.value;
  }
  const offered = (mpnId: string) => service.pendingFor(mpnId);

  it('Megan lists pending referrals: customer, workloads, type, age, Accept and Decline per referral, paging', async () => {
    const pending = offered(DEMO_MPN.contosoUs);
    assert.ok(pending.length > 5, 'the demo has more offers than one page');
    const c = cardOf(await reply(as('megan'), msg('pending')));
    const t = cardText(c);
    const first = pending[0];
    assert.ok(first !== undefined);
    assert.ok(t.includes(first.referral.id) && t.includes(first.referral.customer.name) && t.includes(first.referral.type));
    assert.match(t, /offered (today|\d+ days? ago)/);
    const buttons = executes(c);
    assert.equal(buttons.length, 10, '5 referrals on the first page, 2 buttons each');
    assert.deepEqual(buttons[0]?.data, { referralId: first.referral.id, assignmentId: first.part.id });
    const page2 = cardText(cardOf(await reply(as('megan'), msg(`pending ${DEMO_MPN.contosoUs} page 2`))));
    assert.match(page2, /page 2 of 2/);
  });

  it('accepting from the card changes state once; a second click shows who accepted and when', async () => {
    const first = offered(DEMO_MPN.contosoUs)[0];
    assert.ok(first !== undefined);
    const data = { referralId: first.referral.id, assignmentId: first.part.id };
    const once = cardText(invokeCard(await reply(as('megan'), invoke('referral.accept', data))));
    assert.match(once, /Accepted by Megan Bowen on Wednesday,? 25 November 2026/);
    const eventsAfterFirst = store.data.events.length;
    const twice = cardText(invokeCard(await reply(as('alex'), invoke('referral.accept', data))));
    assert.match(twice, /Accepted by Megan Bowen/);
    assert.match(twice, /out of date/);
    assert.equal(store.data.events.length, eventsAfterFirst, 'the second click changed nothing');
  });

  it('two users accepting the same referral at the same moment: exactly one acceptance', async () => {
    const first = offered(DEMO_MPN.contosoUs)[0];
    assert.ok(first !== undefined);
    const data = { referralId: first.referral.id, assignmentId: first.part.id };
    const before = store.data.events.filter((e) => e.type === 'accepted').length;
    const [a, b] = await Promise.all([reply(as('megan'), invoke('referral.accept', data)), reply(as('alex'), invoke('referral.accept', data))]);
    const texts = [cardText(invokeCard(a)), cardText(invokeCard(b))];
    assert.equal(texts.filter((t) => /out of date/.test(t)).length, 1, texts.join('\n---\n'));
    assert.equal(store.data.events.filter((e) => e.type === 'accepted').length, before + 1);
  });

  it('typed decline without a reason asks for one; with a reason it reports where the referral went', async () => {
    const first = offered(DEMO_MPN.contosoUs)[0];
    assert.ok(first !== undefined);
    const ask = cardOf(await reply(as('megan'), msg(`decline ${first.referral.id}`)));
    assert.ok(flatten(ask.body).some((b) => b.type === 'Input.ChoiceSet'));
    assert.equal(store.data.events.filter((e) => e.type === 'declined' && e.referralId === first.referral.id).length, 0, 'asking changes nothing');
    const done = cardText(cardOf(await reply(as('megan'), msg(`decline ${first.referral.id} no capacity`))));
    assert.match(done, /declined/i);
    assert.match(done, /No capacity/);
    assert.match(done, /reassigned|could not be reassigned/);
    const stored = service.read().referral(first.referral.id);
    assert.equal(stored?.assignments.find((a) => a.id === first.part.id)?.state, 'declined');
  });

  it('decline from the reason card, with "other" and a text', async () => {
    const first = offered(DEMO_MPN.contosoUs)[0];
    assert.ok(first !== undefined);
    const data = { referralId: first.referral.id, assignmentId: first.part.id, confirm: true, reason: 'other', reasonText: 'Customer wants on-site staff' };
    const t = cardText(invokeCard(await reply(as('megan'), invoke('referral.decline', data))));
    assert.match(t, /Other \(Customer wants on-site staff\)/);
  });

  it('a forged card payload cannot act on another partner’s referral: Isaiah (Fabrikam) is refused and nothing changes', async () => {
    const first = offered(DEMO_MPN.contosoUs)[0];
    assert.ok(first !== undefined);
    const before = JSON.stringify(store.data.referrals);
    const t = cardText(invokeCard(await reply(as('isaiah'), invoke('referral.accept', { referralId: first.referral.id, assignmentId: first.part.id, mpnId: DEMO_MPN.fabrikamUs }))));
    assert.match(t, /needs a partner member or program admin of that location/);
    assert.equal(JSON.stringify(store.data.referrals), before);
    assert.ok(logger.entries.some((e) => e.message === 'refused'), 'the refusal is logged');
  });

  it('a partner never sees another partner’s pending referrals', async () => {
    const r = await reply(as('isaiah'), msg(`pending ${DEMO_MPN.contosoUs}`));
    assert.match(r.text ?? '', /needs a partner member or program admin of that location/);
  });

  it('Megan (member) may not pause: the refusal names the program admin role', async () => {
    const r = await reply(as('megan'), msg('pause for two weeks'));
    assert.match(r.text ?? '', /needs the program admin of that location/);
    assert.equal(service.read().location(DEMO_MPN.contosoUs)?.pause, null);
  });

  it('Alex (admin) pauses for two weeks after confirming the exact resume date, sees the status, then resumes', async () => {
    const confirm = cardOf(await reply(as('alex'), msg('pause for two weeks')));
    assert.match(cardText(confirm), /resume automatically on \*\*Wednesday,? 9 December 2026\*\*/);
    assert.equal(service.read().location(DEMO_MPN.contosoUs)?.pause, null, 'nothing changes before confirming');
    const button = executes(confirm).find((b) => b.title === 'Confirm pause');
    assert.ok(button?.data);
    const paused = cardText(invokeCard(await reply(as('alex'), invoke('pause.confirm', button.data))));
    assert.match(paused, /Paused until Wednesday,? 9 December 2026/);
    assert.equal(service.read().location(DEMO_MPN.contosoUs)?.pause?.pausedUntil, '2026-12-09');
    assert.match(cardText(cardOf(await reply(as('megan'), msg('status')))), /Paused until/);
    assert.match(cardText(cardOf(await reply(as('alex'), msg('resume')))), /Referrals: On/);
    assert.equal(service.read().location(DEMO_MPN.contosoUs)?.pause, null);
  });

  it('refuses a pause over 30 days or in the past, quoting the rule', async () => {
    const long = await reply(as('alex'), msg('pause for 45 days'));
    assert.match(long.text ?? '', /up to 30 days/);
    const past = await reply(as('alex'), msg('pause until 2026-11-01'));
    assert.match(past.text ?? '', /in the past|later date than today/);
  });

  it('a pause confirmation older than 10 minutes expires cleanly', async () => {
    const confirm = cardOf(await reply(as('alex'), msg('pause for 10 days')));
    const button = executes(confirm).find((b) => b.title === 'Confirm pause');
    now = new Date(NOW.getTime() + 11 * 60_000);
    const t = cardText(invokeCard(await reply(as('alex'), invoke('pause.confirm', button?.data ?? {}))));
    assert.match(t, /expired/);
    assert.equal(service.read().location(DEMO_MPN.contosoUs)?.pause, null);
  });

  it('shows the acceptance rate against 80% with counts, acceptNeeded and the previous quarter', async () => {
    const t = cardText(cardOf(await reply(as('megan'), msg('acceptance rate'))));
    assert.match(t, /Acceptance rate FY27-Q2/);
    for (const label of ['Accepted', 'Declined', 'Expired', 'Pending', 'Acceptances needed', 'Previous quarter (FY27-Q1)']) assert.ok(t.includes(label), label);
    const row = service.acceptance(NOW, [DEMO_MPN.contosoUs]).rates.find((r) => r.quarter === 'FY27-Q2');
    if (row?.meetsTarget === false) assert.match(t, /Below the 80% target/);
  });

  it('a guest asking for pending gets told how to get access', async () => {
    const r = await reply(as('stranger'), msg('pending'));
    assert.match(r.text ?? '', /don't know you as a member of a partner location/);
  });

  it('operations see any location when they name it, and are asked which one otherwise', async () => {
    assert.match(cardText(cardOf(await reply(as('adele'), msg(`status ${DEMO_MPN.fabrikamUs}`)))), /Fabrikam US/);
    assert.match((await reply(as('adele'), msg('pending'))).text ?? '', /Which location\?/);
  });

  describe('typed follow-ups (state in botbuilder Storage on lowdb)', () => {
    it('"decline R-x" asks why; typing "no capacity" next declines it', async () => {
      const first = offered(DEMO_MPN.contosoUs)[0];
      assert.ok(first !== undefined);
      cardOf(await reply(as('megan'), msg(`decline ${first.referral.id}`)));
      assert.ok(Object.keys(store.data.botState).some((k) => k.startsWith('followup/')), 'the open question is stored');
      const t = cardText(cardOf(await reply(as('megan'), msg('no capacity'))));
      assert.match(t, /No capacity/);
      assert.equal(service.read().referral(first.referral.id)?.assignments.find((a) => a.id === first.part.id)?.state, 'declined');
      assert.ok(!Object.keys(store.data.botState).some((k) => k.startsWith('followup/')), 'the question is closed');
    });

    it('the open question survives a restart of the bot: a new bot instance completes it', async () => {
      const first = offered(DEMO_MPN.contosoUs)[0];
      assert.ok(first !== undefined);
      cardOf(await reply(as('megan'), msg(`decline ${first.referral.id}`)));
      bot = makeBot();
      assert.match(cardText(cardOf(await reply(as('megan'), msg('2')))), /cannot support the workload/);
    });

    it('a question left for more than 10 minutes expires: the answer is treated as a new message', async () => {
      const first = offered(DEMO_MPN.contosoUs)[0];
      assert.ok(first !== undefined);
      cardOf(await reply(as('megan'), msg(`decline ${first.referral.id}`)));
      now = new Date(NOW.getTime() + 11 * 60_000);
      await reply(as('megan'), msg('no capacity'));
      assert.equal(service.read().referral(first.referral.id)?.assignments.find((a) => a.id === first.part.id)?.state, 'offered');
    });

    it('"pause" asks for how long; typing "two weeks" next shows the confirmation card', async () => {
      const ask = await reply(as('alex'), msg('pause'));
      assert.match(ask.text ?? '', /For how long\?/);
      const confirm = cardText(cardOf(await reply(as('alex'), msg('for two weeks'))));
      assert.match(confirm, /resume automatically on \*\*Wednesday,? 9 December 2026\*\*/);
    });

    it('something that is not an answer is routed as usual', async () => {
      const first = offered(DEMO_MPN.contosoUs)[0];
      assert.ok(first !== undefined);
      cardOf(await reply(as('megan'), msg(`decline ${first.referral.id}`)));
      assert.match(cardText(cardOf(await reply(as('megan'), msg('status')))), /Status: Contoso US/);
      assert.equal(service.read().referral(first.referral.id)?.assignments.find((a) => a.id === first.part.id)?.state, 'offered');
    });
  });
});
