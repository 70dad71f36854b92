import type { Dashboard } from './decode.ts';
import { el, ui } from './dom.ts';
import { dayString, format, utcToday } from './format.ts';

const MAX_PAUSE_DAYS = 30;
const DEFAULT_PAUSE_DAYS = 14;

export function renderPause(d: Dashboard): void {
  const pause = d.location.pause;
  if (pause === null) {
    ui.pauseState.textContent = 'Referrals are on';
    ui.pauseDetail.textContent =
      d.location.status === 'departed' ? 'This location has left the program and receives no referrals.' : 'This location receives new referrals.';
  } else {
    const until = pause.pausedUntil.slice(0, 10);
    ui.pauseState.replaceChildren('Paused until ', el('time', { text: format.day(until), attrs: { datetime: until } }));
    ui.pauseDetail.textContent = `Paused on ${format.instant(pause.pausedAt)} by ${pause.pausedByName ?? 'a program admin'}. Referrals resume automatically on ${format.day(pause.pausedUntil)} (00:00 UTC).`;
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
