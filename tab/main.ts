/**
 * The dashboard tab (browser code, bundled by bot/http/tab-static.ts with esbuild).
 *
 * Inside Teams: app.initialize() (raced against a timeout so the page never hangs elsewhere), the
 * context's theme and locale, SSO with authentication.getAuthToken(), then the tab API with
 * `Authorization: Bearer`. In local development, `?as=alex` simulates a Playground user (the
 * server refuses anyone else) and is forwarded to every API call. Outside Teams without `as` the
 * page says it runs in Teams and, when the server is in development mode, links to the
 * development sign-in.
 *
 * Everything the server sends is decoded and checked before use, and every failure is shown in the
 * error area: nothing is swallowed.
 */
import { app, authentication } from '@microsoft/teams-js';
import { ApiError, callApi, messageOf } from './api.ts';
import { loadLocation, openLocation } from './dashboard.ts';
import { decodeLocationAnswer, decodeMe, isRecord, type Me } from './decode.ts';
import { act, announce, el, showError, ui } from './dom.ts';
import { format } from './format.ts';
import { renderPicker } from './picker.ts';
import { renderFooter } from './render-footer.ts';
import { state } from './state.ts';
import { connectToTeams, useTeams } from './teams.ts';

/** The Agents Playground's demo users, for the development sign-in links. */
const DEV_USERS: ReadonlyArray<{ readonly as: string; readonly name: string; readonly what: string }> = [
  { as: 'alex', name: 'Alex Wilber', what: 'program admin of Contoso US (4100001)' },
  { as: 'megan', name: 'Megan Bowen', what: 'member of Contoso US (4100001)' },
  { as: 'adele', name: 'Adele Vance', what: 'FastTrack operations' },
  { as: 'isaiah', name: 'Isaiah Langer', what: 'member of Fabrikam US (4100002)' },
];

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
