/**
 * The dashboard tab (browser code, bundled by bot/http/tab-static.ts with esbuild).
 *
 * Inside Teams: app.initialize() (raced against a timeout so the page never hangs elsewhere), the
 * context's theme and locale, SSO with authentication.getAuthToken(), then the tab API with
 * `Authorization: Bearer`. In development, `?as=alex` (or any user the server knows) simulates a
 * user and is forwarded to every API call. Outside Teams without `as` the page says it runs in
 * Teams and, when the server is in development mode, links to the development sign-in.
 *
 * Everything the server sends is decoded and checked before use, and every failure is shown in the
 * error area: nothing is swallowed.
 */
import { app, authentication } from '@microsoft/teams-js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration, type Plugin } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** How long app.initialize() may take before the page decides it is not inside Teams. */
const TEAMS_TIMEOUT_MS = 3_000;
const DAY_MS = 86_400_000;
const MAX_PAUSE_DAYS = 30;
const DEFAULT_PAUSE_DAYS = 14;

/** The Agents Playground's demo users, for the development sign-in links. */
const DEV_USERS: ReadonlyArray<{ readonly as: string; readonly name: string; readonly what: string }> = [
  { as: 'alex', name: 'Alex Wilber', what: 'program admin of Contoso US (4100001)' },
  { as: 'megan', name: 'Megan Bowen', what: 'member of Contoso US (4100001)' },
  { as: 'adele', name: 'Adele Vance', what: 'FastTrack operations' },
  { as: 'isaiah', name: 'Isaiah Langer', what: 'member of Fabrikam US (4100002)' },
];

const DECLINE_REASONS = [
  ['no-capacity', 'No capacity'],
  ['cannot-support-workload', 'Location cannot support the workload'],
  ['customer-unreachable', 'Customer not reachable'],
  ['other', 'Other'],
] as const;
type DeclineReason = (typeof DECLINE_REASONS)[number][0];

// ---------------------------------------------------------------------------------------------
// The API's shapes, and decoders that check them (a mismatch names the field).

type LocationRole = 'member' | 'admin';
type DashboardRole = LocationRole | 'operations';

interface Me {
  readonly user: { readonly name: string; readonly aadObjectId: string; readonly tenantId: string };
  readonly operations: boolean;
  readonly locations: readonly { readonly mpnId: string; readonly name: string; readonly role: LocationRole }[];
  readonly devMode: boolean;
}

interface Pause {
  readonly pausedAt: string;
  readonly pausedUntil: string;
  readonly pausedBy: string;
}

interface LocationInfo {
  readonly mpnId: string;
  readonly name: string;
  readonly country: string;
  readonly status: 'active' | 'departed';
  readonly pause: Pause | null;
}

interface PendingPart {
  readonly referralId: string;
  readonly assignmentId: string;
  readonly customerName: string;
  readonly type: string;
  readonly workloads: readonly string[];
  readonly seats: number;
  readonly offeredAt: string;
}

interface QuarterRate {
  readonly quarter: string;
  readonly rate: number | null;
  readonly accepted: number;
  readonly declined: number;
  readonly expired: number;
  readonly pending: number;
  readonly meetsTarget: boolean | null;
  readonly acceptNeeded: number | null;
}

interface Note {
  readonly kind: string;
  readonly at: string;
  readonly state: string;
  readonly text: string;
}

interface Dashboard {
  readonly location: LocationInfo;
  readonly role: DashboardRole;
  readonly canPause: boolean;
  readonly pending: readonly PendingPart[];
  readonly acceptance: { readonly target: number; readonly quarters: readonly QuarterRate[] };
  readonly notifications: readonly Note[];
}

interface DeclineResult {
  readonly state: string;
  readonly reassignedTo: readonly string[];
  readonly ftc: readonly string[];
}

class ShapeError extends Error {
  constructor(path: string, expected: string) {
    super(`The server's answer is not what this page expects: ${path} should be ${expected}.`);
    this.name = 'ShapeError';
  }
}

type Decoder<T> = (value: unknown, path: string) => T;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const decode = {
  object(value: unknown, path: string): Record<string, unknown> {
    if (!isRecord(value)) throw new ShapeError(path, 'an object');
    return value;
  },
  string(value: unknown, path: string): string {
    if (typeof value !== 'string') throw new ShapeError(path, 'a string');
    return value;
  },
  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(path, 'a number');
    return value;
  },
  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') throw new ShapeError(path, 'true or false');
    return value;
  },
  nullable<T>(inner: Decoder<T>): Decoder<T | null> {
    return (value, path) => (value === null ? null : inner(value, path));
  },
  array<T>(inner: Decoder<T>): Decoder<T[]> {
    return (value, path) => {
      if (!Array.isArray(value)) throw new ShapeError(path, 'a list');
      return value.map((item: unknown, i) => inner(item, `${path}[${i}]`));
    };
  },
  oneOf<T extends string>(values: readonly T[]): Decoder<T> {
    return (value, path) => {
      const found = values.find((v) => v === value);
      if (found === undefined) throw new ShapeError(path, `one of ${values.join(', ')}`);
      return found;
    };
  },
};

function decodeMe(value: unknown): Me {
  const o = decode.object(value, 'me');
  const user = decode.object(o['user'], 'me.user');
  return {
    user: {
      name: decode.string(user['name'], 'me.user.name'),
      aadObjectId: decode.string(user['aadObjectId'], 'me.user.aadObjectId'),
      tenantId: decode.string(user['tenantId'], 'me.user.tenantId'),
    },
    operations: decode.boolean(o['operations'], 'me.operations'),
    locations: decode.array((v, p) => {
      const l = decode.object(v, p);
      return {
        mpnId: decode.string(l['mpnId'], `${p}.mpnId`),
        name: decode.string(l['name'], `${p}.name`),
        role: decode.oneOf<LocationRole>(['member', 'admin'])(l['role'], `${p}.role`),
      };
    })(o['locations'], 'me.locations'),
    devMode: decode.boolean(o['devMode'], 'me.devMode'),
  };
}

function decodeLocation(value: unknown, path: string): LocationInfo {
  const l = decode.object(value, path);
  return {
    mpnId: decode.string(l['mpnId'], `${path}.mpnId`),
    name: decode.string(l['name'], `${path}.name`),
    country: decode.string(l['country'], `${path}.country`),
    status: decode.oneOf<'active' | 'departed'>(['active', 'departed'])(l['status'], `${path}.status`),
    pause: decode.nullable((v, p) => {
      const pause = decode.object(v, p);
      return {
        pausedAt: decode.string(pause['pausedAt'], `${p}.pausedAt`),
        pausedUntil: decode.string(pause['pausedUntil'], `${p}.pausedUntil`),
        pausedBy: decode.string(pause['pausedBy'], `${p}.pausedBy`),
      };
    })(l['pause'], `${path}.pause`),
  };
}

function decodeDashboard(value: unknown): Dashboard {
  const o = decode.object(value, 'dashboard');
  const acceptance = decode.object(o['acceptance'], 'acceptance');
  const count = (q: Record<string, unknown>, key: string, p: string): number => decode.number(q[key], `${p}.${key}`);
  return {
    location: decodeLocation(o['location'], 'location'),
    role: decode.oneOf<DashboardRole>(['member', 'admin', 'operations'])(o['role'], 'role'),
    canPause: decode.boolean(o['canPause'], 'canPause'),
    pending: decode.array((v, p) => {
      const r = decode.object(v, p);
      return {
        referralId: decode.string(r['referralId'], `${p}.referralId`),
        assignmentId: decode.string(r['assignmentId'], `${p}.assignmentId`),
        customerName: decode.string(r['customerName'], `${p}.customerName`),
        type: decode.string(r['type'], `${p}.type`),
        workloads: decode.array(decode.string)(r['workloads'], `${p}.workloads`),
        seats: decode.number(r['seats'], `${p}.seats`),
        offeredAt: decode.string(r['offeredAt'], `${p}.offeredAt`),
      };
    })(o['pending'], 'pending'),
    acceptance: {
      target: decode.number(acceptance['target'], 'acceptance.target'),
      quarters: decode.array((v, p) => {
        const q = decode.object(v, p);
        return {
          quarter: decode.string(q['quarter'], `${p}.quarter`),
          rate: decode.nullable(decode.number)(q['rate'], `${p}.rate`),
          accepted: count(q, 'accepted', p),
          declined: count(q, 'declined', p),
          expired: count(q, 'expired', p),
          pending: count(q, 'pending', p),
          meetsTarget: decode.nullable(decode.boolean)(q['meetsTarget'], `${p}.meetsTarget`),
          acceptNeeded: decode.nullable(decode.number)(q['acceptNeeded'], `${p}.acceptNeeded`),
        };
      })(acceptance['quarters'], 'acceptance.quarters'),
    },
    notifications: decode.array((v, p) => {
      const n = decode.object(v, p);
      return {
        kind: decode.string(n['kind'], `${p}.kind`),
        at: decode.string(n['at'], `${p}.at`),
        state: decode.string(n['state'], `${p}.state`),
        text: decode.string(n['text'], `${p}.text`),
      };
    })(o['notifications'], 'notifications'),
  };
}

function decodeLocationAnswer(value: unknown): LocationInfo {
  return decodeLocation(decode.object(value, 'answer')['location'], 'location');
}

function decodeDecline(value: unknown): DeclineResult {
  const o = decode.object(value, 'answer');
  return {
    state: decode.string(o['state'], 'state'),
    reassignedTo: decode.array(decode.string)(o['reassignedTo'] ?? [], 'reassignedTo'),
    ftc: decode.array(decode.string)(o['ftc'] ?? [], 'ftc'),
  };
}

// ---------------------------------------------------------------------------------------------
// The API client.

type Credentials = { readonly kind: 'dev'; readonly as: string } | { readonly kind: 'teams'; readonly token: () => Promise<string> };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `{ error: { code, message } }` (the tab API) or `{ code, message }` (restify's own errors). */
function errorOf(body: unknown): { code: string | undefined; message: string | undefined } {
  const e = isRecord(body) && isRecord(body['error']) ? body['error'] : isRecord(body) ? body : {};
  return {
    code: typeof e['code'] === 'string' ? e['code'] : undefined,
    message: typeof e['message'] === 'string' ? e['message'] : undefined,
  };
}

async function callApi(path: string, credentials: Credentials | null, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<unknown> {
  const url = new URL(path, window.location.origin);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials?.kind === 'dev') url.searchParams.set('as', credentials.as);
  if (credentials?.kind === 'teams') headers['authorization'] = `Bearer ${await credentials.token()}`;
  const method = init.method ?? 'GET';
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'NetworkError', `The server could not be reached (${method} ${url.pathname}): ${messageOf(err)}`, null);
  }
  const text = await response.text();
  let body: unknown = null;
  let parsed = false;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (!response.ok) {
    const e = errorOf(body);
    const message = e.message ?? (text.trim().slice(0, 200) || response.statusText || 'no details');
    throw new ApiError(response.status, e.code ?? `HTTP ${response.status}`, message, body);
  }
  if (!parsed) throw new ApiError(response.status, 'BadResponse', `${method} ${url.pathname} did not answer with JSON.`, null);
  return body;
}

function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? err.message : `${err.message} (${err.code}, HTTP ${err.status})`;
  if (err instanceof Error) return err.message;
  if (isRecord(err) && typeof err['message'] === 'string') return err['message'];
  return String(err);
}

// ---------------------------------------------------------------------------------------------
// The page.

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page is missing #${id}.`);
  return element;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

const ui = {
  title: byId('title', HTMLHeadingElement),
  subtitle: byId('subtitle', HTMLParagraphElement),
  picker: byId('picker', HTMLDivElement),
  locationField: byId('location-field', HTMLDivElement),
  locationSelect: byId('location-select', HTMLSelectElement),
  mpnForm: byId('mpn-form', HTMLFormElement),
  mpnInput: byId('mpn-input', HTMLInputElement),
  error: byId('error', HTMLDivElement),
  status: byId('status', HTMLDivElement),
  loading: byId('loading', HTMLParagraphElement),
  outside: byId('outside', HTMLElement),
  devSignin: byId('dev-signin', HTMLDivElement),
  devUsers: byId('dev-users', HTMLUListElement),
  noLocation: byId('no-location', HTMLParagraphElement),
  dashboard: byId('dashboard', HTMLDivElement),
  pendingCount: byId('pending-count', HTMLSpanElement),
  pendingEmpty: byId('pending-empty', HTMLParagraphElement),
  pendingList: byId('pending-list', HTMLUListElement),
  currentRate: byId('current-rate', HTMLParagraphElement),
  rateDetail: byId('rate-detail', HTMLParagraphElement),
  rateChart: byId('rate-chart', HTMLCanvasElement),
  rateTarget: byId('rate-target', HTMLSpanElement),
  rateRows: byId('rate-rows', HTMLTableSectionElement),
  pauseState: byId('pause-state', HTMLParagraphElement),
  pauseDetail: byId('pause-detail', HTMLParagraphElement),
  pauseForm: byId('pause-form', HTMLFormElement),
  pauseUntil: byId('pause-until', HTMLInputElement),
  pauseButton: byId('pause-button', HTMLButtonElement),
  resumeButton: byId('resume-button', HTMLButtonElement),
  pauseReadonly: byId('pause-readonly', HTMLParagraphElement),
  notesEmpty: byId('notes-empty', HTMLParagraphElement),
  notes: byId('notes', HTMLOListElement),
  footer: byId('footer', HTMLElement),
};

interface TeamsInfo {
  readonly theme: string;
  readonly locale: string;
  readonly userPrincipalName: string | undefined;
  readonly tenantId: string | undefined;
}

const state: {
  locale: string;
  credentials: Credentials | null;
  teams: TeamsInfo | null;
  me: Me | null;
  dashboard: Dashboard | null;
  /** Each location load gets a number; an answer that is no longer the latest is dropped. */
  loadSeq: number;
  chart: Chart<'bar', Array<number | null>, string> | null;
} = {
  locale: usableLocale(navigator.language),
  credentials: null,
  teams: null,
  me: null,
  dashboard: null,
  loadSeq: 0,
  chart: null,
};

function usableLocale(candidate: string | undefined): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(candidate ?? 'en-US');
    return canonical ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

const format = {
  rate(rate: number | null): string {
    if (rate === null) return '–';
    return new Intl.NumberFormat(state.locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
  },
  target(target: number): string {
    return new Intl.NumberFormat(state.locale, { style: 'percent', maximumFractionDigits: 1 }).format(target);
  },
  count(n: number): string {
    return new Intl.NumberFormat(state.locale).format(n);
  },
  /** A calendar date (YYYY-MM-DD), the same day everywhere. */
  day(isoDay: string): string {
    const date = new Date(`${isoDay.slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return isoDay;
    return new Intl.DateTimeFormat(state.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  },
  /** An instant, in the viewer's time zone. */
  instant(iso: string): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(state.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  },
};

const ROLE_NAMES: Record<DashboardRole, string> = { member: 'member', admin: 'program admin', operations: 'FastTrack operations' };

function showError(err: unknown): void {
  ui.error.textContent = messageOf(err);
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

function announce(text: string): void {
  ui.status.textContent = text;
}

/** Runs a user action with its controls disabled; any failure is shown, never swallowed. */
async function act(controls: readonly (HTMLButtonElement | HTMLInputElement | HTMLSelectElement)[], action: () => Promise<void>): Promise<void> {
  for (const c of controls) c.disabled = true;
  clearError();
  announce('');
  try {
    await action();
  } catch (err) {
    showError(err);
  } finally {
    for (const c of controls) if (c.isConnected) c.disabled = false;
  }
}

function utcToday(): number {
  return Math.floor(Date.now() / DAY_MS);
}

function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Theme.

function themeName(theme: string | undefined): 'default' | 'dark' | 'contrast' {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

function applyTheme(theme: string | undefined): void {
  const name = themeName(theme);
  if (document.documentElement.dataset['theme'] === name) return;
  document.documentElement.dataset['theme'] = name;
  if (state.dashboard !== null) renderAcceptance(state.dashboard);
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';
}

// ---------------------------------------------------------------------------------------------
// Teams.

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Teams' context, or null outside Teams (initialize fails or does not answer in time). */
async function connectToTeams(): Promise<TeamsInfo | null> {
  try {
    const initialized = await Promise.race([app.initialize().then(() => true), delay(TEAMS_TIMEOUT_MS).then(() => false)]);
    if (!initialized) return null;
    const context = await Promise.race([app.getContext(), delay(TEAMS_TIMEOUT_MS).then(() => null)]);
    if (context === null) return null;
    app.registerOnThemeChangeHandler((theme) => applyTheme(theme));
    return {
      theme: context.app.theme,
      locale: context.app.locale,
      userPrincipalName: context.user?.userPrincipalName,
      tenantId: context.user?.tenant?.id,
    };
  } catch (err) {
    console.info(`Not inside Teams: ${messageOf(err)}`);
    return null;
  }
}

function useTeams(teams: TeamsInfo): void {
  state.teams = teams;
  state.locale = usableLocale(teams.locale);
  document.documentElement.lang = state.locale;
  applyTheme(teams.theme);
  if (state.dashboard !== null) renderDashboard(state.dashboard);
  renderFooter();
}

// ---------------------------------------------------------------------------------------------
// Rendering.

function renderFooter(): void {
  const parts: string[] = [];
  if (state.me !== null) parts.push(`Signed in as ${state.me.user.name}`);
  if (state.credentials?.kind === 'dev') parts.push(`development sign-in (as=${state.credentials.as})`);
  else if (state.teams !== null) parts.push('through Microsoft Teams');
  if (state.teams?.tenantId !== undefined && state.me !== null && state.teams.tenantId !== state.me.user.tenantId) {
    parts.push(`Teams tenant ${state.teams.tenantId}, API tenant ${state.me.user.tenantId}`);
  }
  ui.footer.textContent = parts.join(' · ');
}

function renderPicker(me: Me, current: string | null): void {
  ui.locationSelect.replaceChildren(
    ...me.locations.map((l) => el('option', { text: `${l.name} (${l.mpnId})`, attrs: { value: l.mpnId } })),
  );
  ui.locationField.hidden = me.locations.length < 2 && !(me.operations && me.locations.length > 0);
  ui.mpnForm.hidden = !me.operations;
  ui.picker.hidden = ui.locationField.hidden && ui.mpnForm.hidden;
  selectInPicker(current);
}

function selectInPicker(mpnId: string | null): void {
  const index = Array.from(ui.locationSelect.options).findIndex((o) => o.value === mpnId);
  ui.locationSelect.selectedIndex = index;
  if (!ui.mpnForm.hidden && mpnId !== null && index < 0) ui.mpnInput.value = mpnId;
}

function renderDashboard(d: Dashboard): void {
  ui.loading.hidden = true;
  ui.noLocation.hidden = true;
  ui.dashboard.hidden = false;
  ui.title.textContent = d.location.name;
  const subtitle = [`MPN ID ${d.location.mpnId}`, d.location.country, `you: ${ROLE_NAMES[d.role]}`];
  if (d.location.status === 'departed') subtitle.push('this location has left the program');
  ui.subtitle.textContent = subtitle.join(' · ');
  document.title = `${d.location.name} – FastTrack referrals`;
  renderPending(d);
  renderAcceptance(d);
  renderPause(d);
  renderNotes(d);
}

function renderPending(d: Dashboard): void {
  ui.pendingCount.textContent = String(d.pending.length);
  ui.pendingCount.setAttribute('aria-label', `${d.pending.length} pending`);
  ui.pendingEmpty.hidden = d.pending.length > 0;
  const canAnswer = d.role !== 'operations';
  ui.pendingList.replaceChildren(...d.pending.map((p) => pendingItem(d.location.mpnId, p, canAnswer)));
}

function pendingItem(mpnId: string, p: PendingPart, canAnswer: boolean): HTMLLIElement {
  const headingId = `pending-${p.assignmentId}`;
  const seats = `${format.count(p.seats)} seats`;
  const item = el(
    'li',
    { className: 'item', attrs: { 'data-testid': 'pending-item', 'data-referral-id': p.referralId, 'data-assignment-id': p.assignmentId, 'aria-labelledby': headingId } },
    el('h3', { attrs: { id: headingId } }, `${p.customerName} `, el('span', { className: 'tag', text: p.type })),
    el('p', { className: 'meta', text: `${p.referralId} · ${p.workloads.join(', ')} · ${seats} · offered ${format.instant(p.offeredAt)}` }),
  );
  if (!canAnswer) return item;

  const accept = el('button', { className: 'primary', text: 'Accept', attrs: { type: 'button', 'aria-label': `Accept ${p.referralId} (${p.customerName})` } });
  const decline = el('button', { text: 'Decline', attrs: { type: 'button', 'aria-label': `Decline ${p.referralId} (${p.customerName})`, 'aria-expanded': 'false' } });
  const form = declineForm(p);
  decline.setAttribute('aria-controls', form.element.id);
  item.append(el('div', { className: 'actions' }, accept, decline), form.element);

  accept.addEventListener('click', () => {
    void act([accept, decline], async () => {
      await callApi(`/api/tab/referrals/${encodeURIComponent(p.referralId)}/parts/${encodeURIComponent(p.assignmentId)}/accept`, state.credentials, { method: 'POST' });
      await loadLocation(mpnId);
      announce(`Accepted ${p.referralId} for ${p.customerName}.`);
    });
  });
  decline.addEventListener('click', () => {
    form.element.hidden = !form.element.hidden;
    decline.setAttribute('aria-expanded', String(!form.element.hidden));
    if (!form.element.hidden) form.reason.focus();
  });
  form.cancel.addEventListener('click', () => {
    form.element.hidden = true;
    decline.setAttribute('aria-expanded', 'false');
    decline.focus();
  });
  form.element.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = DECLINE_REASONS.find(([code]) => code === form.reason.value)?.[0];
    if (reason === undefined) {
      showError('Choose a reason to decline.');
      return;
    }
    const text = form.text.value.trim();
    if (reason === 'other' && text === '') {
      showError('Say why you decline when the reason is "Other".');
      form.text.focus();
      return;
    }
    void act([accept, decline, form.submit, form.cancel], async () => {
      const body: { reason: DeclineReason; text?: string } = text === '' ? { reason } : { reason, text };
      const result = decodeDecline(
        await callApi(`/api/tab/referrals/${encodeURIComponent(p.referralId)}/parts/${encodeURIComponent(p.assignmentId)}/decline`, state.credentials, {
          method: 'POST',
          body,
        }),
      );
      await loadLocation(mpnId);
      const next = [
        result.reassignedTo.length > 0 ? `reassigned to ${result.reassignedTo.join(', ')}` : '',
        result.ftc.length > 0 ? `passed to the FastTrack Center: ${result.ftc.join(', ')}` : '',
      ].filter((s) => s !== '');
      announce(`Declined ${p.referralId} for ${p.customerName}${next.length > 0 ? `; ${next.join('; ')}` : ''}.`);
    });
  });
  return item;
}

function declineForm(p: PendingPart): {
  element: HTMLFormElement;
  reason: HTMLSelectElement;
  text: HTMLInputElement;
  submit: HTMLButtonElement;
  cancel: HTMLButtonElement;
} {
  const id = `decline-${p.assignmentId}`;
  const reason = el(
    'select',
    { attrs: { id: `${id}-reason`, name: 'reason', required: '' } },
    el('option', { text: 'Choose a reason…', attrs: { value: '' } }),
    ...DECLINE_REASONS.map(([code, label]) => el('option', { text: label, attrs: { value: code } })),
  );
  const text = el('input', { attrs: { id: `${id}-text`, name: 'text', type: 'text', maxlength: '500', autocomplete: 'off' } });
  const submit = el('button', { className: 'danger', text: 'Decline referral', attrs: { type: 'submit' } });
  const cancel = el('button', { text: 'Cancel', attrs: { type: 'button' } });
  const element = el(
    'form',
    { className: 'decline-form', attrs: { id, 'aria-label': `Decline ${p.referralId}` } },
    el('div', { className: 'field' }, el('label', { text: 'Reason', attrs: { for: reason.id } }), reason),
    el('div', { className: 'field' }, el('label', { text: 'Details (needed for "Other")', attrs: { for: text.id } }), text),
    submit,
    cancel,
  );
  element.hidden = true;
  return { element, reason, text, submit, cancel };
}

function renderAcceptance(d: Dashboard): void {
  const { quarters, target } = d.acceptance;
  const current = quarters[quarters.length - 1];
  ui.currentRate.textContent = format.rate(current?.rate ?? null);
  ui.rateTarget.textContent = format.target(target);
  ui.currentRate.classList.toggle('good', current?.meetsTarget === true);
  ui.currentRate.classList.toggle('bad', current?.meetsTarget === false);
  if (current === undefined) {
    ui.rateDetail.textContent = 'No quarters to show.';
  } else {
    const counts = `${current.quarter} so far: ${format.count(current.accepted)} accepted, ${format.count(current.declined)} declined, ${format.count(current.expired)} expired, ${format.count(current.pending)} pending.`;
    const verdict =
      current.meetsTarget === true
        ? `Meets the ${format.target(target)} target.`
        : current.meetsTarget === false
          ? `Below the ${format.target(target)} target${current.acceptNeeded !== null && current.acceptNeeded > 0 ? `: ${format.count(current.acceptNeeded)} more acceptances needed to reach it` : ''}.`
          : 'No answered referrals yet this quarter.';
    ui.rateDetail.textContent = `${counts} ${verdict}`;
  }

  ui.rateRows.replaceChildren(
    ...quarters.map((q) =>
      el(
        'tr',
        {},
        el('th', { text: q.quarter, attrs: { scope: 'row' } }),
        el('td', { text: format.rate(q.rate) }),
        el('td', { text: format.count(q.accepted) }),
        el('td', { text: format.count(q.declined) }),
        el('td', { text: format.count(q.expired) }),
        el('td', { text: format.count(q.pending) }),
      ),
    ),
  );
  ui.rateChart.setAttribute(
    'aria-label',
    `Acceptance rate by quarter, target ${format.target(target)}: ${quarters.map((q) => `${q.quarter} ${format.rate(q.rate)}`).join(', ')}`,
  );
  drawChart(quarters, target);
}

/** The target as a dashed line across the whole plot, labelled at its right end. */
function targetLine(percent: number, color: string, label: string): Plugin<'bar'> {
  return {
    id: 'targetLine',
    afterDatasetsDraw(chart) {
      const y = chart.scales['y']?.getPixelForValue(percent);
      if (y === undefined) return;
      const { left, right } = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = `600 12px ${getComputedStyle(document.documentElement).fontFamily}`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(label, right - 4, y - 3);
      ctx.restore();
    },
  };
}

function drawChart(quarters: readonly QuarterRate[], target: number): void {
  state.chart?.destroy();
  const text = cssVar('--text');
  const grid = cssVar('--grid');
  const bar = cssVar('--bar');
  const below = cssVar('--bar-below');
  const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);
  const colors = quarters.map((q) => (q.meetsTarget === false ? below : bar));
  const config: ChartConfiguration<'bar', Array<number | null>, string> = {
    type: 'bar',
    data: {
      labels: quarters.map((q) => q.quarter),
      datasets: [{ label: 'Acceptance rate', data: quarters.map((q) => percent(q.rate)), backgroundColor: colors, borderColor: colors, borderWidth: 1 }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: text,
      scales: {
        x: { ticks: { color: text }, grid: { color: grid } },
        y: { min: 0, max: 100, ticks: { color: text, stepSize: 20, callback: (value) => `${value}%` }, grid: { color: grid } },
      },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${item.raw === null ? '–' : format.rate(Number(item.raw) / 100)}` } },
      },
    },
    plugins: [targetLine(Math.round(target * 1000) / 10, cssVar('--target'), `Target ${format.target(target)}`)],
  };
  state.chart = new Chart(ui.rateChart, config);
}

function renderPause(d: Dashboard): void {
  const pause = d.location.pause;
  if (pause === null) {
    ui.pauseState.textContent = 'Referrals are on';
    ui.pauseDetail.textContent =
      d.location.status === 'departed' ? 'This location has left the program and receives no referrals.' : 'This location receives new referrals.';
  } else {
    ui.pauseState.textContent = `Paused until ${format.day(pause.pausedUntil)}`;
    ui.pauseDetail.textContent = `Paused on ${format.instant(pause.pausedAt)} by ${pause.pausedBy}. Referrals resume automatically on ${format.day(pause.pausedUntil)} (00:00 UTC).`;
  }
  ui.pauseForm.hidden = !d.canPause || pause !== null;
  ui.resumeButton.hidden = !d.canPause || pause === null;
  ui.pauseReadonly.hidden = d.canPause;
  const today = utcToday();
  ui.pauseUntil.min = dayString(today + 1);
  ui.pauseUntil.max = dayString(today + MAX_PAUSE_DAYS);
  if (ui.pauseUntil.value === '' || ui.pauseUntil.value < ui.pauseUntil.min || ui.pauseUntil.value > ui.pauseUntil.max) {
    ui.pauseUntil.value = dayString(today + DEFAULT_PAUSE_DAYS);
  }
}

function renderNotes(d: Dashboard): void {
  ui.notesEmpty.hidden = d.notifications.length > 0;
  ui.notes.replaceChildren(
    ...d.notifications.map((n) =>
      el(
        'li',
        { attrs: { 'data-kind': n.kind, 'data-state': n.state } },
        el('time', { text: format.instant(n.at), attrs: { datetime: n.at } }),
        el('span', { text: n.text }),
        n.state === 'delivered' || n.state === 'sent' ? '' : el('span', { className: 'tag', text: n.state }),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Loading.

async function loadLocation(mpnId: string): Promise<void> {
  const seq = ++state.loadSeq;
  const dashboard = decodeDashboard(await callApi(`/api/tab/locations/${encodeURIComponent(mpnId)}`, state.credentials));
  if (seq !== state.loadSeq) return;
  state.dashboard = dashboard;
  renderDashboard(dashboard);
}

/** Opens a location from the picker or the URL; failures are shown, the previous view stays. */
async function openLocation(mpnId: string): Promise<void> {
  clearError();
  selectInPicker(mpnId);
  const url = new URL(window.location.href);
  url.searchParams.set('mpn', mpnId);
  history.replaceState(null, '', url);
  try {
    await loadLocation(mpnId);
  } catch (err) {
    ui.loading.hidden = true;
    showError(err);
  }
}

async function startDashboard(): Promise<void> {
  let me: Me;
  try {
    me = decodeMe(await callApi('/api/tab/me', state.credentials));
  } catch (err) {
    ui.loading.hidden = true;
    showError(err);
    throw err;
  }
  state.me = me;
  renderFooter();
  const wanted = new URLSearchParams(window.location.search).get('mpn')?.trim();
  const first = wanted !== undefined && wanted !== '' ? wanted : me.locations[0]?.mpnId;
  renderPicker(me, first ?? null);
  if (first === undefined) {
    ui.loading.hidden = true;
    ui.noLocation.hidden = false;
    ui.noLocation.textContent = me.operations
      ? "Enter a location's MPN ID above to open its dashboard."
      : `${me.user.name} has no role at a partner location in the program. Ask your location's program admin to add you.`;
    return;
  }
  await openLocation(first);
}

async function showOutsideTeams(): Promise<void> {
  ui.loading.hidden = true;
  ui.outside.hidden = false;
  // Development mode: the server answers an anonymous /me with 401 and `devMode: true`.
  try {
    await callApi('/api/tab/me', null);
  } catch (err) {
    if (err instanceof ApiError && isRecord(err.body) && err.body['devMode'] === true) {
      ui.devUsers.replaceChildren(
        ...DEV_USERS.map((u) =>
          el('li', {}, el('a', { text: u.name, attrs: { href: `/tab?as=${encodeURIComponent(u.as)}`, 'data-testid': `dev-signin-${u.as}` } }), ` – ${u.what}`),
        ),
      );
      ui.devSignin.hidden = false;
      return;
    }
    if (!(err instanceof ApiError && err.status === 401)) showError(err);
  }
}

function wireControls(): void {
  ui.locationSelect.addEventListener('change', () => {
    if (ui.locationSelect.value !== '') void openLocation(ui.locationSelect.value);
  });
  ui.mpnForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const mpnId = ui.mpnInput.value.trim();
    if (mpnId !== '') void openLocation(mpnId);
  });
  ui.pauseForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const mpnId = state.dashboard?.location.mpnId;
    if (mpnId === undefined) return;
    const until = ui.pauseUntil.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) {
      showError('Choose the day referrals should resume.');
      return;
    }
    void act([ui.pauseButton, ui.pauseUntil], async () => {
      const location = decodeLocationAnswer(
        await callApi(`/api/tab/locations/${encodeURIComponent(mpnId)}/pause`, state.credentials, { method: 'POST', body: { until } }),
      );
      await loadLocation(mpnId);
      announce(`Referrals for ${location.name} are paused until ${format.day(location.pause?.pausedUntil ?? until)}.`);
    });
  });
  ui.resumeButton.addEventListener('click', () => {
    const mpnId = state.dashboard?.location.mpnId;
    if (mpnId === undefined) return;
    void act([ui.resumeButton], async () => {
      const location = decodeLocationAnswer(
        await callApi(`/api/tab/locations/${encodeURIComponent(mpnId)}/resume`, state.credentials, { method: 'POST' }),
      );
      await loadLocation(mpnId);
      announce(`Referrals for ${location.name} are on again.`);
    });
  });
  window.addEventListener('unhandledrejection', (event) => showError(event.reason));
  window.addEventListener('error', (event) => showError(event.error ?? event.message));
}

async function main(): Promise<void> {
  wireControls();
  const simulated = new URLSearchParams(window.location.search).get('as')?.trim();
  const teams = connectToTeams();
  if (simulated !== undefined && simulated !== '') {
    // Development sign-in: load at once; Teams' theme and locale apply when (if) it answers.
    state.credentials = { kind: 'dev', as: simulated };
    const [info] = await Promise.all([
      teams.then((t) => {
        if (t !== null) useTeams(t);
        return t;
      }),
      startDashboard().catch(() => undefined),
    ]);
    if (info !== null) await app.notifySuccess();
    return;
  }
  const info = await teams;
  if (info === null) {
    await showOutsideTeams();
    return;
  }
  useTeams(info);
  app.notifyAppLoaded();
  state.credentials = { kind: 'teams', token: () => authentication.getAuthToken() };
  try {
    await authentication.getAuthToken();
  } catch (err) {
    const message = `Teams single sign-on failed: ${messageOf(err)}`;
    ui.loading.hidden = true;
    showError(message);
    app.notifyFailure({ reason: app.FailedReason.AuthFailed, message });
    return;
  }
  try {
    await startDashboard();
    await app.notifySuccess();
  } catch (err) {
    app.notifyFailure({ reason: app.FailedReason.Other, message: messageOf(err) });
  }
}

void main().catch((err: unknown) => {
  ui.loading.hidden = true;
  showError(err);
});
