import assert from 'node:assert/strict';
import { startNotificationStandIn, type NotificationStandIn } from '../../bench/notification-stand-in.ts';
import { messageActivity, postActivity, startApp, type HttpResult, type TestApp } from './support.ts';

/**
 * ALLOWED_TENANTS through the real server (buildApp), auth off (no app id: replies need no token,
 * so an activity that got through would be answered at the connector stand-in, as the allowed
 * tenant's is). The server refuses other tenants with 403 before the adapter, so before any handler.
 */

const ALLOWED_TENANT = 'aaaaaaaa-1111-2222-3333-444444444444';
const SECOND_ALLOWED_TENANT = 'cccccccc-1111-2222-3333-444444444444';
const OTHER_TENANT = 'bbbbbbbb-1111-2222-3333-444444444444';
const REFUSAL_LOG = 'refused activity from a tenant that is not allowed';

describe('security: tenant allow-list on /api/messages (real server, ALLOWED_TENANTS set)', function () {
  this.timeout(30000);

  let bot: TestApp;
  let standIn: NotificationStandIn;

  before(async () => {
    bot = await startApp({ ALLOWED_TENANTS: `${ALLOWED_TENANT}, ${SECOND_ALLOWED_TENANT}` });
  });

  after(async () => {
    // Optional chaining: a failed `before` must not hide its error behind one from here.
    await bot?.close();
  });

  beforeEach(async () => {
    bot.turns.length = 0;
    bot.logger.entries.length = 0;
    standIn = await startNotificationStandIn();
  });

  afterEach(async () => {
    await standIn?.close();
  });

  /** 403, one warning naming the tenant, and no trace of a turn: no handler call, no reply, nothing stored. */
  async function assertDropped(conversationId: string, res: HttpResult, loggedTenant: string | null): Promise<void> {
    assert.equal(res.status, 403, res.body);
    assert.deepEqual(JSON.parse(res.body), { code: 'Forbidden', message: 'this tenant is not allowed to use the bot' });
    assert.equal(bot.turns.length, 0, 'no handler ran');
    // Give a (wrongly) started turn time to post; nothing may arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(standIn.posts.length, 0, 'nothing was sent to the connector');
    assert.equal(bot.app.store.data.conversations[conversationId], undefined, 'no conversation reference stored');
    assert.equal(
      bot.app.store.data.greetedConversations.some((g) => g.conversationId === conversationId),
      false,
      'not greeted',
    );
    const refusals = bot.logger.entries.filter((e) => e.message === REFUSAL_LOG);
    assert.equal(refusals.length, 1, JSON.stringify(bot.logger.entries));
    assert.equal(refusals[0]?.level, 'warn');
    const request = bot.logger.entries.find((e) => e.message === 'request' && e.context?.['path'] === '/api/messages');
    assert.match(String(request?.context?.['reqId']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(refusals[0]?.context, { reqId: request?.context?.['reqId'], tenant: loggedTenant }, 'the refusal carries its request id');
  }

  it('answers the allowed tenants (control: the stand-in does receive replies in this set-up)', async () => {
    for (const [i, tenant] of [ALLOWED_TENANT, SECOND_ALLOWED_TENANT].entries()) {
      const conversationId = `tenant-allowed-${i}`;
      const res = await postActivity(bot.port, messageActivity(standIn.serviceUrl, conversationId, { channelData: { tenant: { id: tenant } } }));
      assert.equal(res.status, 200, res.body);
      assert.ok(bot.app.store.data.conversations[conversationId], 'the turn stored the conversation reference');
    }
    assert.equal(bot.turns.length, 2);
    assert.equal(standIn.posts.length, 2, JSON.stringify(bot.logger.entries));
    assert.match(JSON.stringify(standIn.posts[0]?.activity), /30 days/);
    assert.equal(bot.logger.entries.filter((e) => e.message === REFUSAL_LOG).length, 0);
  });

  it('compares tenant ids without regard to case: an allowed GUID sent in upper case is answered', async () => {
    const res = await postActivity(bot.port, messageActivity(standIn.serviceUrl, 'tenant-upper', { channelData: { tenant: { id: ALLOWED_TENANT.toUpperCase() } } }));
    assert.equal(res.status, 200, res.body);
    assert.equal(bot.turns.length, 1);
    assert.equal(standIn.posts.length, 1, 'answered at the connector');
    assert.equal(bot.logger.entries.filter((e) => e.message === REFUSAL_LOG).length, 0);
  });

  it('still drops another tenant sent in upper case', async () => {
    const other = OTHER_TENANT.toUpperCase();
    await assertDropped('tenant-other-upper', await postActivity(bot.port, messageActivity(standIn.serviceUrl, 'tenant-other-upper', { channelData: { tenant: { id: other } } })), other);
  });

  it('drops a message from another tenant before any handler: 403, no reply, logged with the tenant', async () => {
    const conversationId = 'tenant-other';
    const res = await postActivity(bot.port, messageActivity(standIn.serviceUrl, conversationId, { channelData: { tenant: { id: OTHER_TENANT } } }));
    await assertDropped(conversationId, res, OTHER_TENANT);
  });

  it('drops a message from another tenant named only in conversation.tenantId', async () => {
    const conversationId = 'tenant-other-conversation';
    const activity = messageActivity(standIn.serviceUrl, conversationId, {
      channelData: {},
      conversation: { id: conversationId, conversationType: 'personal', tenantId: OTHER_TENANT },
    });
    await assertDropped(conversationId, await postActivity(bot.port, activity), OTHER_TENANT);
  });

  it('drops a message that names no tenant at all: 403, no reply, logged with tenant null', async () => {
    const conversationId = 'tenant-none';
    const activity = messageActivity(standIn.serviceUrl, conversationId);
    delete activity['channelData'];
    await assertDropped(conversationId, await postActivity(bot.port, activity), null);
  });

  it('drops an install from another tenant: no welcome card, no greeting or conversation stored', async () => {
    const conversationId = 'tenant-other-install';
    const activity = {
      ...messageActivity(standIn.serviceUrl, conversationId, { channelData: { tenant: { id: OTHER_TENANT } } }),
      type: 'installationUpdate',
      action: 'add',
      text: undefined,
    };
    await assertDropped(conversationId, await postActivity(bot.port, activity), OTHER_TENANT);
  });
});

describe('security: tenant allow-list written in upper case (ALLOWED_TENANTS as an admin may paste it)', function () {
  this.timeout(30000);

  let bot: TestApp;
  let standIn: NotificationStandIn;

  before(async () => {
    bot = await startApp({ ALLOWED_TENANTS: ALLOWED_TENANT.toUpperCase() });
    standIn = await startNotificationStandIn();
  });

  after(async () => {
    await standIn?.close();
    await bot?.close();
  });

  it('answers the tenant when Teams sends its id in lower case, and still refuses others', async () => {
    const allowed = await postActivity(bot.port, messageActivity(standIn.serviceUrl, 'upper-config-allowed', { channelData: { tenant: { id: ALLOWED_TENANT } } }));
    assert.equal(allowed.status, 200, allowed.body);
    assert.equal(bot.turns.length, 1);
    const other = await postActivity(bot.port, messageActivity(standIn.serviceUrl, 'upper-config-other', { channelData: { tenant: { id: OTHER_TENANT } } }));
    assert.equal(other.status, 403, other.body);
    assert.equal(bot.turns.length, 1, 'no handler ran for the other tenant');
  });
});
