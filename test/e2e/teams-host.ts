import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { z } from 'zod';
import { UI_TIMEOUT } from './support.ts';

/**
 * Where the stand-in Teams web client is served. Not a loopback origin, for two reasons that both
 * hold in production: the tab's CSP (`frame-ancestors`, bot/http/tab-static.ts) lets only itself
 * and Microsoft's hosts frame it, and teams-js ignores every message from a parent whose origin is
 * not https and on its list of Microsoft hosts (or the tab's own origin). Playwright answers for
 * this origin from the test, so nothing leaves the machine.
 */
export const TEAMS_WEB_ORIGIN = 'https://teams.microsoft.com';
const HOST_PAGE_URL = `${TEAMS_WEB_ORIGIN}/v2/`;

/** What the host tells the tab about itself and the user (the legacy context Teams sends). */
export interface TeamsUser {
  readonly theme: 'default' | 'dark' | 'contrast';
  readonly locale: string;
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
}

/** A message from teams-js. Each has an id; the host answers those teams-js waits for. */
const tabMessageSchema = z.object({
  id: z.number(),
  uuidAsString: z.string().optional(),
  func: z.string(),
  args: z.array(z.unknown()).optional(),
});
export type TabMessage = z.infer<typeof tabMessageSchema>;

/** Calls teams-js makes without waiting for an answer. */
const ONE_WAY = new Set(['registerHandler', 'appInitialization.appLoaded', 'appInitialization.success', 'appInitialization.failure', 'appInitialization.expectedFailure']);

/**
 * The runtime the host announces (apiVersion 4 is teams-js 2.x's latest; an older or missing one
 * makes initialize fail). Only the capabilities a static tab has; without
 * `app.notifySuccessResponse`, teams-js sends `appInitialization.success` one way.
 */
const RUNTIME = {
  apiVersion: 4,
  hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  isLegacyTeams: false,
  supports: { appEntity: {}, pages: { appButton: {}, tabs: {}, config: {}, backStack: {} }, teamsCore: {} },
} as const;

export interface TeamsWebHost {
  readonly page: Page;
  /** The tab, inside the host's iframe. */
  readonly tab: FrameLocator;
  /** Every message the tab sent, in order of arrival. */
  readonly received: TabMessage[];
  /** Every token handed to the tab by `authentication.getAuthToken`. */
  readonly tokens: string[];
  /** Functions the host does not know; logged as they come, kept for the failure report. */
  readonly unknown: string[];
  /** How many messages named `func` the tab sent. */
  count(func: string): number;
  /** Sends a host-to-tab event, as Teams does when the user changes theme. */
  changeTheme(theme: TeamsUser['theme']): Promise<void>;
}

export interface TeamsWebHostOptions {
  /** The tab's content URL (the manifest's staticTabs contentUrl). */
  readonly tabUrl: string;
  readonly user: TeamsUser;
  /** A fresh SSO token for the user (Teams asks Azure AD; the test signs it). */
  readonly token: () => string;
}

/** The context teams-js 2.x asks for with `getContext`, in the legacy shape it converts itself. */
function legacyContext(user: TeamsUser): Record<string, unknown> {
  return {
    entityId: 'referrals',
    frameContext: 'content',
    hostClientType: 'web',
    hostName: 'Teams',
    locale: user.locale,
    theme: user.theme,
    tid: user.tenantId,
    userObjectId: user.aadObjectId,
    loginHint: user.userPrincipalName,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    appSessionId: '5f0e7c6a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
  };
}

/** The answer's arguments for a call, or null for a call the host does not answer. */
function answerArgs(message: TabMessage, options: TeamsWebHostOptions, host: { tokens: string[]; unknown: string[] }): unknown[] | null {
  switch (message.func) {
    case 'initialize': {
      // The last value is the newest teams-js the host supports; the tab's own keeps every API on.
      const [version] = message.args ?? [];
      return ['content', 'web', JSON.stringify(RUNTIME), typeof version === 'string' ? version : '2.0.1'];
    }
    case 'getContext':
      return [legacyContext(options.user)];
    case 'authentication.getAuthToken': {
      const token = options.token();
      host.tokens.push(token);
      return [true, token];
    }
    default:
      if (ONE_WAY.has(message.func)) return null;
      host.unknown.push(message.func);
      console.warn(`  teams host: no answer for ${message.func}(${JSON.stringify(message.args ?? [])})`);
      return null;
  }
}

/**
 * The host page: the tab in an iframe, and a relay that hands each of its messages to the test
 * (`teamsHostAnswer`) and posts the answer back to the tab's origin only. Plain text, so the test
 * runner's transform never touches the script. The frame has a fixed size because Chromium's
 * full-page screenshot (the failure evidence) leaves a percentage-sized cross-site frame blank.
 */
function hostPage(tabUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Microsoft Teams (test host)</title>
<style>body{margin:0}iframe{display:block;border:0;width:1280px;height:900px}</style></head>
<body><iframe id="tab" title="Referrals" src="${tabUrl}"></iframe>
<script>
const frame = document.getElementById('tab');
const tabOrigin = new URL(frame.src).origin;
window.addEventListener('message', async (event) => {
  if (event.source !== frame.contentWindow || event.origin !== tabOrigin) return;
  const answer = await window.teamsHostAnswer(event.data);
  if (answer !== null) frame.contentWindow.postMessage(answer, tabOrigin);
});
window.sendToTab = (message) => frame.contentWindow.postMessage(message, tabOrigin);
</script></body></html>`;
}

/**
 * Opens the tab as the Teams web client does: in an iframe of a page on Teams' origin that
 * answers teams-js's postMessage protocol (`{id, uuidAsString, func, args}` in, `{id,
 * uuidAsString, args}` back). Everything but loopback and the host page is refused at once.
 */
export async function openInTeamsWebHost(context: BrowserContext, options: TeamsWebHostOptions): Promise<TeamsWebHost> {
  // The bot under test listens on loopback, which Chromium lets a public page (here, Teams) reach
  // only with the user's "local network access" permission; in production the tab is public.
  await context.grantPermissions(['local-network-access'], { origin: TEAMS_WEB_ORIGIN });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  const received: TabMessage[] = [];
  const tokens: string[] = [];
  const unknown: string[] = [];
  await page.exposeFunction('teamsHostAnswer', (data: unknown) => {
    const parsed = tabMessageSchema.safeParse(data);
    if (!parsed.success) {
      unknown.push(`(not a teams-js call: ${JSON.stringify(data)})`);
      return null;
    }
    received.push(parsed.data);
    const args = answerArgs(parsed.data, options, { tokens, unknown });
    return args === null ? null : { id: parsed.data.id, uuidAsString: parsed.data.uuidAsString, args };
  });
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === TEAMS_WEB_ORIGIN && url.pathname === new URL(HOST_PAGE_URL).pathname) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: hostPage(options.tabUrl) });
    }
    return url.hostname === 'localhost' || url.hostname === '127.0.0.1' ? route.continue() : route.abort();
  });
  await page.goto(HOST_PAGE_URL, { waitUntil: 'domcontentloaded', timeout: UI_TIMEOUT });
  return {
    page,
    tab: page.frameLocator('#tab'),
    received,
    tokens,
    unknown,
    count: (func) => received.filter((m) => m.func === func).length,
    changeTheme: async (theme) => {
      await page.evaluate((message) => (window as unknown as { sendToTab(m: unknown): void }).sendToTab(message), { func: 'themeChange', args: [theme] });
    },
  };
}
