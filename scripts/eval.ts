import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRouting } from '../bot/router-factory.ts';
import { DEFAULT_ROUTER_OPTIONS } from '../dialogs/router/intent-router.ts';

interface Row {
  readonly q: string;
  readonly expect: readonly string[];
}

const { values } = parseArgs({
  options: {
    file: { type: 'string', multiple: true },
    calibrate: { type: 'boolean', default: false },
    errors: { type: 'boolean', default: false },
  },
});
const files = values.file ?? [new URL('../../shared/eval/intents-dev.jsonl', import.meta.url).pathname];

function readRows(file: string): Row[] {
  return readFileSync(file, 'utf-8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

function kindOf(row: Row): 'faq' | 'cmd' | 'none' {
  const first = row.expect[0] ?? 'none';
  return first === 'none' ? 'none' : first.startsWith('cmd:') ? 'cmd' : 'faq';
}

function evaluate(rows: readonly Row[], threshold: number, showErrors: boolean) {
  const { router } = loadRouting({ ...DEFAULT_ROUTER_OPTIONS, threshold });
  const byKind = { faq: [0, 0], cmd: [0, 0], none: [0, 0] };
  for (const row of rows) {
    const r = router.route(row.q);
    const ok = row.expect.includes(r.label);
    const k = byKind[kindOf(row)];
    k[1] = (k[1] ?? 0) + 1;
    if (ok) k[0] = (k[0] ?? 0) + 1;
    else if (showErrors) console.log(`  miss: ${JSON.stringify(row.q)} expected ${row.expect.join('|')} got ${r.label} (${r.score}) alt ${r.alternatives.join(',')}`);
  }
  const total = Object.values(byKind).reduce((s, [h, n]) => [s[0]! + h!, s[1]! + n!], [0, 0]);
  return { byKind, total };
}

const pct = (h: number, n: number) => (n === 0 ? 'n/a' : `${((100 * h) / n).toFixed(1)}% (${h}/${n})`);

for (const file of files) {
  const rows = readRows(file);
  if (values.calibrate) {
    console.log(`threshold sweep on ${file}`);
    for (let t = 0.1; t <= 0.5001; t += 0.02) {
      const { byKind, total } = evaluate(rows, t, false);
      console.log(`  ${t.toFixed(2)}  overall ${pct(total[0]!, total[1]!)}  faq ${pct(byKind.faq[0]!, byKind.faq[1]!)}  cmd ${pct(byKind.cmd[0]!, byKind.cmd[1]!)}  none ${pct(byKind.none[0]!, byKind.none[1]!)}`);
    }
    continue;
  }
  const { byKind, total } = evaluate(rows, DEFAULT_ROUTER_OPTIONS.threshold, values.errors ?? false);
  console.log(`routing accuracy on ${file}`);
  console.log(`  overall ${pct(total[0]!, total[1]!)}`);
  console.log(`  faq     ${pct(byKind.faq[0]!, byKind.faq[1]!)}`);
  console.log(`  cmd     ${pct(byKind.cmd[0]!, byKind.cmd[1]!)}`);
  console.log(`  none    ${pct(byKind.none[0]!, byKind.none[1]!)}`);
}
