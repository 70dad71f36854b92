import { callApi } from './api.ts';
import { decodeDashboard, type Dashboard, type DashboardRole } from './decode.ts';
import { clearError, showError, ui } from './dom.ts';
import { selectInPicker } from './picker.ts';
import { renderAcceptance } from './render-acceptance.ts';
import { renderNotes } from './render-notes.ts';
import { renderPause } from './render-pause.ts';
import { renderPending } from './render-pending.ts';
import { state } from './state.ts';

const ROLE_NAMES: Record<DashboardRole, string> = { member: 'member', admin: 'program admin', operations: 'FastTrack operations' };

export function renderDashboard(d: Dashboard): void {
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

export async function loadLocation(mpnId: string): Promise<void> {
  const seq = ++state.loadSeq;
  const dashboard = decodeDashboard(await callApi(`/api/tab/locations/${encodeURIComponent(mpnId)}`, state.credentials));
  if (seq !== state.loadSeq) return;
  state.dashboard = dashboard;
  renderDashboard(dashboard);
}

/** Opens a location from the picker or the URL; failures are shown, the previous view stays. */
export async function openLocation(mpnId: string): Promise<void> {
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
