import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { z } from 'zod';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { localAzureAd } from '../helpers/local-azure-ad.ts';
import { UI_TIMEOUT, cleanUp, defined, launchChromium, saveEvidence } from './support.ts';
import { openInTeamsWebHost, type TeamsUser, type TeamsWebHost } from './teams-host.ts';

/**
 * The dashboard tab as it runs inside Teams: framed by a stand-in for the Teams web client
 * (test/e2e/teams-host.ts) that answers teams-js's postMessage protocol with a context (dark theme,
 * de-DE, Alex in the Playground tenant) and SSO tokens signed by a local Azure AD key. The bot runs
 * in-process with an app id and a public host name, so SSO is on and the `?as=` development
 * sign-in is off: the page can only work through the tokens the host hands it.
 */

const APP_ID = '3c5e1f0a-7b2d-4e6f-9a8b-0c1d2e3f4a5b';
const HOST = 'referrals.example.com';
const CONTOSO = DEMO_MPN.contosoUs;
const ALEX: TeamsUser = {
  theme: 'dark',
  locale: 'de-DE',
  tenantId: PLAYGROUND_TENANT,
  aadObjectId: PLAYGROUND_USERS.alex,
  userPrincipalName: 'alexw@contoso.example',
  displayName: 'Alex Wilber',
};
/** The page is loaded and listening by then: a theme change shows at once or never. */
const THEME_CHANGE_WITHIN_MS = 10_000;
/** `--bg` of each theme in tab/styles.css, as getComputedStyle reports the page's (html's) background. */
const BACKGROUND = { dark: 'rgb(31, 31, 31)', contrast: 'rgb(0, 0, 0)' } as const;

const dashboardSchema = z.object({
  location: z.object({ name: z.string() }),
  pending: z.array(z.object({ assignmentId: z.string(), seats: z.number(), offeredAt: z.string() })),
  acceptance: z.object({ target: z.number(), quarters: z.array(z.object({ rate: z.number().nullable() })).min(1) }),
});
type DashboardAnswer = z.infer<typeof dashboardSchema>;

/** How the tab writes a rate, in `locale`. */
function rateIn(locale: string, rate: number | null): string {
  return rate === null ? '–' : new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

describe('Dashboard tab inside a Teams web client (teams-js host, SSO) @e2e', function () {
  this.timeout(120_000);

  const logger = memoryLogger();
  const azureAd = localAzureAd(PLAYGROUND_TENANT, HOST, APP_ID);
  let tmp: string | undefined;
  let app: App | undefined;
  let base = '';
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let host: TeamsWebHost | undefined;
  /** The tab API requests the framed page made, with their Authorization header (read asynchronously). */
  const apiCalls: Array<Promise<{ url: string; authorization: string | undefined }>> = [];
  /** Uncaught exceptions and CSP violations in the host or the tab: there must be none. */
  const pageProblems: string[] = [];

  const bot = (): App => defined(app, 'the bot');

  /** The tab API as the test reads it, with its own token for Alex. */
  async function dashboardOfAlex(): Promise<DashboardAnswer> {
    const response = await fetch(`${base}/api/tab/locations/${CONTOSO}`, { headers: { authorization: `Bearer ${azureAd.token(ALEX.aadObjectId)}` } });
    const body: unknown = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    return dashboardSchema.parse(body);
  }

  /** Opens the tab in a new host page (the previous one is closed) and waits for Alex's location. */
  async function openInTeams(): Promise<TeamsWebHost> {
    await host?.page.close();
    apiCalls.length = 0;
    const opened = await openInTeamsWebHost(defined(context, 'the browser context'), {
      tabUrl: `${base}/tab`,
      user: ALEX,
      token: () => azureAd.token(ALEX.aadObjectId, { name: ALEX.displayName }),
    });
    host = opened;
    opened.page.on('pageerror', (err) => pageProblems.push(`uncaught ${err.message}`));
    opened.page.on('console', (message) => {
      if (/Content Security Policy|frame-ancestors/i.test(message.text())) pageProblems.push(message.text());
    });
    opened.page.on('request', (request: Request) => {
      if (!request.url().startsWith(`${base}/api/tab/`)) return;
      apiCalls.push(request.allHeaders().then((headers) => ({ url: request.url(), authorization: headers['authorization'] })));
    });
    // The dashboard, or the error area at once: a refused token must not look like a slow page.
    const error = opened.tab.getByTestId('error');
    await opened.tab.getByTestId('pause-state').or(error).filter({ visible: true }).first().waitFor({ timeout: UI_TIMEOUT });
    if (await error.isVisible()) assert.fail(`the tab shows an error instead of the dashboard: ${await error.innerText()}`);
    return opened;
  }

  before(async function () {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tab-teams-e2e-'));
    const env = { DATA_DIR: path.join(tmp, 'data'), PORT: '0', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-used-by-these-tests', PUBLIC_HOSTNAME: HOST, SEED_DEMO_DATA: 'true' };
    app = await buildApp(loadConfig(env, tmp), logger, undefined, undefined, azureAd.fetchJson);
    base = `http://localhost:${await listen(app.server, 0)}`;
    // The script is bundled at start-up; asking for it here waits for the bundle.
    assert.equal((await fetch(`${base}/tab/main.js`)).status, 200);
    browser = await launchChromium();
    // The browser's own locale is en-US: German figures can only come from the Teams context.
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const shown = host === undefined || host.page.isClosed() ? '' : await host.tab.locator('body').innerText({ timeout: 5_000 }).catch(() => '');
      const messages = host?.received.map((m) => m.func).join(', ') ?? '';
      await saveEvidence({
        name: `tab-in-teams-${this.currentTest.title}`,
        page: host?.page,
        botLog: logger.entries,
        playgroundLogs: [],
        notes: `tab → host: ${messages}\nunanswered: ${host?.unknown.join(', ') ?? ''}\npage problems:\n${pageProblems.join('\n')}\n\ntab text:\n${shown}`,
      });
    }
  });

  after(async function () {
    await cleanUp([
      ['browser', async () => browser?.close()],
      ['bot', async () => app?.close()],
      ['temp dir', async () => (tmp === undefined ? undefined : rm(tmp, { recursive: true, force: true }))],
    ]);
  });

  it("signs in through Teams SSO and shows Alex's location: the pending count and this quarter's rate are the server's", async () => {
    const expected = await dashboardOfAlex();
    const teams = await openInTeams();
    assert.equal(await teams.tab.getByRole('heading', { level: 1 }).innerText(), expected.location.name);
    assert.equal(Number((await teams.tab.getByTestId('pending-count').innerText()).trim()), expected.pending.length);
    assert.equal(await teams.tab.getByTestId('pending-item').count(), expected.pending.length);
    const offered = bot()
      .referrals.read()
      .referralsOf(CONTOSO)
      .flatMap((r) => r.assignments.filter((a) => a.mpnId === CONTOSO && a.state === 'offered'));
    assert.ok(offered.length > 0, 'the demo program leaves Contoso US some pending referrals');
    assert.equal(expected.pending.length, offered.length, 'the API lists every part offered to Contoso US');
    const current = defined(expected.acceptance.quarters.at(-1), 'the current quarter');
    assert.equal((await teams.tab.getByTestId('current-rate').innerText()).trim(), rateIn(ALEX.locale, current.rate));
    assert.match(await teams.tab.locator('footer').innerText(), /Signed in as Alex Wilber · through Microsoft Teams/);
    assert.equal(await teams.tab.getByTestId('error').isVisible(), false);

    // What the host saw: one initialize and one getContext, then SSO and a successful load.
    assert.equal(teams.count('initialize'), 1);
    assert.equal(teams.count('getContext'), 1);
    assert.ok(teams.tokens.length > 0, 'the tab asked the host for an SSO token');
    assert.equal(teams.count('appInitialization.appLoaded'), 1);
    assert.equal(teams.count('appInitialization.success'), 1);
    assert.equal(teams.count('appInitialization.failure'), 0);
    assert.deepEqual(pageProblems, []);
  });

  it('every tab API call carried a host-issued SSO token; without one the API refuses, and ?as= is off', async () => {
    const logFrom = logger.entries.length;
    const teams = await openInTeams();
    const calls = await Promise.all(apiCalls);
    const paths = calls.map((c) => new URL(c.url).pathname);
    assert.ok(paths.includes('/api/tab/me') && paths.includes(`/api/tab/locations/${CONTOSO}`), paths.join(', '));
    for (const call of calls) {
      const token = /^Bearer (.+)$/.exec(call.authorization ?? '')?.[1];
      assert.ok(token !== undefined && teams.tokens.includes(token), `${call.url}: Authorization ${call.authorization ?? '(none)'}`);
      assert.equal(new URL(call.url).searchParams.has('as'), false, `${call.url}: no development sign-in`);
    }
    assert.ok(azureAd.fetched.includes(azureAd.jwksUri), 'the server checked the tokens against the tenant’s keys');
    const refusals = logger.entries.slice(logFrom).filter((e) => /request refused|DEVELOPMENT/.test(e.message));
    assert.deepEqual(refusals, [], 'the server refused nothing while the tab loaded, and no development sign-in happened');

    for (const url of [`/api/tab/locations/${CONTOSO}`, `/api/tab/locations/${CONTOSO}?as=alex`, '/api/tab/me?as=alex']) {
      const response = await fetch(`${base}${url}`);
      const body = z.object({ error: z.object({ code: z.string() }), devMode: z.boolean() }).parse(await response.json());
      assert.deepEqual([response.status, body.error.code, body.devMode], [401, 'Unauthorized', false], url);
    }
    const stranger = azureAd.token(ALEX.aadObjectId, { aud: `api://${HOST}/another-app` });
    assert.equal((await fetch(`${base}/api/tab/me`, { headers: { authorization: `Bearer ${stranger}` } })).status, 401, 'a token for another app');
  });

  it("follows the host's theme: dark from the context, contrast after Teams sends a theme change", async () => {
    const teams = await openInTeams();
    const html = teams.tab.locator('html');
    assert.equal(await html.getAttribute('data-theme'), 'dark');
    assert.equal(await html.evaluate((root) => getComputedStyle(root).backgroundColor), BACKGROUND.dark);
    assert.equal(teams.received.filter((m) => m.func === 'registerHandler' && m.args?.[0] === 'themeChange').length, 1, 'the tab listens for theme changes');

    await teams.changeTheme('contrast');
    await teams.tab.locator('html[data-theme="contrast"]').waitFor({ state: 'attached', timeout: THEME_CHANGE_WITHIN_MS });
    assert.equal(await html.evaluate((root) => getComputedStyle(root).backgroundColor), BACKGROUND.contrast);
    assert.deepEqual(pageProblems, []);
  });

  it("writes figures and dates in the context's locale (de-DE), not the browser's (en-US)", async () => {
    const expected = await dashboardOfAlex();
    const teams = await openInTeams();
    assert.equal(await teams.tab.locator('html').getAttribute('lang'), 'de-DE');
    assert.equal((await teams.tab.locator('#rate-target').innerText()).trim(), new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 1 }).format(expected.acceptance.target));
    const rates = expected.acceptance.quarters.map((q) => rateIn('de-DE', q.rate));
    assert.ok(rates.some((r, i) => r !== rateIn('en-US', expected.acceptance.quarters[i]?.rate ?? null)), 'some rate reads differently in German');
    assert.deepEqual(await teams.tab.locator('#rate-rows tr td:first-of-type').allInnerTexts(), rates);

    // A referral with thousands of seats, so that the grouping separator shows too.
    const big = defined(
      expected.pending.find((p) => p.seats >= 1000),
      'a pending referral of 1,000 seats or more',
    );
    const offered = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(big.offeredAt));
    const seats = new Intl.NumberFormat('de-DE').format(big.seats);
    assert.notEqual(seats, new Intl.NumberFormat('en-US').format(big.seats));
    const meta = await teams.tab.locator(`[data-testid="pending-item"][data-assignment-id="${big.assignmentId}"] .meta`).innerText();
    assert.ok(meta.endsWith(`${seats} seats · offered ${offered}`), `${meta} (expected the seats as ${seats} and the offer time as ${offered})`);
    assert.deepEqual(pageProblems, []);
  });
});
