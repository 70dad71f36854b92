import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { startNotificationStandIn, type NotificationStandIn } from '../../bench/notification-stand-in.ts';
import { buildApp, type App } from '../../bot/app.ts';
import { day as botDay } from '../../bot/cards/referral-cards.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { quarterContaining } from '../../domain/acceptance/index.ts';
import { REPO_ROOT } from '../../scripts/playground.ts';
import { cardText, type CardJson } from '../helpers/card-text.ts';
import { UI_TIMEOUT, defined, eventually, launchChromium, saveEvidence, cleanUp } from './support.ts';

/**
 * The dashboard tab (tab/, served by bot/http/tab-static.ts) in Chromium, against the real bot
 * in-process on a fresh store with the demo program. Outside Teams, in development mode, the page
 * takes the user from `?as=` and forwards it to every API call; the test reads the same API (and
 * the bot's own records) to know what the page must show. The bot's chat answers are caught at a
 * stand-in for the Teams connector, as in Teams the bot posts its replies to the service URL.
 */

const CONTOSO = DEMO_MPN.contosoUs;
const INTAKE_KEY = 'tab-e2e-intake-key-0123456789';
const DAY_MS = 86_400_000;
/**
 * A screenshot for people to look at (test/artifacts/ is ignored by git). The README's copy,
 * docs/tab-screenshot.png, is refreshed from it by hand, so a test run leaves the tree clean.
 */
const SCREENSHOT = path.join(REPO_ROOT, 'test', 'artifacts', 'tab-alex.png');
/** Outside Teams the page gives up on app.initialize() after ~3 s at worst; a hang would be far longer. */
const OUTSIDE_TEAMS_WITHIN_MS = 10_000;

const quarterSchema = z.object({ quarter: z.string(), rate: z.number().nullable() });
const dashboardSchema = z.object({
  location: z.object({ mpnId: z.string(), name: z.string(), pause: z.object({ pausedUntil: z.string() }).nullable() }),
  canPause: z.boolean(),
  pending: z.array(z.object({ referralId: z.string(), assignmentId: z.string(), customerName: z.string() })),
  acceptance: z.object({ target: z.number(), quarters: z.array(quarterSchema).min(1) }),
  notifications: z.array(z.object({ kind: z.string(), at: z.string(), state: z.string(), text: z.string() })),
});
/** What the chart says it plotted (`data-rates` on the canvas). */
const plottedSchema = z.array(z.object({ quarter: z.string(), percent: z.number().nullable() }));
const attachmentsSchema = z.array(z.object({ content: z.unknown() })).optional();
type DashboardAnswer = z.infer<typeof dashboardSchema>;
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** How the page writes a rate (en-US): one decimal, or a dash when there is none. */
function shownRate(rate: number | null): string {
  return rate === null ? '–' : new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

/** How the page writes a calendar date (en-US). */
function shownDay(isoDay: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDay}T00:00:00Z`));
}

function utcDayFromNow(days: number): string {
  return new Date((Math.floor(Date.now() / DAY_MS) + days) * DAY_MS).toISOString().slice(0, 10);
}

describe('Dashboard tab in Chromium, against the real bot @e2e', function () {
  this.timeout(180_000);

  const logger = memoryLogger();
  let tmp: string | undefined;
  let app: App | undefined;
  let base = '';
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  /** Where the bot posts its chat replies and notifications (the Teams connector's stand-in). */
  let connector: NotificationStandIn | undefined;
  let messageSeq = 0;
  /** The page of the running test, for evidence. */
  let page: Page | undefined;
  /** Uncaught exceptions and CSP violations in any page: there must be none. */
  const pageProblems: string[] = [];

  const bot = (): App => defined(app, 'the bot');
  const contoso = () => defined(bot().referrals.read().location(CONTOSO), `location ${CONTOSO}`);

  /** The tab API as the page calls it in development mode. */
  async function api(pathname: string, as: string): Promise<{ status: number; body: unknown }> {
    const url = new URL(pathname, base);
    url.searchParams.set('as', as);
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  async function dashboardOf(mpnId: string, as: string): Promise<DashboardAnswer> {
    const { status, body } = await api(`/api/tab/locations/${mpnId}`, as);
    assert.equal(status, 200, `GET /api/tab/locations/${mpnId}?as=${as}: ${JSON.stringify(body)}`);
    return dashboardSchema.parse(body);
  }

  /** Opens `pathAndQuery` in a new page (the previous one is closed); only localhost is reachable. */
  async function openTab(pathAndQuery: string): Promise<Page> {
    await page?.close();
    const p = await defined(context, 'the browser context').newPage();
    page = p;
    p.setDefaultTimeout(UI_TIMEOUT);
    p.on('pageerror', (err) => pageProblems.push(`${pathAndQuery}: uncaught ${err.message}`));
    p.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageProblems.push(`${pathAndQuery}: ${message.text()}`);
    });
    // teams-js asks a CDN for its list of host origins; refusing at once keeps runs alike offline.
    await p.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === 'localhost' || host === '127.0.0.1' ? route.continue() : route.abort();
    });
    await p.goto(`${base}${pathAndQuery}`, { waitUntil: 'domcontentloaded', timeout: UI_TIMEOUT });
    return p;
  }

  /** Opens the dashboard as `who` and waits until a location is shown. */
  async function openDashboard(who: string): Promise<Page> {
    const p = await openTab(`/tab?as=${who}`);
    await p.getByTestId('pause-state').waitFor({ timeout: UI_TIMEOUT });
    return p;
  }

  /**
   * Sends `text` to the bot as `who`, in the user's personal chat, through the real server
   * (/api/messages), and returns everything the bot posted back: plain text and card text. The
   * server answers the POST after the turn, so the replies are at the stand-in by then.
   */
  async function tellBot(who: keyof typeof PLAYGROUND_USERS, text: string): Promise<string> {
    const standIn = defined(connector, 'the connector stand-in');
    const conversationId = `tab-e2e-${who}`;
    const before = standIn.posts.length;
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `tab-e2e-${++messageSeq}`,
        text,
        channelId: 'msteams',
        serviceUrl: standIn.serviceUrl,
        from: { id: `29:${who}`, aadObjectId: PLAYGROUND_USERS[who] },
        recipient: { id: 'bot' },
        conversation: { id: conversationId, conversationType: 'personal' },
        channelData: { tenant: { id: PLAYGROUND_TENANT } },
      }),
    });
    assert.ok(response.ok, `POST /api/messages "${text}": HTTP ${response.status} ${await response.text()}`);
    const replies = standIn.posts.slice(before).filter((post) => post.conversationId === conversationId);
    assert.ok(replies.length > 0, `the bot answered "${text}"`);
    return replies
      .map(({ activity }) => {
        const cards = (attachmentsSchema.parse(activity['attachments']) ?? []).map((a) => cardText(a.content as CardJson));
        return [typeof activity['text'] === 'string' ? activity['text'] : '', ...cards].join('\n');
      })
      .join('\n');
  }

  /** Lets the outbox worker send everything due, sleeping until each next slot (it spaces sends). */
  async function deliverNotifications(): Promise<void> {
    for (let wake = await bot().worker.runDue(); wake !== null; wake = await bot().worker.runDue()) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wake - Date.now())));
    }
  }

  async function pendingCount(p: Page): Promise<number> {
    return Number((await p.getByTestId('pending-count').innerText()).trim());
  }

  before(async function () {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tab-e2e-'));
    // The real bot, in-process, on a fresh store with the demo program, in development mode.
    app = await buildApp(loadConfig({ DATA_DIR: path.join(tmp, 'data'), PORT: '0', INTAKE_API_KEY: INTAKE_KEY }, tmp), logger);
    connector = await startNotificationStandIn();
    base = `http://localhost:${await listen(app.server, 0)}`;
    // The script is bundled at start-up; asking for it here waits for the bundle.
    for (const asset of ['/tab', '/tab/main.js', '/tab/styles.css']) {
      const response = await fetch(`${base}${asset}`);
      assert.equal(response.status, 200, `GET ${asset} (is tabStaticRoutes(logger) in buildApp's routes?): ${await response.text()}`);
    }
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const shown = page === undefined || page.isClosed() ? '' : await page.locator('body').innerText({ timeout: 5_000 }).catch(() => '');
      await saveEvidence({
        name: `tab-${this.currentTest.title}`,
        page,
        botLog: logger.entries,
        playgroundLogs: [],
        notes: `page problems:\n${pageProblems.join('\n')}\n\npage text:\n${shown}`,
      });
    }
  });

  after(async function () {
    await cleanUp([
      ['browser', async () => browser?.close()],
      ['bot', async () => app?.close()],
      ['connector stand-in', async () => connector?.close()],
      ['temp dir', async () => (tmp === undefined ? undefined : rm(tmp, { recursive: true, force: true }))],
    ]);
  });

  it('serves the page with a CSP that lets Teams frame it, nosniff and no-cache', async () => {
    const response = await fetch(`${base}/tab`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'self' teams\.microsoft\.com \*\.teams\.microsoft\.com \*\.skype\.com \*\.office\.com outlook\.office\.com \*\.cloud\.microsoft/);
    const script = await fetch(`${base}/tab/main.js`);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
  });

  it('outside Teams without `as`: says it runs in Teams and offers the development sign-in, at once', async () => {
    const started = Date.now();
    const p = await openTab('/tab');
    await p.getByRole('heading', { name: 'This dashboard runs inside Microsoft Teams' }).waitFor({ timeout: OUTSIDE_TEAMS_WITHIN_MS });
    await p.getByTestId('dev-signin-alex').waitFor({ timeout: OUTSIDE_TEAMS_WITHIN_MS });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < OUTSIDE_TEAMS_WITHIN_MS, `the page decided it is outside Teams after ${elapsed} ms`);
    for (const who of ['alex', 'megan', 'adele', 'isaiah']) {
      assert.equal(await p.getByTestId(`dev-signin-${who}`).getAttribute('href'), `/tab?as=${who}`);
    }
    assert.equal(await p.getByTestId('pending-count').isVisible(), false, 'no dashboard without a user');
    assert.equal(await p.getByTestId('error').isVisible(), false, 'not being in Teams is not an error');
    // The link signs in: it opens Alex's dashboard.
    await p.getByTestId('dev-signin-alex').click();
    await p.getByTestId('pause-state').waitFor({ timeout: UI_TIMEOUT });
    assert.deepEqual(pageProblems, []);
  });

  it("as Alex: the pending count and the current quarter's rate are the server's figures", async () => {
    const expected = await dashboardOf(CONTOSO, 'alex');
    const p = await openDashboard('alex');
    assert.equal(await p.getByRole('heading', { level: 1 }).innerText(), expected.location.name);
    assert.match(await p.getByTestId('location-id').innerText(), new RegExp(`MPN ID ${CONTOSO}`));
    assert.equal(await pendingCount(p), expected.pending.length, 'the count is the API’s pending list length');
    assert.equal(await p.getByTestId('pending-item').count(), expected.pending.length, 'one item per pending part');
    assert.ok(expected.pending.length > 0, 'the demo program leaves Contoso US some pending referrals');
    // The bot's own records: parts offered to Contoso US and not answered yet.
    const offered = bot()
      .referrals.read()
      .referralsOf(CONTOSO)
      .flatMap((r) => r.assignments.filter((a) => a.mpnId === CONTOSO && a.state === 'offered'));
    assert.equal(expected.pending.length, offered.length, 'the API lists every part offered to Contoso US');

    const current = defined(expected.acceptance.quarters.at(-1), 'the current quarter');
    assert.equal(expected.acceptance.quarters.length, 5, 'the last 4 quarters and the current one');
    assert.equal((await p.getByTestId('current-rate').innerText()).trim(), shownRate(current.rate));
    assert.equal((await p.getByTestId('pause-state').innerText()).trim(), 'Referrals are on');
    assert.ok(await p.getByTestId('pause-button').isVisible(), 'Alex, a program admin, can pause');
    assert.equal(await p.getByTestId('resume-button').isVisible(), false, 'nothing to resume');
    assert.equal(await p.getByTestId('error').isVisible(), false);
    assert.ok(await p.locator('#rate-chart').isVisible(), 'the chart is drawn');
    assert.deepEqual(pageProblems, []);
  });

  it("as Alex: the chart draws the 80% target line and plots the current quarter's rate as the bot's acceptance service computes it", async () => {
    const p = await openDashboard('alex');
    const canvas = p.locator('#rate-chart');
    // The chart marks the canvas only once the line is painted.
    await canvas.and(p.locator('[data-target-y]')).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await canvas.getAttribute('data-target-percent'), '80');
    assert.match((await canvas.getAttribute('aria-label')) ?? '', /target 80%/);
    assert.match(await p.locator('#rate-table caption').innerText(), /target 80%/);

    const plotted = plottedSchema.parse(JSON.parse((await canvas.getAttribute('data-rates')) ?? 'null'));
    const current = defined(plotted.at(-1), 'the current quarter on the chart');
    assert.equal(current.quarter, quarterContaining(new Date(), bot().referrals.quarterScheme).label, 'the last bar is the current quarter');
    const computed = bot()
      .referrals.acceptance(new Date(), [CONTOSO])
      .rates.find((r) => r.quarter === current.quarter);
    const rate = defined(computed?.rate ?? undefined, 'a rate this quarter for Contoso US (the demo program answers some of its offers)');
    assert.equal(current.percent, Math.round(rate * 1000) / 10, 'the bar is the service’s rate');
    const lastRow = p.locator('#rate-rows tr').last();
    assert.deepEqual(
      [await lastRow.locator('th').innerText(), await lastRow.locator('td').first().innerText()],
      [current.quarter, shownRate(rate)],
      'the table beside the chart, for screen readers, says the same',
    );

    // The line is really painted where the chart says: a dashed run of the theme's target colour across the plot.
    const run = await p.evaluate(() => {
      const chart = document.getElementById('rate-chart');
      if (!(chart instanceof HTMLCanvasElement)) throw new Error('no #rate-chart canvas');
      const scale = chart.width / chart.getBoundingClientRect().width;
      const hex = getComputedStyle(document.documentElement).getPropertyValue('--target').trim();
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const row = chart.getContext('2d')?.getImageData(0, Math.round(Number(chart.dataset['targetY']) * scale), chart.width, 1).data;
      let painted = 0;
      // No named functions in here: the test runner's transform would wrap them in a helper the page lacks.
      for (let x = 0; row !== undefined && x < chart.width; x++) {
        if (want.every((v, i) => Math.abs((row[x * 4 + i] ?? -255) - v) < 48)) painted++;
      }
      return { painted, width: chart.width };
    });
    assert.ok(run.painted > run.width * 0.3, `target-coloured pixels on the line's row: ${run.painted} of ${run.width}`);
    assert.deepEqual(pageProblems, []);
  });

  it('as Alex: a new referral for Contoso US shows under Recent notifications, in the API and on the page', async () => {
    // The bot learns Alex's personal chat from any message, as in Teams; his notifications go there.
    await tellBot('alex', 'help');
    const referralId = 'R-9001';
    const intake = await fetch(`${base}/api/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': INTAKE_KEY },
      body: JSON.stringify({
        id: referralId,
        type: 'Benefit',
        workloads: ['Teams'],
        customer: { name: 'Trey Research', country: 'US', language: 'en', seats: 800, industry: 'Retail', cporClaims: [{ mpnId: CONTOSO, workload: 'Teams' }] },
      }),
    });
    assert.equal(intake.status, 201, await intake.text());
    await deliverNotifications();
    const delivered = defined(connector, 'the connector stand-in').delivered().filter((post) => post.referralIds.includes(referralId));
    assert.deepEqual(
      delivered.map((post) => post.conversationId),
      ['tab-e2e-alex'],
      'the notification reached Alex’s chat',
    );

    const expected = `New referral ${referralId}`;
    const notes = (await dashboardOf(CONTOSO, 'alex')).notifications;
    assert.deepEqual(
      notes.filter((n) => n.text === expected).map((n) => [n.kind, n.state]),
      [['referral-offered', 'sent']],
      JSON.stringify(notes),
    );
    const p = await openDashboard('alex');
    const shown = p.locator('#notes li', { hasText: expected });
    assert.equal(await shown.count(), 1);
    assert.equal(await shown.getAttribute('data-kind'), 'referral-offered');
    assert.equal(await p.locator('#notes-empty').isVisible(), false);
    assert.deepEqual(pageProblems, []);
  });

  it('as Alex: a screenshot of the whole dashboard, chart drawn (test/artifacts/tab-alex.png)', async () => {
    const p = await openDashboard('alex');
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await p.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 1000 && height >= 600, `a full page, not an empty frame: ${width}×${height}`);
    const canvas = p.locator('canvas').first();
    const box = await canvas.boundingBox();
    assert.ok(box !== null && box.width > 100 && box.height > 100, 'the rate chart is drawn');
  });

  it('as Alex: Accept answers the first pending referral; the count drops and the bot records it', async () => {
    const before = await dashboardOf(CONTOSO, 'alex');
    const first = defined(before.pending[0], 'a pending referral');
    const p = await openDashboard('alex');
    const item = p.locator(`[data-testid="pending-item"][data-assignment-id="${first.assignmentId}"]`);
    await item.getByRole('button', { name: /^Accept / }).click();
    await p.getByTestId('status').getByText(`Accepted ${first.referralId}`).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await pendingCount(p), before.pending.length - 1);
    const part = bot().referrals.read().referral(first.referralId)?.assignments.find((a) => a.id === first.assignmentId);
    assert.equal(part?.state, 'accepted');
    assert.equal(part?.answeredBy !== null, true, 'the bot records who answered');
    assert.equal(await p.getByTestId('error').isVisible(), false);
  });

  it('as Alex: Decline asks for a reason and the bot records the decline with it', async () => {
    const before = await dashboardOf(CONTOSO, 'alex');
    const first = defined(before.pending[0], 'a pending referral');
    const p = await openDashboard('alex');
    const item = p.locator(`[data-testid="pending-item"][data-assignment-id="${first.assignmentId}"]`);
    await item.getByRole('button', { name: /^Decline / }).click();
    await item.getByLabel('Reason').selectOption('cannot-support-workload');
    await item.getByRole('button', { name: 'Decline referral' }).click();
    await p.getByTestId('status').getByText(`Declined ${first.referralId}`).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await pendingCount(p), before.pending.length - 1);
    const part = bot().referrals.read().referral(first.referralId)?.assignments.find((a) => a.id === first.assignmentId);
    assert.equal(part?.state, 'declined');
    assert.equal(part?.declineReason?.code, 'cannot-support-workload');
    assert.equal(await p.getByTestId('error').isVisible(), false);
  });

  it('as Megan (member): no pause control, and a pause forged from the page is refused with 403', async () => {
    const p = await openDashboard('megan');
    assert.equal((await p.getByTestId('pause-state').innerText()).trim(), 'Referrals are on');
    assert.equal(await p.getByTestId('pause-button').isVisible(), false, 'no Pause button');
    assert.equal(await p.getByTestId('pause-until').isVisible(), false, 'no date to pick');
    assert.equal(await p.getByRole('button', { name: 'Pause', exact: true }).count(), 0);
    assert.equal(await p.getByTestId('resume-button').isVisible(), false);

    const until = utcDayFromNow(7);
    const forged = await p.evaluate(async (body) => {
      const response = await fetch('/api/tab/locations/4100001/pause?as=megan', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    }, { until });
    assert.equal(forged.status, 403, forged.text);
    assert.equal(errorSchema.parse(JSON.parse(forged.text)).error.code, 'Forbidden');
    assert.equal(contoso().pause, null, 'Contoso US is not paused');
    assert.deepEqual(pageProblems, []);
  });

  it('as Alex: Pause shows "Paused until …", the bot records it and its `status` agrees; Resume turns referrals on again', async () => {
    assert.equal(contoso().pause, null, 'Contoso US starts unpaused');
    const p = await openDashboard('alex');
    const until = utcDayFromNow(10);
    await p.getByTestId('pause-until').fill(until);
    await p.getByTestId('pause-button').click();
    await p.getByTestId('resume-button').waitFor({ timeout: UI_TIMEOUT });
    assert.equal((await p.getByTestId('pause-state').innerText()).trim(), `Paused until ${shownDay(until)}`);
    assert.equal(await p.getByTestId('pause-button').isVisible(), false, 'a paused location is resumed before it is paused again');
    const pause = await eventually(() => contoso().pause ?? undefined, 'the bot to record the pause');
    assert.equal(pause.pausedUntil.slice(0, 10), until);
    assert.equal(pause.pausedBy, '00000000-0000-0000-0000-0000000000020', 'recorded as Alex, from the sign-in, not from the page');
    assert.match(await p.locator('#pause-detail, [data-testid="pause-detail"]').first().innerText(), /by Alex Wilber\./, 'the page names the admin');
    assert.equal((await dashboardOf(CONTOSO, 'alex')).location.pause?.pausedUntil.slice(0, 10), until, 'the API agrees');
    const shownUntil = defined((await p.getByTestId('pause-state').locator('time').getAttribute('datetime')) ?? undefined, 'the date the tab shows');
    assert.equal(shownUntil, until);
    assert.match(await tellBot('alex', 'status'), new RegExp(`Referrals: Paused until ${botDay(`${shownUntil}T00:00:00Z`)}`), 'the bot’s status names the day the tab shows');

    await p.getByTestId('resume-button').click();
    await p.getByTestId('pause-button').waitFor({ timeout: UI_TIMEOUT });
    assert.equal((await p.getByTestId('pause-state').innerText()).trim(), 'Referrals are on');
    assert.equal(contoso().pause, null, 'the bot records the resume');
    assert.match(await tellBot('alex', 'status'), /Referrals: On/, 'the bot’s status says referrals are on again');
    assert.equal(await p.getByTestId('error').isVisible(), false);
    assert.deepEqual(pageProblems, []);
  });

  it('as Adele (FastTrack operations): opens any location by MPN ID, read-only', async () => {
    const expected = await dashboardOf(CONTOSO, 'adele');
    const p = await openTab('/tab?as=adele');
    await p.getByLabel(/MPN ID/).fill(CONTOSO);
    await p.getByRole('button', { name: 'Open' }).click();
    await p.getByTestId('pause-state').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await p.getByRole('heading', { level: 1 }).innerText(), expected.location.name);
    assert.equal(await pendingCount(p), expected.pending.length);
    assert.equal(await p.getByRole('button', { name: /^(Accept|Decline) / }).count(), 0, 'operations do not answer for a partner');
    assert.equal(await p.getByTestId('pause-button').isVisible(), expected.canPause);
    assert.equal(await p.getByTestId('error').isVisible(), false);
    assert.deepEqual(pageProblems, []);
  });

  it('shows API errors in the error area, and says so when the user has no location', async () => {
    // The development sign-in takes Playground users only: anyone else is refused, and the page says why.
    const stranger = await openTab('/tab?as=nobody-at-all');
    await stranger.getByTestId('error').waitFor({ timeout: UI_TIMEOUT });
    assert.match(await stranger.getByTestId('error').innerText(), /accepts only the Playground users .*HTTP 401/);
    assert.equal(await stranger.getByTestId('pending-count').isVisible(), false);

    // A Playground user without a role: operations revoke Isaiah's, through the bot, then give it back.
    const isaiah = `${PLAYGROUND_USERS.isaiah} member ${DEMO_MPN.fabrikamUs}`;
    assert.match(await tellBot('adele', `role revoke ${isaiah}`), /no longer member/);
    const roleless = await openTab('/tab?as=isaiah');
    await roleless.getByTestId('no-location').waitFor({ timeout: UI_TIMEOUT });
    assert.match(await roleless.getByTestId('no-location').innerText(), /Isaiah Langer has no role at a partner location/);
    assert.equal(await roleless.getByTestId('pending-count').isVisible(), false);
    assert.match(await tellBot('adele', `role grant ${isaiah}`), /is now member/);

    // Alex has no right to another partner's location: the API's refusal is shown, not swallowed.
    const refused = await openTab('/tab?as=alex&mpn=9999999');
    await refused.getByTestId('error').waitFor({ timeout: UI_TIMEOUT });
    assert.match(await refused.getByTestId('error').innerText(), /HTTP 40[34]/);
    assert.deepEqual(pageProblems, []);
  });
});
