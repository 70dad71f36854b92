import { drawChart } from './chart.ts';
import type { Dashboard } from './decode.ts';
import { el, ui } from './dom.ts';
import { format } from './format.ts';

export function renderAcceptance(d: Dashboard): void {
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
