import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration, type Plugin } from 'chart.js';
import type { QuarterRate } from './decode.ts';
import { ui } from './dom.ts';
import { format } from './format.ts';
import { state } from './state.ts';

// Only what the bar chart uses, so that the bundle leaves out the rest of chart.js.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';
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
      // Where the line really went, for checks that cannot read a canvas (tests, audits): set only once drawn.
      chart.canvas.dataset['targetPercent'] = String(percent);
      chart.canvas.dataset['targetY'] = String(y);
    },
  };
}

export function drawChart(quarters: readonly QuarterRate[], target: number): void {
  state.chart?.destroy();
  delete ui.rateChart.dataset['targetPercent'];
  delete ui.rateChart.dataset['targetY'];
  const text = cssVar('--text');
  const grid = cssVar('--grid');
  const bar = cssVar('--bar');
  const below = cssVar('--bar-below');
  const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);
  const colors = quarters.map((q) => (q.meetsTarget === false ? below : bar));
  const plotted = quarters.map((q) => percent(q.rate));
  // The plotted values in machine-readable form, beside the aria-label and the table people read.
  ui.rateChart.dataset['rates'] = JSON.stringify(quarters.map((q, i) => ({ quarter: q.quarter, percent: plotted[i] ?? null })));
  const config: ChartConfiguration<'bar', Array<number | null>, string> = {
    type: 'bar',
    data: {
      labels: quarters.map((q) => q.quarter),
      datasets: [{ label: 'Acceptance rate', data: plotted, backgroundColor: colors, borderColor: colors, borderWidth: 1 }],
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
