import { Matcher, type MatcherInput } from '../../domain/matching/index.ts';
import type { MatchResult } from '../../domain/matching/types.ts';
import { matchingLocation } from '../../domain/referrals/matcher-cache.ts';
import { breathe, loadRow, timed, verdict } from '../measure.ts';
import type { Row, Section } from '../section.ts';
import { median } from '../stats.ts';
import { AS_OF, COUNTRIES, WORKLOADS, buildNetwork } from '../synthetic/network.ts';
import { buildReferrals, requestsOf } from '../synthetic/referrals.ts';
import { describeMix, meanScanLength, outcomeMix } from './matching-profile.ts';

export interface MatchingBenchOptions {
  /** Locations at 1x; 2x doubles them, and the partners with them. */
  readonly locations: number;
  /** Referrals at 1x: the round-robin history (counters sum to it) and the measured batch. */
  readonly referrals: number;
  readonly builds: number;
  readonly runs: number;
  /** No further run starts once a size's measured runs took this long (2x runs take seconds each). */
  readonly maxMeasureMs: number;
  /** Matched once per size before measuring, so the JIT has compiled the scan. */
  readonly warmupReferrals: number;
  /** Explaining is far slower, so only this many referrals are timed with it. */
  readonly explainReferrals: number;
}

export const MATCHING_DEFAULTS: MatchingBenchOptions = {
  locations: 10_000,
  referrals: 100_000,
  builds: 3,
  runs: 3,
  maxMeasureMs: 12_000,
  warmupReferrals: 20_000,
  explainReferrals: 500,
};

const TARGET_PER_SECOND = 20_000;
/** Per-referral cost may grow this much when the size doubles and still count as roughly linear. */
const LINEAR_SLACK = 1.3;

interface SizeResult {
  readonly scale: number;
  readonly rows: Row[];
  /** Median wall time per referral, explain off. */
  readonly msPerReferral: number;
  readonly cpuMsPerReferral: number;
  readonly scanLength: number;
}

/**
 * Matcher.matchAll throughput on a synthetic network shaped like the program (see
 * synthetic/network.ts), at the issue's size and at double it. Every run gets a fresh Matcher
 * from the same input, so each starts from the same counters; the Matcher build is timed apart.
 */
export function matchingSection(o: MatchingBenchOptions = MATCHING_DEFAULTS): Section {
  return {
    name: 'matching',
    title: `Matching: Matcher.matchAll in memory, ${o.locations.toLocaleString('en-US')} locations / ${o.referrals.toLocaleString('en-US')} referrals, then 2x`,
    async run() {
      const rows: Row[] = [loadRow('at start')];
      const sizes: SizeResult[] = [];
      for (const scale of [1, 2]) {
        const size = await measureSize(o, scale);
        sizes.push(size);
        rows.push(...size.rows);
      }
      const [one, two] = sizes;
      if (one !== undefined && two !== undefined) {
        const ratio = two.msPerReferral / one.msPerReferral;
        const cpuRatio = two.cpuMsPerReferral / one.cpuMsPerReferral;
        const scanRatio = two.scanLength / one.scanLength;
        rows.push(
          {
            metric: 'scaling: time per referral 2x / 1x',
            value: ratio,
            note: `${verdict(ratio <= LINEAR_SLACK)} roughly linear (<= ${LINEAR_SLACK}); CPU-time ratio ${cpuRatio.toFixed(2)}; 1 = per-referral cost independent of size`,
          },
          {
            metric: 'scaling: candidate list 2x / 1x',
            value: scanRatio,
            note: `a linear scan would visit ${one.scanLength.toFixed(0)} -> ${two.scanLength.toFixed(0)} locations per referral; the ranked index does not, so time need not follow it`,
          },
        );
      }
      rows.push(loadRow('at end'));
      return rows;
    },
  };
}

async function measureSize(o: MatchingBenchOptions, scale: number): Promise<SizeResult> {
  const tag = `${scale}x`;
  const locationsWanted = o.locations * scale;
  const referrals = o.referrals * scale;
  const gen = timed(() => {
    const network = buildNetwork({ locations: locationsWanted, historyReferrals: referrals, seed: 7001 * scale });
    const batch = requestsOf(buildReferrals(network, referrals, 9001 * scale));
    const input: MatcherInput = { asOf: AS_OF, locations: network.locations.map(matchingLocation), partners: network.partners };
    return { network, batch, input };
  });
  const { network, batch, input } = gen.result;

  const builds: number[] = [];
  for (let b = 0; b < o.builds; b++) builds.push(timed(() => new Matcher(input)).ms);
  new Matcher(input).matchAll(batch.slice(0, o.warmupReferrals), { explain: false });

  const wall: number[] = [];
  const cpu: number[] = [];
  let first: MatchResult[] = [];
  for (let r = 0; r < o.runs && (r === 0 || wall.reduce((a, b) => a + b, 0) < o.maxMeasureMs); r++) {
    const matcher = new Matcher(input);
    await breathe();
    const run = timed(() => matcher.matchAll(batch, { explain: false }));
    wall.push(run.ms);
    cpu.push(run.cpuMs);
    if (r === 0) first = run.result;
  }
  const explainBatch = batch.slice(0, o.explainReferrals);
  const explainMatcher = new Matcher(input);
  await breathe();
  const explained = timed(() => explainMatcher.matchAll(explainBatch, { explain: 'customer-country' }));
  const lines = explained.result.reduce((s, r) => s + r.explanation.length, 0) / Math.max(1, explainBatch.length);

  const ms = median(wall);
  const perSecond = (referrals * 1000) / ms;
  const cpuPerSecond = (referrals * 1000) / median(cpu);
  const scanLength = meanScanLength(AS_OF, input.locations, input.partners, batch, first);
  const nsPerScanned = (ms * 1e6) / referrals / Math.max(1, scanLength);
  const locs = network.locations;
  const paused = input.locations.filter((l) => l.pausedUntil !== null && l.pausedUntil > AS_OF).length;
  const specs = network.partners.flatMap((p) => p.specializations);
  const expired = specs.filter((s) => s.expires < AS_OF).length;

  const rows: Row[] = [
    {
      metric: `${tag} network`,
      value: `${locs.length} locations`,
      note: `${network.partners.length} partners, ${COUNTRIES.length} countries, ${WORKLOADS.length} workloads; departed ${locs.filter((l) => l.status === 'departed').length}, paused ${paused}; ${expired}/${specs.length} specializations expired; counters sum ${locs.reduce((s, l) => s + l.referralsReceived, 0)}; generated in ${(gen.ms / 1000).toFixed(1)} s`,
    },
    { metric: `${tag} Matcher build`, value: median(builds), unit: 'ms', note: `${builds.length === 1 ? 'one build, cold' : `median of ${builds.length}: ${builds.map((b) => b.toFixed(0)).join(', ')} ms (first is cold)`}` },
    {
      metric: `${tag} matchAll, explain off`,
      value: Math.round(perSecond),
      unit: 'referrals/s',
      note: `${verdict(perSecond >= TARGET_PER_SECOND)} (target >= ${TARGET_PER_SECOND}); ${referrals} referrals, ${wall.length === 1 ? 'one run' : `median of ${wall.length} runs`}: ${wall.map((w) => `${(w / 1000).toFixed(2)} s`).join(', ')}`,
    },
    { metric: `${tag} matchAll, explain off, by CPU time`, value: Math.round(cpuPerSecond), unit: 'referrals/s', note: 'per CPU-second of the whole process (GC threads included); neighbours move it less than wall time' },
    {
      metric: `${tag} matchAll, explain customer-country`,
      value: Math.round((explainBatch.length * 1000) / explained.ms),
      unit: 'referrals/s',
      note: `what the bot's operations use; first ${explainBatch.length} referrals, one run; ${lines.toFixed(0)} explanation lines per referral`,
    },
    { metric: `${tag} outcomes`, value: referrals, unit: 'referrals', note: describeMix(outcomeMix(first), referrals) },
    { metric: `${tag} candidate list per referral`, value: scanLength, note: `locations a linear scan would visit; ${nsPerScanned.toFixed(1)} ns of matching per such location` },
  ];
  return { scale, rows, msPerReferral: ms / referrals, cpuMsPerReferral: median(cpu) / referrals, scanLength };
}
