import { loadRouting } from '../bot/router-factory.ts';
import { readStdin } from './lib/stdin.ts';

// One question per line in, one JSON object per line out, in input order (classify contract).
const { router } = loadRouting();
const lines = (await readStdin()).split(/\r?\n/).filter((l) => l.trim() !== '');
const out: string[] = [];
for (const text of lines) {
  const r = router.route(text);
  out.push(JSON.stringify({ text, label: r.label, score: r.score, alternatives: r.alternatives }));
}
process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
