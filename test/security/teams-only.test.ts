import assert from 'node:assert/strict';
import { startNotificationStandIn, type NotificationStandIn } from '../../bench/notification-stand-in.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { postActivity, startApp, type TestApp } from './support.ts';

/**
 * Identity comes only from Teams. A Direct Line or Web Chat client sets `from` itself, so an
 * activity from such a channel that names Alex's AAD object id (in `from.id` or in
 * `from.aadObjectId`) must not act as Alex, and must not become Alex's personal chat, where his
 * notifications would go. Through the real server (buildApp, demo program).
 */
describe('security: only Microsoft Teams activities act (real server, demo program)', function () {
  this.timeout(30000);
  let bot: TestApp;
  let standIn: NotificationStandIn;

  beforeEach(async () => {
    standIn = await startNotificationStandIn();
    bot = await startApp({});
  });

  afterEach(async () => {
    await bot?.close();
    await standIn?.close();
  });

  function offeredToAlex(): { referralId: string; assignmentId: string } {
    const item = bot.app.referrals.pendingFor(DEMO_MPN.contosoUs)[0];
    assert.ok(item !== undefined, 'the demo program has an offer for Contoso US');
    return { referralId: item.referral.id, assignmentId: item.part.id };
  }

  function partState(referralId: string, assignmentId: string): string | undefined {
    return bot.app.referrals.read().referral(referralId)?.assignments.find((a) => a.id === assignmentId)?.state;
  }

  const alexVia = (channelId: string, conversationId: string, text: string, from: Record<string, string>) => ({
    type: 'message',
    text,
    channelId,
    serviceUrl: standIn.serviceUrl,
    from,
    recipient: { id: 'bot' },
    conversation: { id: conversationId, conversationType: 'personal' },
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
  });

  for (const [channel, from] of [
    ['directline', { id: PLAYGROUND_USERS.alex, name: 'Alex Wilber' }],
    ['webchat', { id: 'dl_123', name: 'Alex Wilber', aadObjectId: PLAYGROUND_USERS.alex }],
  ] as const) {
    it(`a ${channel} activity naming Alex cannot accept his referral, gets no reply and is not stored as his chat`, async () => {
      const { referralId, assignmentId } = offeredToAlex();
      const res = await postActivity(bot.port, alexVia(channel, `dl-${channel}`, `accept ${referralId}`, from));
      // The turn has finished when the server answers, so a reply it sent would already be at the stand-in.
      assert.equal(res.status, 200, res.body);
      assert.equal(partState(referralId, assignmentId), 'offered');
      assert.equal(standIn.posts.length, 0, 'no reply went out');
      assert.equal(bot.app.store.data.conversations[`dl-${channel}`], undefined, 'no conversation reference stored');
      assert.ok(bot.logger.entries.some((e) => e.message === 'activity refused' && String(e.context?.['reason']).includes(channel)));
    });
  }

  it('control: the same accept from Teams is recorded as Alex', async () => {
    const { referralId, assignmentId } = offeredToAlex();
    const res = await postActivity(bot.port, alexVia('msteams', 'teams-alex', `accept ${referralId}`, { id: '29:alex', aadObjectId: PLAYGROUND_USERS.alex }));
    assert.equal(res.status, 200, res.body);
    assert.equal(partState(referralId, assignmentId), 'accepted');
    assert.equal(standIn.posts.length, 1);
    assert.equal(bot.app.store.data.conversations['teams-alex']?.userAadObjectId, PLAYGROUND_USERS.alex);
  });

  it('a Teams activity without an AAD object id is a guest, whatever from.id says, and its chat is not stored as anyone’s', async () => {
    const { referralId, assignmentId } = offeredToAlex();
    const res = await postActivity(bot.port, alexVia('msteams', 'teams-anon', `accept ${referralId}`, { id: PLAYGROUND_USERS.alex }));
    assert.equal(res.status, 200, res.body);
    assert.equal(partState(referralId, assignmentId), 'offered');
    assert.equal(bot.app.store.data.conversations['teams-anon'], undefined);
    assert.equal(standIn.posts.length, 1, 'the guest is answered');
  });

  it("another user's activity in Alex's personal chat does not take the chat over", async () => {
    const alex = { id: '29:alex', aadObjectId: PLAYGROUND_USERS.alex };
    await postActivity(bot.port, alexVia('msteams', 'a:alex-chat', 'status', alex));
    assert.equal(bot.app.store.data.conversations['a:alex-chat']?.userAadObjectId, PLAYGROUND_USERS.alex);
    await postActivity(bot.port, alexVia('msteams', 'a:alex-chat', 'status', { id: '29:megan', aadObjectId: PLAYGROUND_USERS.megan }));
    assert.equal(bot.app.store.data.conversations['a:alex-chat']?.userAadObjectId, PLAYGROUND_USERS.alex);
    assert.ok(bot.logger.entries.some((e) => e.message === 'conversation reference not stored' && e.context?.['reason'] === 'the personal chat belongs to another user'));
  });
});
