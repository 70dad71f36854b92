import type { Row } from './section.ts';
import { fmt } from './stats.ts';

function cell(row: Row): string {
  const value = typeof row.value === 'number' ? fmt(row.value) : row.value;
  return row.unit === undefined ? value : `${value} ${row.unit}`;
}

/** A plain aligned table: metric, value with unit, note. */
export function renderTable(title: string, rows: readonly Row[]): string {
  const metricWidth = Math.max(6, ...rows.map((r) => r.metric.length));
  const valueWidth = Math.max(5, ...rows.map((r) => cell(r).length));
  const lines = [`== ${title}`, `  ${'metric'.padEnd(metricWidth)}  ${'value'.padStart(valueWidth)}  note`];
  for (const r of rows) lines.push(`  ${r.metric.padEnd(metricWidth)}  ${cell(r).padStart(valueWidth)}  ${r.note ?? ''}`.trimEnd());
  return lines.join('\n');
}
