import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { loadDemoSeed } from '../../data/seed/demo-seed.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { loadRouting } from '../../bot/router-factory.ts';
import { composeBot } from '../../bot/app.ts';
import type { ReferralBot } from '../../bot/referral-bot.ts';
import { memoryLogger } from '../../bot/logger.ts';
import type { ServiceUrlPolicy } from '../../bot/notifications/service-url.ts';
import { customer, newReferral } from '../helpers/program-fixture.ts';

const routing = loadRouting();
const NOW = new Date('2026-11-25T12:00:00Z');
const TEAMS_URL = 'https://smba.trafficmanager.net/amer/';
const CHANNEL = '19:referrals@thread.tacv2';

type Who = keyof typeof PLAYGROUND_USERS;

describe('channel subscriptions and conversation references (TestAdapter, demo program)', () => {
  let dir: string;
  let store: JsonStore<StoreData>;
  let service: ReferralService;
  let outbox: LowdbOutbox;
  let bot: ReferralBot;
  let logger: ReturnType<typeof memoryLogger>;

  function build(serviceUrls: ServiceUrlPolicy): void {
    bot = composeBot({ store, repository: repoOf(), referrals: service, logger, now: () => NOW, routing, outbox, serviceUrls });
  }
  let repoOf: () => LowdbProgramRepository;

  beforeEach(async function () {
    this.timeout(30000);
    dir = await mkdtemp(path.join(os.tmpdir(), 'subs-test-'));
    store = await JsonStore.open(path.join(dir, 'db.json'), storeSchema, emptyStore);
    const repo = new LowdbProgramRepository(store);
    repoOf = () => repo;
    let n = 0;
    await loadDemoSeed(repo, NOW, () => `seed-${++n}`);
    logger = memoryLogger();
    service = new ReferralService(repo, () => NOW, () => `id-${++n}`);
    outbox = new LowdbOutbox(store, repo, () => NOW);
    build({ extraHosts: [], allowLocal: false });
  });

  afterEach(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  function inChannel(who: Who, serviceUrl = TEAMS_URL): TestAdapter {
    return new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: `${CHANNEL};messageid=17000`, isGroup: true, conversationType: 'channel', name: 'Referrals' },
      from: { id: `29:${who}`, name: 'Whoever The Card Says', aadObjectId: PLAYGROUND_USERS[who] },
      recipient: { id: '28:bot', name: 'Referral Bot' },
    });
  }
  function inPersonal(who: Who, serviceUrl = TEAMS_URL): TestAdapter {
    return new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: `a:personal-${who}`, isGroup: false, conversationType: 'personal', name: 'chat' },
      from: { id: `29:${who}`, name: who, aadObjectId: PLAYGROUND_USERS[who] },
      recipient: { id: '28:bot', name: 'Referral Bot' },
    });
  }
  function inConversation(id: string, conversationType: 'channel' | 'groupChat'): TestAdapter {
    return new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      serviceUrl: TEAMS_URL,
      conversation: { id, isGroup: true, conversationType, name: id },
      from: { id: '29:alex', name: 'alex', aadObjectId: PLAYGROUND_USERS.alex },
      recipient: { id: '28:bot', name: 'Referral Bot' },
    });
  }
  const channelData = { tenant: { id: PLAYGROUND_TENANT }, team: { id: 'team-1' }, channel: { id: CHANNEL } };
  const mention = (text: string): Partial<Activity> => ({
    type: ActivityTypes.Message,
    text: `<at>Referral Bot</at> ${text}`,
    entities: [{ type: 'mention', mentioned: { id: '28:bot', name: 'Referral Bot' }, text: '<at>Referral Bot</at>' }],
    channelData,
  });
  const msg = (text: string): Partial<Activity> => ({ type: ActivityTypes.Message, text, channelData: { tenant: { id: PLAYGROUND_TENANT } } });
  const install = (action: 'add' | 'remove', data: object = channelData): Partial<Activity> => ({ type: ActivityTypes.InstallationUpdate, action, channelData: data });

  async function replyText(adapter: TestAdapter, activity: Partial<Activity>): Promise<string> {
    let got = '';
    await adapter.send(activity).assertReply((r) => {
      got = r.text ?? JSON.stringify(r.attachments?.[0]?.content ?? {});
    });
    return got;
  }

  it('installing in a channel stores its reference (channel id, service URL, tenant, team) and greets once', async () => {
    await inChannel('alex').send(install('add')).assertReply((r) => assert.ok((r.attachments?.length ?? 0) > 0, 'welcome card')).startTest();
    const ref = outbox.conversation(CHANNEL);
    assert.ok(ref);
    assert.deepEqual(
      { scope: ref.scope, serviceUrl: ref.serviceUrl, tenantId: ref.tenantId, teamId: ref.teamId, active: ref.active, user: ref.userAadObjectId },
      { scope: 'channel', serviceUrl: TEAMS_URL, tenantId: PLAYGROUND_TENANT, teamId: 'team-1', active: true, user: null },
    );
  });

  it('a program admin subscribes the channel; a new referral then notifies the channel and the admin’s personal chat, in the intake’s own update', async () => {
    await inPersonal('alex').send(msg('status')).startTest();
    const text = await replyText(inChannel('alex'), mention(`subscribe ${DEMO_MPN.contosoUs}`));
    assert.match(text, /now receives notifications for Contoso/);
    assert.deepEqual(
      outbox.subscriptionsIn(CHANNEL).map((s) => [s.mpnId, s.by]),
      [[DEMO_MPN.contosoUs, PLAYGROUND_USERS.alex]],
    );
    assert.match(await replyText(inChannel('alex'), mention(`subscribe ${DEMO_MPN.contosoUs}`)), /already receives/);

    const before = store.stats.lines;
    const result = await service.intake(
      newReferral('R-7001', ['Teams'], { type: 'Standard', customer: customer({ cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] }) }),
    );
    assert.equal(store.stats.lines, before + 1, 'one journal line for the referral, its events and its notifications');
    assert.ok(result.referral.assignments.some((a) => a.mpnId === DEMO_MPN.contosoUs));
    const entries = Object.values(store.data.outbox).filter((e) => e.data.kind === 'referral-offered' && 'referralId' in e.data && e.data.referralId === 'R-7001');
    assert.deepEqual(entries.map((e) => e.conversationId).sort(), ['a:personal-alex', CHANNEL].sort());
  });

  it('a member and an admin of another location cannot subscribe; nothing is stored', async () => {
    assert.match(await replyText(inChannel('megan'), mention(`subscribe ${DEMO_MPN.contosoUs}`)), /needs the program admin/);
    assert.match(await replyText(inChannel('alex'), mention(`subscribe ${DEMO_MPN.fabrikamUs}`)), /needs the program admin/);
    assert.deepEqual(outbox.subscriptionsIn(CHANNEL), []);
    assert.ok(logger.entries.some((e) => e.message === 'refused' && e.context?.action === 'route-notifications'));
  });

  it('subscribe in a personal chat explains where to run it', async () => {
    assert.match(await replyText(inPersonal('alex'), msg(`subscribe ${DEMO_MPN.contosoUs}`)), /team channel/);
    assert.equal(Object.keys(store.data.subscriptions).length, 0);
  });

  it('unsubscribe stops the channel’s notifications; Megan cannot', async () => {
    await replyText(inChannel('alex'), mention(`subscribe ${DEMO_MPN.contosoUs}`));
    assert.match(await replyText(inChannel('megan'), mention('unsubscribe')), /needs the program admin/);
    assert.equal(outbox.subscriptionsIn(CHANNEL).length, 1);
    assert.match(await replyText(inChannel('alex'), mention('unsubscribe')), /Stopped notifications in this channel for MPN ID 4100001/);
    assert.deepEqual(outbox.subscriptionsIn(CHANNEL), []);
  });

  it('a forged service URL is never stored (the bot token would go there)', async () => {
    await inChannel('alex', 'https://attacker.example.net/').send(install('add')).startTest();
    assert.equal(outbox.conversation(CHANNEL), undefined);
    assert.ok(logger.entries.some((e) => e.message === 'conversation reference not stored' && /attacker\.example\.net/.test(String(e.context?.reason))));
    // Localhost only in development.
    await inPersonal('alex', 'http://localhost:56150/_connector').send(msg('status')).startTest();
    assert.equal(outbox.conversation('a:personal-alex'), undefined);
    build({ extraHosts: [], allowLocal: true });
    await inPersonal('alex', 'http://localhost:56150/_connector').send(msg('status')).startTest();
    assert.equal(outbox.conversation('a:personal-alex')?.serviceUrl, 'http://localhost:56150/_connector');
  });

  it('uninstalling forgets the conversation and its subscriptions', async () => {
    await replyText(inChannel('alex'), mention(`subscribe ${DEMO_MPN.contosoUs}`));
    assert.ok(outbox.conversation(CHANNEL));
    await inChannel('alex').send(install('remove')).startTest();
    assert.equal(outbox.conversation(CHANNEL), undefined);
    assert.deepEqual(outbox.subscriptionsIn(CHANNEL), []);
  });

  it('removing the bot from a team forgets every channel of that team (the event names only General), and no other team', async () => {
    const general = '19:general-team-1@thread.tacv2';
    const otherTeamChannel = '19:other-team@thread.tacv2';
    await replyText(inChannel('alex'), mention(`subscribe ${DEMO_MPN.contosoUs}`));
    await inConversation(otherTeamChannel, 'channel').send(install('add', { ...channelData, team: { id: 'team-2' }, channel: { id: otherTeamChannel } })).startTest();
    assert.ok(outbox.conversation(CHANNEL));
    assert.ok(outbox.conversation(otherTeamChannel));

    await inConversation(general, 'channel')
      .send({ type: ActivityTypes.ConversationUpdate, membersRemoved: [{ id: '28:bot', name: 'Referral Bot' }], channelData: { ...channelData, channel: { id: general }, eventType: 'teamMemberRemoved' } })
      .startTest();

    assert.equal(outbox.conversation(CHANNEL), undefined, 'the subscribed channel of the team is forgotten');
    assert.deepEqual(outbox.subscriptionsIn(CHANNEL), []);
    assert.ok(outbox.conversation(otherTeamChannel), 'another team keeps its channel');
  });

  it('a conversationUpdate that adds the bot to a group chat stores the chat’s reference', async () => {
    const chat = '19:group-chat@thread.v2';
    await inConversation(chat, 'groupChat')
      .send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: '28:bot', name: 'Referral Bot' }], channelData: { tenant: { id: PLAYGROUND_TENANT } } })
      .assertReply((r) => assert.ok((r.attachments?.length ?? 0) > 0, 'welcome card'))
      .startTest();
    const ref = outbox.conversation(chat);
    assert.ok(ref);
    assert.deepEqual([ref.scope, ref.tenantId, ref.serviceUrl, ref.teamId, ref.userAadObjectId], ['groupChat', PLAYGROUND_TENANT, TEAMS_URL, null, null]);
  });

  it('operations see failed notifications and resend them; a partner cannot', async () => {
    await inPersonal('alex').send(msg('status')).startTest();
    await service.intake(newReferral('R-7002', ['Teams'], { type: 'Standard', customer: customer({ cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] }) }));
    const [key] = Object.keys(store.data.outbox);
    assert.ok(key !== undefined);
    await outbox.claim(key);
    await outbox.settle(key, 'dead', 'gave up after 6 attempts: 429');
    const card = await replyText(inPersonal('adele'), msg('notifications'));
    assert.match(card, /gave up after 6 attempts/);
    assert.match(card, /Send all again/);
    assert.match(await replyText(inPersonal('megan'), msg('notifications')), /needs FastTrack operations/);
    assert.match(await replyText(inPersonal('adele'), msg('notifications retry')), /Queued 1 notification/);
    assert.equal(outbox.entry(key)?.state, 'pending');
  });
});
