import { fork } from 'node:child_process';
import { startConnectorStandIn } from '../connector-stand-in.ts';
import { runLoad } from '../load-driver.ts';
import { readDevSet, kindOf } from '../dev-set.ts';
import { median } from '../stats.ts';
const variants = process.argv.slice(2);
const texts = readDevSet().filter((r) => kindOf(r) === 'faq').map((r) => r.q);
const standIn = await startConnectorStandIn();
const kids = new Map<string, { child: ReturnType<typeof fork>; url: string }>();
const ask = (child: ReturnType<typeof fork>, type: string) => new Promise<Record<string, unknown>>((res) => { const on = (m: Record<string, unknown>) => { if (m['type'] === type) { child.off('message', on); res(m); } }; child.on('message', on); if (type !== 'ready') child.send({ type }); });
for (const v of variants) {
  const child = fork(new URL('./variant-child.ts', import.meta.url), [v], { execArgv: ['--import', 'tsx', '--no-deprecation'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await ask(child, 'ready');
  kids.set(v, { child, url: url as string });
  await runLoad({ url: url as string, standIn, users: 32, texts, runId: `${v}w`, warmupMs: 0, durationMs: 1500, timeoutMs: 5000 });
}
const cpu = new Map<string, number[]>(variants.map((v) => [v, []]));
for (let round = 0; round < 8; round++) {
  for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
    const k = kids.get(v)!;
    const c0 = (await ask(k.child, 'cpu'))['micros'] as number;
    const r = await runLoad({ url: k.url, standIn, users: 32, texts, runId: `${v}${round}`, warmupMs: 200, durationMs: 1500, timeoutMs: 5000 });
    const c1 = (await ask(k.child, 'cpu'))['micros'] as number;
    cpu.get(v)!.push((c1 - c0) / 1000 / r.ok);
  }
}
for (const v of variants) console.log(v.padEnd(16), 'cpu ms/msg', median(cpu.get(v)!).toFixed(2), cpu.get(v)!.map((x) => x.toFixed(2)).join(' '));
for (const k of kids.values()) k.child.kill();
await standIn.close();
