import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import type { Referral } from '../../domain/referrals/types.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { loadDemoSeed } from '../../data/seed/demo-seed.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { loadRouting } from '../../bot/router-factory.ts';
import { composeBot } from '../../bot/app.ts';
import { ReferralBot } from '../../bot/referral-bot.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { cardOf, cardText, executes, type CardJson } from '../helpers/card-text.ts';

const routing = loadRouting();
const NOW = new Date('2026-11-25T12:00:00Z');
const WINGTIP_UK_PAUSED = '4200003';
const LITWARE_FR_DEPARTED = '4400002';
const NEWCOMER = '11111111-2222-3333-4444-555555555555';
const STRANGER = '99999999-0000-0000-0000-000000000099';

describe('operations commands (TestAdapter, demo program)', () => {
  let dir: string;
  let store: JsonStore<StoreData>;
  let service: ReferralService;
  let bot: ReferralBot;
  let logger: ReturnType<typeof memoryLogger>;

  beforeEach(async function () {
    this.timeout(30000);
    dir = await mkdtemp(path.join(os.tmpdir(), 'ops-test-'));
    store = await JsonStore.open(path.join(dir, 'db.json'), storeSchema, emptyStore);
    const repo = new LowdbProgramRepository(store);
    let n = 0;
    await loadDemoSeed(repo, NOW, () => `seed-${++n}`);
    logger = memoryLogger();
    service = new ReferralService(repo, () => NOW, () => `id-${++n}`);
    bot = composeBot({ store, repository: repo, referrals: service, logger, now: () => NOW, routing });
  });

  afterEach(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  type Who = keyof typeof PLAYGROUND_USERS | 'stranger' | 'newcomer';
  function as(user: Who): TestAdapter {
    const aad = user === 'stranger' ? STRANGER : user === 'newcomer' ? NEWCOMER : PLAYGROUND_USERS[user];
    return new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      conversation: { id: `chat-${user}`, isGroup: false, conversationType: 'personal', name: 'chat' },
      // The display name claims to be Adele: names never grant rights.
      from: { id: `29:${user}`, name: 'Adele Vance', aadObjectId: aad },
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
  async function say(user: Who, text: string): Promise<string> {
    const r = await reply(as(user), msg(text));
    return r.attachments?.[0] === undefined ? (r.text ?? '') : cardText(cardOf(r));
  }
  function invokeCard(r: Partial<Activity>): CardJson {
    const v = r.value as { status: number; body: { statusCode: number; value: CardJson } };
    assert.equal(v.body.statusCode, 200);
    return v.body.value;
  }
  function referral(id: string): Referral {
    const r = service.read().referral(id);
    assert.ok(r !== undefined, id);
    return r;
  }
  const dump = (): string => JSON.stringify(store.data);

  it('referral <id>: customer, each part (location, state, basis, answer, decline reason), the FTC part and the history', async () => {
    const t = await say('adele', 'referral R-1022');
    const r = referral('R-1022');
    assert.ok(t.includes(r.customer.name), 'customer');
    assert.match(t, /Type: (Benefit|Standard)/);
    assert.match(t, /Workloads: SharePoint, Purview/);
    assert.match(t, /Contoso US \(MPN ID 4100001\)\*\* · Purview/);
    assert.match(t, /State: declined/);
    assert.match(t, /Basis: CPOR claim/);
    assert.match(t, /Answered: \d{4}-\d\d-\d\d \d\d:\d\d UTC by the demo seed/);
    assert.match(t, /Decline reason: /);
    assert.match(t, /FastTrack Center: Purview/);
    const history = t.slice(t.indexOf('History, oldest first'));
    const events = service.read().events().filter((e) => 'referralId' in e && e.referralId === 'R-1022');
    assert.equal(history.split('\n').filter((l) => l.startsWith('- ')).length, events.length, 'one line per event');
    assert.ok(history.indexOf('offered to') < history.indexOf('declined by'), 'oldest first');
    assert.match(history, /moved from .* after the decline/);
  });

  it('explain <id>: the stored facts, today’s recomputed choice, and every left-out location with its reason', async () => {
    const t = await say('adele', 'explain R-1007');
    assert.match(t, /recomputed today \(2026-11-25\) on today's network/);
    assert.match(t, /What happened \(stored\)/);
    assert.match(t, /Contoso US \(MPN ID 4100001\): Teams · declined · CPOR claim/);
    assert.match(t, /Fabrikam US \(MPN ID 4100002\): Teams · accepted · round robin/);
    assert.match(t, /Left out because they declined this referral: Contoso US/);
    assert.match(t, /Today's result matches where the referral's work is now/);
    const leftOut = t.slice(t.indexOf('Locations left out, and why'));
    assert.match(leftOut, /Contoso US \(MPN ID 4100001\): excluded from this referral/);
    assert.match(leftOut, /Litware US \(MPN ID 4100005\): seats \d+ (outside|above)/);
    assert.match(leftOut, /\d+ other locations: not in the customer's country \(US\)/);
  });

  it('reassign <id> <mpnId>: the part moves to that location, which now sees it pending', async () => {
    const before = referral('R-1036');
    const t = await say('adele', `reassign R-1036 ${DEMO_MPN.fabrikamUs}`);
    assert.match(t, /Referral R-1036 reassigned/);
    assert.match(t, /held by Contoso US \(MPN ID 4100001\) \(offered\) was moved by Adele Vance/);
    assert.match(t, /Fabrikam US \(MPN ID 4100002\): Teams \(manual \(FastTrack operations\)\)/);
    const after = referral('R-1036');
    assert.equal(after.assignments.find((a) => a.id === before.assignments[0]?.id)?.state, 'reassigned');
    assert.deepEqual(after.assignments.filter((a) => a.state === 'offered').map((a) => [a.mpnId, a.basis]), [[DEMO_MPN.fabrikamUs, 'manual']]);
    assert.ok(service.pendingFor(DEMO_MPN.fabrikamUs).some((p) => p.referral.id === 'R-1036'));
    assert.match(await say('isaiah', 'pending'), /R-1036/);
    assert.ok(logger.entries.some((e) => e.message === 'referral part reassigned' && e.context?.by === PLAYGROUND_USERS.adele));
  });

  it('reassign <id> auto: matching chooses, leaving out the holder; an accepted part can be moved too', async () => {
    const t = await say('adele', 'reassign R-1010 auto');
    assert.match(t, /\(accepted\) was moved by Adele Vance to matching's choice/);
    const offered = referral('R-1010').assignments.filter((a) => a.state === 'offered');
    assert.equal(offered.length, 1);
    assert.notEqual(offered[0]?.mpnId, DEMO_MPN.contosoUs);
    assert.equal(offered[0]?.basis, 'round-robin');
    assert.match(t, /It went to:/);
  });

  it('reassign is refused to a paused, departed or unknown location, and nothing changes', async () => {
    for (const [target, why] of [
      [WINGTIP_UK_PAUSED, /Wingtip UK \(MPN ID 4200003\) is paused until \d{4}-\d\d-\d\d/],
      [LITWARE_FR_DEPARTED, /Litware France \(MPN ID 4400002\) has left the program/],
      ['4999999', /There is no location with MPN ID 4999999/],
    ] as const) {
      const before = dump();
      assert.match(await say('adele', `reassign R-1038 ${target}`), why);
      assert.equal(dump(), before, `nothing changed for ${target}`);
    }
  });

  it('a referral with several movable parts asks which one; the card moves it once, a second click changes nothing', async () => {
    const pick = cardOf(await reply(as('adele'), msg('reassign R-1034 auto')));
    assert.match(cardText(pick), /It has 2 parts that can be moved/);
    const buttons = executes(pick);
    assert.equal(buttons.length, 2);
    const copilot = buttons.find((b) => /Copilot/.test(b.title));
    assert.ok(copilot?.data && copilot.verb);
    const moved = cardText(invokeCard(await reply(as('adele'), invoke(copilot.verb, copilot.data))));
    assert.match(moved, /Referral R-1034 reassigned/);
    const events = store.data.events.length;
    const again = cardText(invokeCard(await reply(as('adele'), invoke(copilot.verb, copilot.data))));
    assert.match(again, /already \*\*reassigned\*\*, so it was not moved. Nothing changed/);
    assert.equal(store.data.events.length, events);
    // Typed, naming the holder: the other part.
    assert.match(await say('adele', `reassign R-1034 from ${DEMO_MPN.contosoUs} to ${DEMO_MPN.fabrikamUs}`), /Purview held by Contoso US/);
  });

  it('reassign with a malformed request shows the syntax', async () => {
    assert.match(await say('adele', 'reassign R-1034 somewhere'), /reassign R-1001 from 4100001 to auto/);
  });

  it('unanswered lists a question the bot could not answer, with when and the closest topics', async () => {
    await say('megan', 'What is the weather in Paris tomorrow?');
    const t = await say('adele', 'unanswered');
    assert.match(t, /Unanswered questions: the 1 most recent/);
    assert.match(t, /“What is the weather in Paris tomorrow\?”/);
    assert.match(t, /2026-11-25 12:00 UTC · closest: /);
  });

  it('role grant gives a new user a location, who can then run pending there; revoke takes it away', async () => {
    assert.match(await say('newcomer', 'pending'), /don't know you as a member of a partner location/);
    const granted = await say('adele', `role grant ${NEWCOMER} member ${DEMO_MPN.fabrikamUs}`);
    assert.match(granted, /Role granted/);
    assert.match(granted, /is now member of Fabrikam US \(MPN ID 4100002\)/);
    assert.match(granted, /This user was new/);
    assert.deepEqual(service.read().user(PLAYGROUND_TENANT, NEWCOMER), {
      tenantId: PLAYGROUND_TENANT,
      aadObjectId: NEWCOMER,
      name: NEWCOMER,
      roles: [{ role: 'member', mpnId: DEMO_MPN.fabrikamUs }],
    });
    assert.match(await say('newcomer', 'pending'), /Pending referrals: Fabrikam US/);
    const audit = logger.entries.find((e) => e.message === 'role granted');
    assert.deepEqual(audit?.context, { by: PLAYGROUND_USERS.adele, tenantId: PLAYGROUND_TENANT, aadObjectId: NEWCOMER, role: 'member', mpnId: DEMO_MPN.fabrikamUs, replaced: null, created: 'yes' });

    assert.match(await say('adele', `role revoke ${NEWCOMER} member ${DEMO_MPN.fabrikamUs}`), /no longer member of Fabrikam US/);
    assert.deepEqual(service.read().user(PLAYGROUND_TENANT, NEWCOMER)?.roles, []);
    assert.match(await say('newcomer', 'pending'), /don't know you as a member of a partner location/);
    assert.ok(logger.entries.some((e) => e.message === 'role revoked' && e.context?.by === PLAYGROUND_USERS.adele));
  });

  it('granting admin to a member replaces the member role; operations takes no MPN ID', async () => {
    assert.match(await say('adele', `role grant ${PLAYGROUND_USERS.megan} admin ${DEMO_MPN.contosoUs}`), /Megan Bowen is now admin of Contoso US \(MPN ID 4100001\) \(was member\)/);
    assert.deepEqual(service.read().user(PLAYGROUND_TENANT, PLAYGROUND_USERS.megan)?.roles, [{ role: 'admin', mpnId: DEMO_MPN.contosoUs }]);
    const before = dump();
    assert.match(await say('adele', `role grant ${NEWCOMER} operations ${DEMO_MPN.contosoUs}`), /not tied to a location/);
    assert.match(await say('adele', `role grant ${NEWCOMER} member`), /add its MPN ID/);
    assert.match(await say('adele', `role revoke ${NEWCOMER} member ${DEMO_MPN.contosoUs}`), /nothing to revoke/);
    assert.equal(dump(), before);
  });

  it('an operations user cannot revoke their own operations role; another one can', async () => {
    const before = dump();
    const t = await say('adele', `role revoke ${PLAYGROUND_USERS.adele} operations`);
    assert.match(t, /cannot revoke your own operations role/);
    assert.equal(dump(), before);
    assert.ok(logger.entries.some((e) => e.message === 'refused' && e.context?.action === 'manage-roles'));
    await say('adele', `role grant ${NEWCOMER} operations`);
    assert.match(await say('newcomer', `role revoke ${PLAYGROUND_USERS.adele} operations`), /Adele Vance is no longer operations/);
    assert.match(await say('adele', 'unanswered'), /needs FastTrack operations/);
  });

  for (const who of ['megan', 'isaiah', 'stranger'] as const) {
    it(`every operations command is refused for ${who}, naming FastTrack operations; nothing changes and the refusal is logged`, async () => {
      await say('megan', 'What is the weather in Paris tomorrow?');
      const commands = [
        'referral R-1022',
        'explain R-1007',
        `reassign R-1036 ${DEMO_MPN.fabrikamUs}`,
        'reassign R-1036 auto',
        'unanswered',
        `role grant ${STRANGER} operations`,
        `role grant ${PLAYGROUND_USERS.isaiah} admin ${DEMO_MPN.fabrikamUs}`,
        `role revoke ${PLAYGROUND_USERS.adele} operations`,
      ];
      for (const command of commands) {
        const before = dump();
        const refusals = logger.entries.filter((e) => e.message === 'refused').length;
        const t = await say(who, command);
        assert.match(t, /^Sorry, that needs FastTrack operations\. .* Nothing was changed\./, `${who}: ${command}`);
        assert.equal(dump(), before, `${who}: ${command} changed nothing`);
        assert.equal(logger.entries.filter((e) => e.message === 'refused').length, refusals + 1, `${who}: ${command} was logged`);
      }
    });
  }

  it('a forged reassign card payload from a partner is refused and changes nothing', async () => {
    const part = referral('R-1036').assignments[0];
    assert.ok(part);
    const before = dump();
    const t = cardText(invokeCard(await reply(as('megan'), invoke('ops.reassign', { referralId: 'R-1036', assignmentId: part.id, target: DEMO_MPN.fabrikamUs }))));
    assert.match(t, /needs FastTrack operations/);
    assert.equal(dump(), before);
  });

  it('help lists the operations commands in their own section, for operations only', async () => {
    const t = await say('adele', 'help');
    const ops = t.slice(t.indexOf('FastTrack operations'));
    for (const c of ['referral R-1035', 'explain R-1035', 'reassign R-1035 4100003', 'unanswered', 'role grant', 'notifications']) assert.ok(ops.includes(c), c);
    const member = await say('megan', 'help');
    for (const c of ['referral R-1035', 'explain R-1035', 'reassign R-1035', 'unanswered', 'role grant']) assert.ok(!member.includes(c), `a member is offered ${c}`);
  });
});
