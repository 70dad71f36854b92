import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import {
  PLAYGROUND_CONFIG_FILE,
  parsePlaygroundConfig,
  type PlaygroundConfig,
  type RunningPlayground,
} from '../../scripts/playground.ts';
import {
  PlaygroundChat,
  UI_TIMEOUT,
  defined,
  heading,
  launchChromium,
  openPlaygroundPage,
  saveEvidence as keepEvidence,
  startTestPlayground,
  cleanUp,
} from './support.ts';

const FAQ_QUESTION = 'How long can we pause referrals?';
const FAQ_TITLE = 'Pausing referrals when you lack capacity';
const OUT_OF_SCOPE = "What's the weather in Paris tomorrow?";

describe('Agents Playground against the real bot @e2e', function () {
  this.timeout(240_000);

  const logger = memoryLogger();
  let config!: PlaygroundConfig;
  let tmp: string | undefined;
  let app: App | undefined;
  let playground: RunningPlayground | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  let chat: PlaygroundChat | undefined;
  const botCards = () => defined(chat, 'the page').botCards();
  const pane = () => defined(chat, 'the page').pane();
  const ask = (question: string) => defined(chat, 'the page').ask(question);

  before(async function () {
    config = parsePlaygroundConfig(await readFile(PLAYGROUND_CONFIG_FILE, 'utf-8'));

    tmp = await mkdtemp(path.join(os.tmpdir(), 'playground-e2e-'));
    app = await buildApp(loadConfig({ DATA_DIR: path.join(tmp, 'data'), PORT: '0' }, tmp), logger);
    const botPort = await listen(app.server, 0);

    playground = await startTestPlayground(`http://localhost:${botPort}/api/messages`, PLAYGROUND_CONFIG_FILE, path.join(tmp, 'playground.log'), tmp);
    assert.equal(playground.currentUser, config.currentUser.name, 'the Playground uses the repository config file');

    browser = await launchChromium();
    // One load only: a reload starts an empty conversation view and the bot does not greet twice.
    page = await openPlaygroundPage(browser, playground.url);
    chat = new PlaygroundChat(page, config.botName);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || page === undefined) return;
    await saveEvidence(this.currentTest.title);
  });

  after(async function () {
    const suite = this.test?.parent;
    const allPassed = suite !== undefined && suite.tests.length > 0 && suite.tests.every((t) => t.state === 'passed');
    // A failed `before` never reaches afterEach: keep what it saw, too.
    const beforeFailed = !allPassed && suite?.tests.every((t) => t.state === undefined) === true;
    if (beforeFailed && (page !== undefined || playground !== undefined)) await saveEvidence('before all');
    await cleanUp([
      ['browser', async () => browser?.close()],
      ['playground', async () => playground?.stop()],
      ['bot', async () => app?.close()],
      ['temp dir', async () => (tmp === undefined ? undefined : rm(tmp, { recursive: true, force: true }))],
    ]);
  });

  async function saveEvidence(title: string): Promise<void> {
    await keepEvidence({
      name: `playground-${title.replace(/[^\w-]+/g, '-').slice(0, 60)}`,
      page,
      botLog: logger.entries,
      playgroundLogs: tmp === undefined ? [] : [path.join(tmp, 'playground.log')],
    });
  }

  it('greets on install with the welcome card', async () => {
    const welcome = botCards().first();
    await welcome.waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await heading(welcome), 'Welcome to the FastTrack referrals assistant');
    await welcome.getByRole('button', { name: 'What can you do?' }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await pane().getByText('Log Panel').count(), 0, 'the pane locator must not reach the log panel');
    const greeted = defined(app, 'the bot').store.data.greetedConversations.map((g) => g.conversationId);
    assert.deepEqual(greeted, [config.personalChatId], 'one greeting, in the personal chat named by the config file');
  });

  it('answers an FAQ question with the topic card', async () => {
    const answer = await ask(FAQ_QUESTION);
    assert.equal(await heading(answer), FAQ_TITLE);
    const text = await answer.innerText();
    assert.match(text, /30 days/, 'the answer states the 30-day limit');
    assert.match(text, /Was this helpful\?/);
  });

  it('declines an out-of-scope question and records it for the program team', async () => {
    const declined = await ask(OUT_OF_SCOPE);
    assert.match(await heading(declined), /^I'm not sure I understood that/);
    assert.match(await declined.innerText(), /https:\/\/aka\.ms\/PXPartnerSupport/);

    const unanswered = defined(app, 'the bot').store.data.unanswered;
    assert.equal(unanswered.length, 1, 'only the out-of-scope question is logged as unanswered');
    const entry = unanswered[0];
    assert.equal(entry?.text, OUT_OF_SCOPE);
    // The identity the Playground sends is the one the demo seed gives a role to.
    assert.equal(entry?.userId, config.currentUser.aadObjectId);
    assert.equal(entry?.userId, PLAYGROUND_USERS.alex);
    assert.equal(entry?.tenantId, PLAYGROUND_TENANT);
    assert.equal(config.tenantId, PLAYGROUND_TENANT);
    // One card per turn: the twin install events (installationUpdate + conversationUpdate) greet once.
    assert.equal(await botCards().count(), 3, 'welcome, answer, decline');
  });
});
