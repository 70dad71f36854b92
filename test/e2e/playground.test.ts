import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import {
  PLAYGROUND_CONFIG_FILE,
  REPO_ROOT,
  logTail,
  parsePlaygroundConfig,
  startPlayground,
  type PlaygroundConfig,
  type RunningPlayground,
} from '../../scripts/playground.ts';
import { CHROMIUM_ARGS, chromiumPath, defined, freePort } from './support.ts';

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
/** Two shared cores: the first page load alone can take 15 s. */
const UI_TIMEOUT = 60_000;

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

  /**
   * The conversation pane: the nearest ancestor of the message box that holds messages. It stops
   * below the chat list and the log panel, which repeats every activity's text.
   */
  const pane = (): Locator =>
    defined(page, 'the page').locator('xpath=//*[@data-lexical-editor="true"]/ancestor::div[.//*[@aria-label="Message header"]][1]');

  /** A message whose header names the bot as author, then the Adaptive Card inside it. */
  const botCards = (): Locator =>
    pane()
      .locator(`xpath=.//div[div[@aria-label="Message header"]/*[@aria-label="Message author"][normalize-space()=${JSON.stringify(config.botName)}]]`)
      .locator('.ac-adaptiveCard');

  /** The first text block of a card: its title, or its opening sentence. */
  const heading = async (card: Locator): Promise<string> => (await card.locator('.ac-textBlock').first().innerText()).trim();

  /**
   * Sends `question` and returns the bot's card that answers it: the first card after those
   * already shown, so a topic title that also appears on a button elsewhere cannot match.
   */
  async function ask(question: string): Promise<Locator> {
    const shown = await botCards().count();
    const box = defined(page, 'the page').locator('[data-lexical-editor="true"]');
    await box.click({ timeout: UI_TIMEOUT });
    await box.pressSequentially(question);
    await box.press('Enter');
    // The user's own bubble: proof the text went out whole before any reply is awaited.
    await pane().getByText(question, { exact: true }).last().waitFor({ timeout: UI_TIMEOUT });
    const reply = botCards().nth(shown);
    await reply.waitFor({ timeout: UI_TIMEOUT });
    return reply;
  }

  before(async function () {
    const chromiumExecutable = chromiumPath();
    if (!existsSync(chromiumExecutable)) {
      // A failure, not a skip: CI installs chromium, and a skipped client test would prove nothing.
      throw new Error(
        `Chromium is missing at ${chromiumExecutable}. The @e2e Playground test needs Debian's chromium: ` +
          'apt-get install -y chromium (or set CHROMIUM_PATH). Never use `npx playwright install`.',
      );
    }
    config = parsePlaygroundConfig(await readFile(PLAYGROUND_CONFIG_FILE, 'utf-8'));

    tmp = await mkdtemp(path.join(os.tmpdir(), 'playground-e2e-'));
    app = await buildApp(loadConfig({ DATA_DIR: path.join(tmp, 'data'), PORT: '0' }, tmp), logger);
    const botPort = await listen(app.server, 0);

    playground = await startPlayground({
      botEndpoint: `http://localhost:${botPort}/api/messages`,
      port: await freePort(),
      configFile: PLAYGROUND_CONFIG_FILE,
      logFile: path.join(tmp, 'playground.log'),
      cwd: tmp,
      openBrowser: false,
      detached: true,
      startTimeoutMs: 90_000,
    });
    assert.equal(playground.currentUser, config.currentUser.name, 'the Playground uses the repository config file');

    browser = await chromium.launch({ executablePath: chromiumExecutable, headless: true, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    // The page asks a CDN for fonts and animations; refusing them at once keeps the run the same
    // whether the machine's DNS fails fast, hangs, or answers.
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === 'localhost' || host === '127.0.0.1' ? route.continue() : route.abort();
    });
    // One load only: a reload starts an empty conversation view and the bot does not greet twice.
    await page.goto(playground.url, { timeout: UI_TIMEOUT, waitUntil: 'domcontentloaded' });
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
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['browser', async () => browser?.close()],
      ['playground', async () => playground?.stop()],
      ['bot', async () => app?.close()],
      ['temp dir', async () => (tmp === undefined ? undefined : rm(tmp, { recursive: true, force: true }))],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (err) {
        console.error(`cleanup of the ${what} failed: ${String(err)}`);
      }
    }
  });

  async function saveEvidence(title: string): Promise<void> {
    try {
      await mkdir(RESULTS_DIR, { recursive: true });
      const base = path.join(RESULTS_DIR, `playground-${title.replace(/[^\w-]+/g, '-').slice(0, 60)}`);
      if (page !== undefined) await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 15_000 });
      const botLog = logger.entries.map((e) => JSON.stringify(e)).join('\n');
      const playgroundLog = tmp === undefined ? '' : await logTail(path.join(tmp, 'playground.log'), 200);
      await writeFile(`${base}.log`, `--- bot\n${botLog}\n--- playground\n${playgroundLog}\n`);
      console.error(`  evidence saved: ${path.relative(REPO_ROOT, base)}.png / .log`);
    } catch (err) {
      console.error(`  could not save evidence: ${String(err)}`);
    }
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
