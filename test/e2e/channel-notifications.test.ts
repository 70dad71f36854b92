import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { z } from 'zod';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import type { OutboxEntry } from '../../domain/notifications/types.ts';
import {
  PLAYGROUND_CONFIG_FILE,
  parsePlaygroundConfig,
  type PlaygroundConfig,
  type RunningPlayground,
} from '../../scripts/playground.ts';
import {
  PlaygroundChannel,
  PlaygroundChat,
  UI_TIMEOUT,
  defined,
  eventually,
  heading,
  launchChromium,
  openPlaygroundPage,
  saveEvidence,
  startTestPlayground,
  cleanUp,
} from './support.ts';

/**
 * Channel notifications in Microsoft 365 Agents Playground, in Chromium, as Alex (program admin of
 * Contoso US): Alex routes Contoso US's notifications to a team channel with an @mention, a new
 * referral comes in through the intake API, the outbox worker posts its card to the channel
 * through the real botbuilder adapter (proactively, to the Playground's connector), and Alex
 * accepts it from the card in the channel.
 */

const CONTOSO = DEMO_MPN.contosoUs;
const LOCATION = 'Contoso US';
/** The team channel of .m365agentsplayground.yml and its entry in the Playground's chat list. */
const CHANNEL_ID = 'channel-announcements-id';
const CHANNEL_ITEM = 'My Team - Announcements';
/** At least 16 characters, as the config requires. */
const INTAKE_API_KEY = 'e2e-channel-intake-key-0123456789';
/** Not in the demo data (its ids are lower), so the intake creates it. */
const REFERRAL_ID = 'R-9100';
/** A US customer of Contoso US by CPOR claim: matching offers it to Contoso US alone. */
const NEW_REFERRAL = {
  id: REFERRAL_ID,
  type: 'Standard',
  workloads: ['Teams'],
  customer: {
    name: 'Woodgrove Channel Test',
    country: 'US',
    language: 'en',
    seats: 500,
    industry: 'Retail',
    cporClaims: [{ mpnId: CONTOSO, workload: 'Teams' }],
  },
} as const;
/** Sent by the worker within a second or so; the rest is the page on two busy cores. */
const NOTIFICATION_TIMEOUT = 90_000;

const intakeReply = z.object({
  replay: z.boolean(),
  referral: z.object({
    id: z.string(),
    assignments: z.array(z.object({ id: z.string(), mpnId: z.string(), basis: z.string(), state: z.string(), workloads: z.array(z.string()) })),
  }),
});

/** The text of a card or post as rendered, with runs of whitespace as one space. */
async function shownText(where: Locator): Promise<string> {
  return (await where.innerText()).replace(/\s+/g, ' ').trim();
}

describe('Channel notifications in the Agents Playground, as Alex (program admin of Contoso US) @e2e', function () {
  this.timeout(240_000);

  const logger = memoryLogger();
  let config!: PlaygroundConfig;
  let tmp: string | undefined;
  let app: App | undefined;
  let botPort = 0;
  let playground: RunningPlayground | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let channel: PlaygroundChannel | undefined;
  /** The bot's root post holding the new referral's card, found in step 2. */
  let notification: Locator | undefined;
  /** The offered part of the new referral, as the intake answered. */
  let offeredPartId: string | undefined;

  const bot = (): App => defined(app, 'the bot');
  const here = (): PlaygroundChannel => defined(channel, 'the channel view');
  const referral = () => defined(bot().referrals.read().referral(REFERRAL_ID), `referral ${REFERRAL_ID}`);
  const outboxFor = (conversationId: string): OutboxEntry[] =>
    Object.values(bot().store.data.outbox).filter(
      (e) => e.conversationId === conversationId && e.data.kind === 'referral-offered' && e.data.referralId === REFERRAL_ID,
    );

  async function keepEvidence(title: string): Promise<void> {
    const posts: string[] = channel === undefined ? [] : await channel.posts().allInnerTexts().catch(() => []);
    const outbox = app === undefined ? [] : Object.values(app.store.data.outbox).map((e) => `${e.key} ${e.data.kind} -> ${e.conversationId}: ${e.state} (${e.attempts}) ${e.lastError ?? ''}`);
    await saveEvidence({
      name: `channel-notifications-${title}`,
      page,
      botLog: logger.entries,
      playgroundLogs: tmp === undefined ? [] : [path.join(tmp, 'playground.log')],
      notes: `channel posts (newest first):\n${posts.join('\n-----\n')}\n\noutbox:\n${outbox.join('\n')}`,
    });
  }

  before(async function () {
    try {
      config = parsePlaygroundConfig(await readFile(PLAYGROUND_CONFIG_FILE, 'utf-8'));
      assert.equal(config.currentUser.aadObjectId, PLAYGROUND_USERS.alex, 'the repository config file types as Alex');
      tmp = await mkdtemp(path.join(os.tmpdir(), 'channel-notifications-e2e-'));
      // The real bot, in-process, on a fresh store with the demo program, intake on, and the
      // outbox worker and scheduler running as `npm start` runs them.
      app = await buildApp(loadConfig({ DATA_DIR: path.join(tmp, 'data'), PORT: '0', INTAKE_API_KEY }, tmp), logger);
      botPort = await listen(app.server, 0);
      app.startBackground();
      assert.ok(app.store.data.locations.length > 0, 'the demo program was seeded');
      assert.equal(app.referrals.read().referral(REFERRAL_ID), undefined, `${REFERRAL_ID} is new`);

      playground = await startTestPlayground(`http://localhost:${botPort}/api/messages`, PLAYGROUND_CONFIG_FILE, path.join(tmp, 'playground.log'), tmp);
      assert.equal(playground.currentUser, config.currentUser.name, 'the Playground uses the repository config file');
      browser = await launchChromium();
      // One load only: a reload wipes the Playground's conversations.
      page = await openPlaygroundPage(browser, playground.url);
      // The welcome card: the page is connected and Alex's personal chat is installed, so the
      // bot knows it (program admins get their locations' notifications there too).
      await new PlaygroundChat(page, config.botName).botCards().first().waitFor({ timeout: UI_TIMEOUT });
      channel = new PlaygroundChannel(page, config.botName, CHANNEL_ITEM);
    } catch (err) {
      await keepEvidence('before all');
      throw err;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await keepEvidence(this.currentTest.title);
  });

  after(async function () {
    await cleanUp([
      ['browser', async () => browser?.close()],
      ['playground', async () => playground?.stop()],
      ['bot', async () => app?.close()],
      ['temp dir', async () => (tmp === undefined ? undefined : rm(tmp, { recursive: true, force: true }))],
    ]);
  });

  it('in the channel, "@Test Bot subscribe 4100001" (a real mention) routes Contoso US there', async () => {
    await here().open();
    // Installing the bot in the channel stores where to post, before anyone says anything.
    const ref = await eventually(() => bot().outbox.conversation(CHANNEL_ID), `the bot to store ${CHANNEL_ID}`);
    assert.equal(ref.scope, 'channel');
    assert.equal(ref.tenantId, PLAYGROUND_TENANT);
    assert.equal(ref.active, true);
    assert.equal(ref.serviceUrl.replace(/\/$/, ''), `http://localhost:${defined(playground, 'the Playground').port}/_connector`, 'proactive posts go to the Playground');

    const post = await here().postToBot(config.currentUser.name, `subscribe ${CONTOSO}`);
    // The answer goes into the post's thread.
    const confirmation = post.getByText(/now receives notifications/);
    await confirmation.waitFor({ timeout: UI_TIMEOUT });
    const text = (await confirmation.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(`this channel now receives notifications for ${LOCATION} (MPN ID ${CONTOSO})`), text);

    const subscriptions = Object.values(bot().store.data.subscriptions);
    assert.deepEqual(
      subscriptions.map((s) => [s.mpnId, s.conversationId, s.by]),
      [[CONTOSO, CHANNEL_ID, PLAYGROUND_USERS.alex]],
      'one subscription: Contoso US, in this channel, by Alex',
    );
  });

  it('a new referral from the intake API arrives in the channel as "New referral for Contoso US" with Accept and Decline', async () => {
    const res = await fetch(`http://localhost:${botPort}/api/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': INTAKE_API_KEY },
      body: JSON.stringify(NEW_REFERRAL),
      signal: AbortSignal.timeout(30_000),
    });
    const body: unknown = await res.json();
    assert.equal(res.status, 201, `intake answered ${res.status}: ${JSON.stringify(body)}`);
    const taken = intakeReply.parse(body);
    assert.equal(taken.replay, false);
    assert.equal(taken.referral.id, REFERRAL_ID);
    const part = taken.referral.assignments.find((a) => a.mpnId === CONTOSO);
    assert.ok(part, `matching offered it to ${CONTOSO}: ${JSON.stringify(taken.referral.assignments)}`);
    assert.equal(part.state, 'offered');
    assert.equal(part.basis, 'cpor-claim');
    assert.deepEqual(part.workloads, ['Teams']);
    offeredPartId = part.id;

    // The worker posts it to the channel, and to Alex's personal chat (Alex is the program admin).
    const post = here().botPosts().filter({ hasText: REFERRAL_ID });
    await post.first().waitFor({ timeout: NOTIFICATION_TIMEOUT });
    assert.equal(await post.count(), 1, 'one post for the referral');
    const shown = post.locator('.ac-adaptiveCard');
    assert.equal(await shown.count(), 1);
    assert.equal(await heading(shown), `New referral for ${LOCATION} (MPN ID ${CONTOSO})`);
    const text = await shownText(shown);
    assert.ok(text.includes(`${REFERRAL_ID} · ${NEW_REFERRAL.customer.name} · Standard · Teams · 500 seats`), text);
    assert.match(text, /Offered to you because of your CPOR claim with this customer\./);
    await shown.getByRole('button', { name: 'Accept', exact: true }).waitFor({ timeout: UI_TIMEOUT });
    await shown.getByRole('button', { name: 'Decline', exact: true }).waitFor({ timeout: UI_TIMEOUT });

    const toChannel = await eventually(() => {
      const entries = outboxFor(CHANNEL_ID);
      return entries.length === 1 && entries[0]?.state === 'sent' ? entries[0] : undefined;
    }, 'the channel notification to be settled as sent');
    assert.equal(toChannel.mpnId, CONTOSO);
    assert.equal(toChannel.attempts, 1, 'sent on the first attempt');
    const toAlex = await eventually(() => {
      const entries = outboxFor(config.personalChatId);
      return entries.length === 1 && entries[0]?.state !== 'pending' && entries[0]?.state !== 'sending' ? entries[0] : undefined;
    }, "the notification to Alex's personal chat to be settled");
    assert.equal(toAlex.state, 'sent', `Alex's personal chat: ${toAlex.state} ${toAlex.lastError ?? ''}`);
    notification = post;
  });

  it('Accept on the channel card accepts it as Alex and turns the card into the accepted state', async () => {
    const post = defined(notification, 'the notification post');
    const partId = defined(offeredPartId, 'the offered part');
    const postsBefore = await here().botPosts().count();
    await post.getByRole('button', { name: 'Accept', exact: true }).click();

    // The Playground replaces the clicked card with the one the bot answers the invoke with.
    const done = post.locator('.ac-adaptiveCard', { hasText: `Accepted by ${config.currentUser.name}` });
    await done.waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await heading(done), `Referral ${REFERRAL_ID}`);
    assert.match(await shownText(done), new RegExp(`✅ Accepted by ${config.currentUser.name} on \\w+`));
    assert.equal(await post.locator('.ac-adaptiveCard').count(), 1, 'the card was replaced, not joined by another');
    assert.equal(await post.getByRole('button', { name: 'Accept', exact: true }).count(), 0, 'the buttons went with the old card');
    assert.equal(await here().botPosts().count(), postsBefore, 'no new post: the card changed in place');

    // The store: the part is accepted, by Alex (the clicker, from the invoke's from.aadObjectId).
    const stored = defined(referral().assignments.find((a) => a.id === partId), 'the offered part');
    assert.equal(stored.state, 'accepted');
    assert.equal(stored.answeredBy, PLAYGROUND_USERS.alex);
    const accepted = bot().store.data.events.filter((e) => e.type === 'accepted' && 'referralId' in e && e.referralId === REFERRAL_ID);
    assert.equal(accepted.length, 1, 'one accept event');
    assert.equal(accepted[0]?.actor, PLAYGROUND_USERS.alex);
    assert.equal(accepted[0]?.mpnId, CONTOSO);
  });

  it('asked in the channel to accept it again, the bot says it was already accepted', async () => {
    const post = await here().postToBot(config.currentUser.name, `accept ${REFERRAL_ID}`);
    const reply = post.getByText(new RegExp(`Referral ${REFERRAL_ID} was already accepted on \\d{4}-\\d{2}-\\d{2}, so there is nothing to answer\\.`));
    await reply.waitFor({ timeout: UI_TIMEOUT });
    // A reply in a thread has no card header: Alex's post is not counted as one of the bot's.
    assert.equal(await here().botPosts().filter({ hasText: `accept ${REFERRAL_ID}` }).count(), 0);
    assert.equal(
      bot().store.data.events.filter((e) => e.type === 'accepted' && 'referralId' in e && e.referralId === REFERRAL_ID).length,
      1,
      'still one accept event',
    );
  });
});
