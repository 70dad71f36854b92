import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import {
  PLAYGROUND_CONFIG_FILE,
  configAs,
  parsePlaygroundConfig,
  type PlaygroundConfig,
  type RunningPlayground,
} from '../../scripts/playground.ts';
import {
  PlaygroundChat,
  UI_TIMEOUT,
  defined,
  factsOf,
  heading,
  launchChromium,
  openPlaygroundPage,
  saveEvidence,
  startTestPlayground,
  cleanUp,
} from './support.ts';

/**
 * Issue 4: the partner commands in Microsoft 365 Agents Playground, in Chromium, as two users of
 * Contoso US (MPN ID 4100001): Alex, its program admin, and Megan, a member. One bot runs for the
 * whole file; the Playground has no user switcher, so it starts once per user with the same
 * `configAs` rewrite that `npm run playground -- --as <user>` uses. Card buttons are clicked in the
 * page: they send `invoke` `adaptiveCard/action`, and the Playground replaces the clicked card
 * with the one the bot returns.
 */

const CONTOSO = DEMO_MPN.contosoUs;
const LOCATION = 'Contoso US';
const DAY_MS = 86_400_000;
/** Not the first choice, so the test proves the click on the ChoiceSet reached the bot. */
const REASON = { code: 'cannot-support-workload', label: 'Location cannot support the workload' } as const;
/** What the Playground writes under a card after the bot answered its Action.Execute. */
const INVOKE_SENT = 'Your response was sent to the app';

/** The day a two-week pause typed at `at` ends: at + 14 days, in UTC, as ISO and as the cards write it. */
function twoWeeksFrom(at: Date): { readonly iso: string; readonly shown: string } {
  const end = new Date(Math.floor((at.getTime() + 14 * DAY_MS) / DAY_MS) * DAY_MS);
  return {
    iso: end.toISOString().slice(0, 10),
    shown: end.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  };
}

/** The text of a card as rendered, with runs of whitespace (fact set cells, line breaks) as one space. */
async function shownText(card: Locator): Promise<string> {
  return (await card.innerText()).replace(/\s+/g, ' ').trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('Partner flows in the Agents Playground, as Alex (admin) then Megan (member) @e2e', function () {
  this.timeout(240_000);

  const logger = memoryLogger();
  let original = '';
  let config!: PlaygroundConfig;
  let tmp: string | undefined;
  let app: App | undefined;
  let botPort = 0;
  let browser: Browser | undefined;
  /** The current user's session: one Playground process and one page on it. */
  let playground: RunningPlayground | undefined;
  let page: Page | undefined;
  let chat: PlaygroundChat | undefined;
  const playgroundLogs: string[] = [];

  const bot = (): App => defined(app, 'the bot');
  const you = (): PlaygroundChat => defined(chat, 'the Playground page');
  const events = () => bot().store.data.events;
  const contoso = () => defined(bot().referrals.read().location(CONTOSO), `location ${CONTOSO}`);
  const pauseEvents = (actor: string) =>
    events().filter((e) => (e.type === 'paused' || e.type === 'resumed') && e.mpnId === CONTOSO && e.actor === actor);
  const card = (message: Locator): Locator => message.locator('.ac-adaptiveCard');

  async function endSession(): Promise<void> {
    const p = page;
    const running = playground;
    page = undefined;
    chat = undefined;
    playground = undefined;
    await p?.close().catch((err: unknown) => console.error(`closing the page failed: ${String(err)}`));
    await running?.stop();
  }

  /** Ends the previous user's session and starts the Playground as `who`, as `npm run playground -- --as <who>` does. */
  async function startSessionAs(who: 'alex' | 'megan'): Promise<PlaygroundChat> {
    await endSession();
    const dir = defined(tmp, 'the temp dir');
    try {
      const { text, user } = configAs(original, who);
      const configFile = path.join(dir, `${who}.m365agentsplayground.yml`);
      const logFile = path.join(dir, `playground-${who}.log`);
      playgroundLogs.push(logFile);
      await writeFile(configFile, text);
      playground = await startTestPlayground(`http://localhost:${botPort}/api/messages`, configFile, logFile, dir);
      assert.equal(playground.currentUser, user.name, `the Playground runs as ${user.name}`);
      assert.equal(user.aadObjectId, PLAYGROUND_USERS[who], 'the identity the demo seed gives a role to');
      page = await openPlaygroundPage(defined(browser, 'the browser'), playground.url);
      chat = new PlaygroundChat(page, config.botName);
      // The welcome card: the page is connected and this user's 1:1 chat with the bot is open.
      await chat.botCards().first().waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await chat.pane().getByText('Log Panel').count(), 0, 'the pane locator must not reach the log panel');
      return chat;
    } catch (err) {
      await keepEvidence(`before ${who}`);
      throw err;
    }
  }

  async function keepEvidence(title: string): Promise<void> {
    const pane = chat === undefined ? '' : await chat.pane().innerText({ timeout: 5_000 }).catch(() => '');
    await saveEvidence({
      name: `partner-flows-${title}`,
      page,
      botLog: logger.entries,
      playgroundLogs,
      notes: `conversation pane:\n${pane}`,
    });
  }

  before(async function () {
    original = await readFile(PLAYGROUND_CONFIG_FILE, 'utf-8');
    config = parsePlaygroundConfig(original);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'partner-flows-e2e-'));
    // The real bot, in-process, on a fresh store with the demo program (seeding is on outside production).
    app = await buildApp(loadConfig({ DATA_DIR: path.join(tmp, 'data'), PORT: '0' }, tmp), logger);
    botPort = await listen(app.server, 0);
    assert.ok(app.store.data.locations.length > 0, 'the demo program was seeded');
    browser = await launchChromium();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await keepEvidence(this.currentTest.title);
  });

  after(async function () {
    await cleanUp([
      ['session', endSession],
      ['browser', async () => browser?.close()],
      ['bot', async () => app?.close()],
      ['temp dir', async () => (tmp === undefined ? undefined : rm(tmp, { recursive: true, force: true }))],
    ]);
  });

  describe('Alex, the program admin', () => {
    /** The bot message holding the pause confirmation, then the paused status. */
    let confirmation: Locator | undefined;
    let resume: { readonly iso: string; readonly shown: string } | undefined;

    before(async () => {
      await startSessionAs('alex');
    });

    it('pause for two weeks asks to confirm, naming the exact resume date; nothing changes yet', async () => {
      assert.equal(contoso().pause, null, 'Contoso US starts unpaused');
      const eventsBefore = events().length;
      const sentAt = new Date();
      const message = await you().say('pause for two weeks');
      const repliedAt = new Date();
      const shown = card(message);
      await shown.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(shown), `Pause referrals for ${LOCATION}?`);
      const text = await shownText(shown);
      // A reply that straddles midnight UTC may use either day; it must use one of them exactly.
      const candidates = [twoWeeksFrom(sentAt), twoWeeksFrom(repliedAt)];
      resume = candidates.find((d) => text.includes(`They resume automatically on ${d.shown} (00:00 UTC).`));
      assert.ok(resume, `the card names ${candidates.map((d) => d.shown).join(' or ')}: ${text}`);
      assert.match(text, /stop for 14 days/);
      await message.getByRole('button', { name: 'Confirm pause', exact: true }).waitFor({ timeout: UI_TIMEOUT });
      await message.getByRole('button', { name: 'Cancel', exact: true }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(contoso().pause, null, 'asking changes nothing');
      assert.equal(events().length, eventsBefore, 'asking records nothing');
      confirmation = message;
    });

    it('Confirm pause updates the card in place to the paused status, and pauses the location', async () => {
      const message = defined(confirmation, 'the confirmation card');
      const until = defined(resume, 'the resume date');
      const messagesBefore = await you().botMessages().count();
      await message.getByRole('button', { name: 'Confirm pause', exact: true }).click();

      const updated = message.locator('.ac-adaptiveCard', { hasText: `Referrals paused: ${LOCATION}` });
      await updated.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(updated), `Referrals paused: ${LOCATION}`);
      assert.equal((await factsOf(updated)).get('Referrals'), `Paused until ${until.shown}`);
      assert.equal(await card(message).count(), 1, 'the confirmation card was replaced, not joined by another');
      assert.equal(await message.getByRole('button', { name: 'Confirm pause' }).count(), 0, 'the buttons went with the old card');
      await message.getByText(INVOKE_SENT).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await you().botMessages().count(), messagesBefore, 'no new message: the card changed in place');

      assert.equal(contoso().pause?.pausedUntil, until.iso);
      const mine = pauseEvents(PLAYGROUND_USERS.alex);
      assert.equal(mine.length, 1, 'one pause event, by Alex');
      assert.equal(mine[0]?.type, 'paused');
      assert.ok(mine[0]?.type === 'paused' && mine[0].until === until.iso, `paused until ${until.iso}: ${JSON.stringify(mine[0])}`);
    });

    it('status shows "Paused until"; resume turns referrals back on', async () => {
      const until = defined(resume, 'the resume date');
      const status = card(await you().say('status'));
      await status.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(status), `Status: ${LOCATION}`);
      assert.equal((await factsOf(status)).get('Referrals'), `Paused until ${until.shown}`);

      const resumed = card(await you().say('resume'));
      await resumed.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(resumed), `Referrals resumed: ${LOCATION}`);
      const facts = await factsOf(resumed);
      assert.equal(facts.get('Referrals'), 'On', `Referrals: On (${JSON.stringify([...facts])})`);
      assert.equal(facts.get('Location'), `${LOCATION} (MPN ID ${CONTOSO})`);

      assert.equal(contoso().pause, null, 'Contoso US is no longer paused');
      assert.deepEqual(
        pauseEvents(PLAYGROUND_USERS.alex).map((e) => e.type),
        ['paused', 'resumed'],
        'paused, then resumed, both by Alex',
      );
    });
  });

  describe('Megan, a member', () => {
    /** The bot message holding the pending card, then the decline reason card, then the outcome. */
    let pendingMessage: Locator | undefined;

    before(async () => {
      await startSessionAs('megan');
    });

    it('pending lists the referrals waiting for an answer, each with Accept and Decline', async () => {
      const waiting = bot().referrals.pendingFor(CONTOSO);
      assert.ok(waiting.length > 0, 'the demo has offers waiting for Contoso US');
      const message = await you().say('pending');
      const pending = card(message);
      await pending.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(pending), `Pending referrals: ${LOCATION}`);
      const text = await shownText(pending);
      assert.ok(text.includes(`${waiting.length} offer${waiting.length === 1 ? '' : 's'} waiting for an answer`), text);
      const firstPage = waiting.slice(0, 5);
      for (const { referral } of firstPage) assert.ok(text.includes(referral.id), `${referral.id} is listed: ${text}`);
      const ids = [...text.matchAll(/\bR-\d+\b/g)].map((m) => m[0]);
      assert.deepEqual(ids, firstPage.map((w) => w.referral.id), 'the first page, in the store order');
      assert.equal(await pending.getByRole('button', { name: 'Decline', exact: true }).count(), firstPage.length);
      assert.equal(await pending.getByRole('button', { name: 'Accept', exact: true }).count(), firstPage.length);
      pendingMessage = message;
    });

    it('Decline on the card, then a reason in the ChoiceSet, declines it and shows where it went', async () => {
      const message = defined(pendingMessage, 'the pending card');
      const target = defined(bot().referrals.pendingFor(CONTOSO)[0], 'a pending referral');
      const id = target.referral.id;
      const partsBefore = new Set(target.referral.assignments.map((a) => a.id));
      const declinesBefore = events().filter((e) => e.type === 'declined').length;
      const messagesBefore = await you().botMessages().count();

      const item = card(message)
        .locator('.ac-container')
        .filter({ hasText: new RegExp(`\\b${escapeRegExp(id)}\\b`) })
        .filter({ has: message.page().getByRole('button', { name: 'Decline', exact: true }) });
      assert.equal(await item.count(), 1, `one pending item for ${id}`);
      await item.getByRole('button', { name: 'Decline', exact: true }).click();

      // The pending card becomes the reason card, in place; nothing is declined yet.
      const ask = message.locator('.ac-adaptiveCard', { hasText: `Decline ${id}?` });
      await ask.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(ask), `Decline ${id}?`);
      for (const label of ['No capacity', REASON.label, 'Customer not reachable', 'Other']) {
        await ask.getByRole('radio', { name: label, exact: true }).waitFor({ timeout: UI_TIMEOUT });
      }
      assert.equal(events().filter((e) => e.type === 'declined').length, declinesBefore, 'asking for a reason changes nothing');

      // The reason is required: the client itself refuses to send the action without one.
      await ask.getByRole('button', { name: 'Decline referral', exact: true }).click();
      await ask.getByText('Choose a reason.', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(card(message)), `Decline ${id}?`, 'still the reason card');
      assert.equal(events().filter((e) => e.type === 'declined').length, declinesBefore, 'no decline without a reason');

      await ask.getByRole('radio', { name: REASON.label, exact: true }).check();
      await ask.getByRole('button', { name: 'Decline referral', exact: true }).click();

      const done = message.locator('.ac-adaptiveCard', { hasText: `Referral ${id} declined` });
      await done.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await heading(done), `Referral ${id} declined`);
      const text = await shownText(done);
      assert.ok(text.includes(`Declined by Megan Bowen: ${REASON.label}.`), text);
      assert.equal(await card(message).count(), 1, 'the card was replaced, not joined by another');
      assert.equal(await you().botMessages().count(), messagesBefore, 'no new message: the card changed in place');

      // The store: one decline, by Megan, with the reason she chose; the card names where it went.
      const declines = events().filter((e) => e.type === 'declined');
      assert.equal(declines.length, declinesBefore + 1, 'exactly one decline');
      const declined = declines[declines.length - 1];
      assert.ok(declined?.type === 'declined');
      assert.equal(declined.actor, PLAYGROUND_USERS.megan);
      assert.equal(declined.referralId, id);
      assert.equal(declined.assignmentId, target.part.id);
      assert.equal(declined.mpnId, CONTOSO);
      assert.deepEqual(declined.reason, { code: REASON.code, text: null });
      const stored = defined(bot().referrals.read().referral(id), `referral ${id}`);
      assert.equal(stored.assignments.find((a) => a.id === target.part.id)?.state, 'declined');
      const newParts = stored.assignments.filter((a) => !partsBefore.has(a.id));
      const toFtc = stored.ftc.some((f) => f.at === declined.at);
      if (newParts.length > 0 || toFtc) {
        assert.match(text, /It was reassigned:/);
        for (const p of newParts) {
          const name = defined(bot().referrals.read().location(p.mpnId), `location ${p.mpnId}`).name;
          assert.ok(text.includes(`${name} (MPN ID ${p.mpnId}): ${p.workloads.join(', ')}`), `the card names ${name}: ${text}`);
        }
        if (toFtc) assert.match(text, /FastTrack Center/);
      } else {
        assert.match(text, /It could not be reassigned\./);
      }
    });

    it('pause for two weeks is refused in plain text naming the program admin role; nothing changes', async () => {
      const pauseBefore = contoso().pause;
      const eventsBefore = events().length;
      const reply = await you().say('pause for two weeks');
      const text = (await reply.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /Sorry, that needs the program admin of that location\./);
      assert.match(text, /Nothing was changed\./);
      assert.equal(await card(reply).count(), 0, 'a refusal is plain text, with no card to click');
      assert.deepEqual(contoso().pause, pauseBefore);
      assert.equal(events().length, eventsBefore, 'nothing recorded');
      assert.equal(pauseEvents(PLAYGROUND_USERS.megan).length, 0);
      assert.ok(
        logger.entries.some((e) => e.message === 'refused' && e.context?.['userId'] === PLAYGROUND_USERS.megan && e.context['action'] === 'pause-location'),
        'the refusal is logged with Megan as the caller',
      );
    });
  });
});
