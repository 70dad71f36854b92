import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT, logTail, startPlayground, type RunningPlayground } from '../../scripts/playground.ts';

/** Debian's chromium; `npx playwright install` downloads a browser and cannot work offline. */
export function chromiumPath(): string {
  return (process.env['CHROMIUM_PATH'] ?? '').trim() || '/usr/bin/chromium';
}

/** Root in CI needs no sandbox; the rest keeps an offline Chromium from calling home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Screenshots and logs of failed @e2e tests (ignored by git). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
/** Two shared cores: the first page load alone can take 15 s. */
export const UI_TIMEOUT = 60_000;

/** A port nobody listens on right now (the Playground still falls back to another if it is taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready (did the before hook fail?)`);
  return value;
}

/** Headless Debian Chromium, or a failure that says how to install it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    // A failure, not a skip: CI installs chromium, and a skipped client test would prove nothing.
    throw new Error(
      `Chromium is missing at ${executablePath}. The @e2e Playground tests need Debian's chromium: ` +
        'apt-get install -y chromium (or set CHROMIUM_PATH). Never use `npx playwright install`.',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** A new page on the Playground at `url`, loaded once (a reload starts an empty conversation view). */
export async function openPlaygroundPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(UI_TIMEOUT);
  // The page asks a CDN for fonts and animations; refusing them at once keeps the run the same
  // whether the machine's DNS fails fast, hangs, or answers.
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === 'localhost' || host === '127.0.0.1' ? route.continue() : route.abort();
  });
  await page.goto(url, { timeout: UI_TIMEOUT, waitUntil: 'domcontentloaded' });
  return page;
}

/** The first text block of a card: its title, or its opening sentence. */
export async function heading(card: Locator): Promise<string> {
  return (await card.locator('.ac-textBlock').first().innerText()).trim();
}

/** A rendered FactSet's rows, title to value (the renderer puts titles and values side by side, in order). */
export async function factsOf(card: Locator): Promise<Map<string, string>> {
  const cells = (await card.locator('.ac-fact-title, .ac-fact-value').allInnerTexts()).map((t) => t.trim());
  const rows = new Map<string, string>();
  for (let i = 0; i + 1 < cells.length; i += 2) rows.set(cells[i] ?? '', cells[i + 1] ?? '');
  return rows;
}

/** The conversation pane of one Playground page, as the user sees it, and the user's message box. */
export class PlaygroundChat {
  constructor(
    readonly page: Page,
    readonly botName: string,
  ) {}

  /**
   * The conversation pane: the nearest ancestor of the message box that holds messages. It stops
   * below the chat list and the log panel, which repeats every activity's text.
   */
  pane(): Locator {
    return this.page.locator('xpath=//*[@data-lexical-editor="true"]/ancestor::div[.//*[@aria-label="Message header"]][1]');
  }

  /** Every message whose header names the bot as author: cards and plain text alike. */
  botMessages(): Locator {
    return this.pane().locator(
      `xpath=.//div[div[@aria-label="Message header"]/*[@aria-label="Message author"][normalize-space()=${JSON.stringify(this.botName)}]]`,
    );
  }

  /** The Adaptive Cards inside the bot's messages. */
  botCards(): Locator {
    return this.botMessages().locator('.ac-adaptiveCard');
  }

  /** Types `text` into the message box and presses Enter; resolves once the user's own bubble shows it whole. */
  async send(text: string): Promise<void> {
    const bubbles = this.pane().getByText(text, { exact: true });
    const before = await bubbles.count();
    const box = this.page.locator('[data-lexical-editor="true"]');
    await box.click({ timeout: UI_TIMEOUT });
    await box.pressSequentially(text);
    await box.press('Enter');
    await bubbles.nth(before).waitFor({ timeout: UI_TIMEOUT });
  }

  /**
   * Sends `question` and returns the bot's card that answers it: the first card after those
   * already shown, so a topic title that also appears on a button elsewhere cannot match.
   */
  async ask(question: string): Promise<Locator> {
    const shown = await this.botCards().count();
    await this.send(question);
    const reply = this.botCards().nth(shown);
    await reply.waitFor({ timeout: UI_TIMEOUT });
    return reply;
  }

  /** Sends `text` and returns the bot's next message, card or plain text. */
  async say(text: string): Promise<Locator> {
    const shown = await this.botMessages().count();
    await this.send(text);
    const reply = this.botMessages().nth(shown);
    await reply.waitFor({ timeout: UI_TIMEOUT });
    return reply;
  }
}

export interface Evidence {
  /** Names the files: test-results/<name>.png and .log. */
  readonly name: string;
  readonly page: Page | undefined;
  readonly botLog: readonly unknown[];
  /** Playground log files; the tail of each is kept. */
  readonly playgroundLogs: readonly string[];
  /** Anything else worth keeping, e.g. the conversation pane's text. */
  readonly notes?: string;
}

/** A full-page screenshot and the logs, for a failed test; never throws. */
export async function saveEvidence(e: Evidence): Promise<void> {
  try {
    await mkdir(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, e.name.replace(/[^\w-]+/g, '-').slice(0, 80));
    if (e.page !== undefined && !e.page.isClosed()) await e.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 15_000 });
    const playground = await Promise.all(e.playgroundLogs.map(async (f) => `--- playground ${path.basename(f)}\n${await logTail(f, 200)}`));
    const sections = [`--- bot\n${e.botLog.map((x) => JSON.stringify(x)).join('\n')}`, ...playground];
    if (e.notes !== undefined) sections.push(`--- notes\n${e.notes}`);
    await writeFile(`${base}.log`, `${sections.join('\n')}\n`);
    console.error(`  evidence saved: ${path.relative(REPO_ROOT, base)}.png / .log`);
  } catch (err) {
    console.error(`  could not save evidence: ${String(err)}`);
  }
}

/**
 * Polls `check` (every 100 ms) until it returns something other than undefined or false: for
 * state the bot keeps in-process (the store), which no page event announces. Fails naming `what`.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = UI_TIMEOUT,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A Teams channel in the Playground page. Its view differs from a chat: root posts are Fluent
 * cards (`div[role=group].fui-Card`) headed by the author's avatar, newest first, each with its
 * reply thread inside, and there are no "Message header" labels for {@link PlaygroundChat}. The
 * bot hears a post only when it @mentions it, as in Teams.
 */
export class PlaygroundChannel {
  constructor(
    readonly page: Page,
    readonly botName: string,
    /** The channel's entry in the chat list, e.g. 'My Team - Announcements'. */
    readonly treeItem: string,
  ) {}

  private postButton(): Locator {
    return this.page.getByRole('button', { name: 'Post', exact: true });
  }

  /** The "Start a new post" editor: the first of the page's editors (reply boxes follow it). */
  private newPostBox(): Locator {
    return this.page.locator('[data-lexical-editor="true"]').first();
  }

  /**
   * Switches the page to the channel (never reload: that wipes the Playground's conversations).
   * The first switch installs the bot there: installationUpdate and conversationUpdate.
   */
  async open(): Promise<void> {
    await this.page.getByRole('treeitem', { name: this.treeItem, exact: true }).click({ timeout: UI_TIMEOUT });
    await this.postButton().waitFor({ timeout: UI_TIMEOUT });
  }

  /** Every root post in the view; the new-post box is a card of the same kind, and is left out. */
  posts(): Locator {
    return this.page.locator('div[role="group"].fui-Card').filter({ hasNot: this.postButton() });
  }

  /** Root posts whose header avatar names `author` (replies in a thread have no card header). */
  postsBy(author: string): Locator {
    return this.posts().filter({ has: this.page.locator(`.fui-CardHeader [role="img"][aria-label=${JSON.stringify(author)}]`) });
  }

  /** Root posts by the bot, e.g. its proactive notifications. */
  botPosts(): Locator {
    return this.postsBy(this.botName);
  }

  /**
   * Starts a new post that @mentions the bot (picked from the mention menu, so the activity carries
   * a real mention entity) followed by `text`, and returns that post once it shows. The bot's
   * answer goes into the post's thread, inside the returned locator.
   */
  async postToBot(author: string, text: string): Promise<Locator> {
    const mine = this.postsBy(author).filter({ hasText: text });
    const before = await mine.count();
    const box = this.newPostBox();
    await box.click({ timeout: UI_TIMEOUT });
    await box.pressSequentially(`@${this.botName.slice(0, 3)}`);
    await this.page.getByRole('menuitem', { name: new RegExp(this.botName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).click({ timeout: UI_TIMEOUT });
    await box.locator('.mention', { hasText: this.botName }).waitFor({ timeout: UI_TIMEOUT });
    await box.pressSequentially(` ${text}`);
    await this.postButton().click({ timeout: UI_TIMEOUT });
    // Newest first: the new post is the first of the author's posts with this text.
    await eventually(async () => (await mine.count()) > before, `the post "${text}" to show`);
    return mine.first();
  }
}

/**
 * The Playground for a test: headless (no browser opened by it), in its own process group, on a
 * free port, talking to `botEndpoint`; its log goes to `logFile`. Two shared cores: allow 90 s.
 */
export async function startTestPlayground(botEndpoint: string, configFile: string, logFile: string, cwd: string): Promise<RunningPlayground> {
  return startPlayground({ botEndpoint, port: await freePort(), configFile, logFile, cwd, openBrowser: false, detached: true, startTimeoutMs: 90_000 });
}

/**
 * Runs every clean-up step even when one fails (a browser that would not close must not leave the
 * Playground running), reporting each failure on stderr.
 */
export async function cleanUp(steps: ReadonlyArray<readonly [string, () => Promise<unknown>]>): Promise<void> {
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (err) {
      console.error(`cleanup of the ${what} failed: ${String(err)}`);
    }
  }
}
