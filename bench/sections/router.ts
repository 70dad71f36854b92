import { loadRouting, type LoadedRouting } from '../../bot/router-factory.ts';
import { kindOf, readDevSet, type Kind } from '../dev-set.ts';
import type { Row, Section } from '../section.ts';
import { median, percentileSorted } from '../stats.ts';

export interface RouterBenchOptions {
  readonly builds: number;
  readonly warmupPasses: number;
  readonly rounds: number;
  readonly passesPerRound: number;
}

export const ROUTER_DEFAULTS: RouterBenchOptions = { builds: 3, warmupPasses: 5, rounds: 7, passesPerRound: 25 };

const KINDS: readonly Kind[] = ['faq', 'cmd', 'none'];

/**
 * Router build time and per-message routing latency over the development set, with the router
 * built by loadRouting() exactly as the bot builds it. Each round times every message of several
 * passes one by one; the reported figures are medians over rounds, which shrugs off a round that
 * a neighbour on the machine disturbed.
 */
export function routerSection(o: RouterBenchOptions = ROUTER_DEFAULTS): Section {
  return {
    name: 'router',
    title: 'Router: loadRouting() build, IntentRouter.route() per dev-set message',
    async run() {
      const rows = readDevSet();
      const builds: number[] = [];
      const timedBuild = (): LoadedRouting => {
        const t = performance.now();
        const routing = loadRouting();
        builds.push(performance.now() - t);
        return routing;
      };
      let routing = timedBuild();
      for (let i = 1; i < o.builds; i++) routing = timedBuild();
      const { router } = routing;

      for (let p = 0; p < o.warmupPasses; p++) for (const r of rows) router.route(r.q);

      const p50: number[] = [];
      const p99: number[] = [];
      const mean: number[] = [];
      const kindP50 = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
      for (let round = 0; round < o.rounds; round++) {
        const all: number[] = [];
        const byKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
        for (let p = 0; p < o.passesPerRound; p++) {
          for (const r of rows) {
            const t = performance.now();
            router.route(r.q);
            const ms = performance.now() - t;
            all.push(ms);
            byKind.get(kindOf(r))?.push(ms);
          }
        }
        mean.push(all.reduce((s, x) => s + x, 0) / all.length);
        all.sort((a, b) => a - b);
        p50.push(percentileSorted(all, 0.5));
        p99.push(percentileSorted(all, 0.99));
        for (const [k, v] of byKind) kindP50.get(k)?.push(percentileSorted(v.sort((a, b) => a - b), 0.5));
      }

      const us = (ms: number) => ms * 1000;
      const out: Row[] = [
        { metric: 'build, first (cold)', value: builds[0] ?? Number.NaN, unit: 'ms', note: 'reads KB + training files, fits TF-IDF and softmax' },
        { metric: 'build, median', value: median(builds), unit: 'ms', note: `${builds.length} builds in this process: ${builds.map((b) => b.toFixed(0)).join(', ')} ms` },
        { metric: 'route p50', value: us(median(p50)), unit: 'µs', note: `${o.rounds} rounds x ${o.passesPerRound} passes x ${rows.length} messages` },
        { metric: 'route p99', value: us(median(p99)), unit: 'µs', note: 'median over rounds of the round p99' },
      ];
      for (const k of KINDS) {
        const n = rows.filter((r) => kindOf(r) === k).length;
        out.push({ metric: `route p50, ${k} rows`, value: us(median(kindP50.get(k) ?? [])), unit: 'µs', note: `${n} dev messages` });
      }
      out.push({ metric: 'routes/s on one core', value: 1000 / median(mean), note: 'from the mean time per route' });
      return out;
    },
  };
}
