import { computeAcceptance, type AcceptanceEvent, type AcceptanceReport } from '../../domain/acceptance/index.ts';
import { acceptanceEventsOf, contractEventsOf } from '../../domain/referrals/acceptance-events.ts';
import type { ProgramEvent } from '../../domain/referrals/types.ts';
import { breathe, loadRow, timed, verdict, type Timed } from '../measure.ts';
import type { Row, Section } from '../section.ts';
import { median } from '../stats.ts';
import { buildAcceptanceLog, type AcceptanceLog } from '../synthetic/acceptance-log.ts';

export interface AcceptanceBenchOptions {
  /** Acceptance events at 1x; 2x adds a second log as big over the same year and locations. */
  readonly events: number;
  readonly locations: number;
  readonly runs: number;
  /** Runs of the service path at 1x and at 2x; one 2x run costs about 8 s, so it is off by default. */
  readonly serviceRuns: readonly [number, number];
}

export const ACCEPTANCE_DEFAULTS: AcceptanceBenchOptions = { events: 1_000_000, locations: 10_000, runs: 3, serviceRuns: [3, 0] };

const TARGET_MS = 2000;
const LINEAR_SLACK = 1.3;

interface Measured {
  readonly compute: Timed<AcceptanceReport>[];
  /** The service path: map and compute, each timed, per run. */
  readonly service: { readonly map: Timed<unknown>; readonly compute: Timed<unknown>; readonly ms: number; readonly cpuMs: number }[];
}

interface Spent {
  readonly ms: number;
  readonly cpuMs: number;
}
const wall = (ts: readonly Spent[]) => median(ts.map((t) => t.ms));
const cpu = (ts: readonly Spent[]) => median(ts.map((t) => t.cpuMs));
const list = (ts: readonly Spent[]) => ts.map((t) => `${(t.ms / 1000).toFixed(2)} s`).join(', ');
const runs = (n: number) => (n === 1 ? 'one run' : `median of ${n}`);

/**
 * computeAcceptance for every location and quarter over a year's log, as the acceptance report
 * and the bot's rates use it. Two paths: the contract's input (events already in the contract's
 * shape, as `npm run acceptance` gets them), and what ReferralService.acceptance does (map the
 * store's ProgramEvents with acceptanceEventsOf, then compute).
 */
export function acceptanceSection(o: AcceptanceBenchOptions = ACCEPTANCE_DEFAULTS): Section {
  return {
    name: 'acceptance',
    title: `Acceptance: computeAcceptance for all locations, ${o.events.toLocaleString('en-US')} then ${(2 * o.events).toLocaleString('en-US')} events, ${o.locations.toLocaleString('en-US')} locations, 4 quarters`,
    async run() {
      const rows: Row[] = [loadRow('at start')];
      const first = timed(() => buildAcceptanceLog({ events: o.events, locations: o.locations, seed: 101, referralPrefix: 'A' }));
      const one = first.result;
      rows.push(logRow('1x', [one], first.ms));
      const oneInput = contractEventsOf(one.events);
      // Warm-up; it also flattens the concatenated referral keys contractEventsOf builds, as JSON.parse input would be.
      computeAcceptance({ asOf: one.asOf, events: oneInput });
      const m1 = await measure(o.runs, o.serviceRuns[0], one.asOf, oneInput, one.events);
      rows.push(...resultRows('1x', o.events, m1, [one]));

      const second = timed(() => buildAcceptanceLog({ events: o.events, locations: o.locations, seed: 202, referralPrefix: 'B' }));
      const two = second.result;
      const bothEvents = one.events.concat(two.events);
      rows.push(logRow('2x', [one, two], first.ms + second.ms));
      const bothInput = oneInput.concat(contractEventsOf(two.events));
      // The same warm-up as at 1x, so both sizes are timed on keys that were hashed before.
      computeAcceptance({ asOf: one.asOf, events: bothInput });
      const m2 = await measure(o.runs, o.serviceRuns[1], one.asOf, bothInput, bothEvents);
      rows.push(...resultRows('2x', 2 * o.events, m2, [one, two]));

      const ratio = wall(m2.compute) / 2 / wall(m1.compute);
      const serviceRatio = m2.service.length === 0 ? 'not run' : (wall(m2.service) / 2 / wall(m1.service)).toFixed(2);
      rows.push(
        {
          metric: 'scaling: time per event 2x / 1x',
          value: ratio,
          note: `${verdict(ratio <= LINEAR_SLACK)} roughly linear (<= ${LINEAR_SLACK}); CPU-time ratio ${(cpu(m2.compute) / 2 / cpu(m1.compute)).toFixed(2)}; service path ${serviceRatio}`,
        },
        loadRow('at end'),
      );
      return rows;
    },
  };
}

async function measure(runs: number, serviceRuns: number, asOf: string, input: readonly AcceptanceEvent[], events: readonly ProgramEvent[]): Promise<Measured> {
  const compute: Timed<AcceptanceReport>[] = [];
  for (let r = 0; r < runs; r++) {
    await breathe();
    compute.push(timed(() => computeAcceptance({ asOf, quarters: 'fiscal-july', target: 0.8, events: input })));
  }
  const service: Measured['service'] = [];
  for (let r = 0; r < serviceRuns; r++) {
    await breathe();
    const map = timed(() => acceptanceEventsOf(events));
    const computed = timed(() => computeAcceptance({ asOf, quarters: 'fiscal-july', target: 0.8, events: map.result }));
    service.push({ map, compute: computed, ms: map.ms + computed.ms, cpuMs: map.cpuMs + computed.cpuMs });
  }
  return { compute, service };
}

function logRow(tag: string, logs: readonly AcceptanceLog[], ms: number): Row {
  const sum = (f: (l: AcceptanceLog) => number) => logs.reduce((s, l) => s + f(l), 0);
  const offers = sum((l) => l.offers);
  return {
    metric: `${tag} log`,
    value: `${sum((l) => l.acceptanceEvents)} events`,
    note: `${offers} offers, ${((100 * sum((l) => l.answered)) / offers).toFixed(1)}% answered; ${sum((l) => l.events.length)} store events with reassigned; FY26 Q1-Q4; generated in ${(ms / 1000).toFixed(1)} s`,
  };
}

/** The report must account for every offer, or the figure timed is of a wrong computation. */
function checkReport(report: AcceptanceReport, logs: readonly AcceptanceLog[]): string {
  const offers = logs.reduce((s, l) => s + l.offers, 0);
  const answered = logs.reduce((s, l) => s + l.answered, 0);
  let offered = 0;
  let settled = 0;
  const locations = new Set<string>();
  for (const r of report.rates) {
    offered += r.offered;
    settled += r.accepted + r.declined + r.expired;
    locations.add(r.mpnId);
  }
  const ok = offered === offers && settled === answered;
  return `${ok ? 'report ok' : 'REPORT WRONG'}: ${report.rates.length} rows, ${locations.size} locations, ${offered}/${offers} offers, ${settled}/${answered} answers`;
}

function resultRows(tag: string, events: number, m: Measured, logs: readonly AcceptanceLog[]): Row[] {
  const ms = wall(m.compute);
  const report = m.compute[0]?.result;
  const service: Row[] =
    m.service.length === 0
      ? [{ metric: `${tag} acceptanceEventsOf + computeAcceptance`, value: 'not run', note: 'off by default to keep the bench short (serviceRuns in ACCEPTANCE_DEFAULTS)' }]
      : [
          {
            metric: `${tag} acceptanceEventsOf + computeAcceptance`,
            value: wall(m.service),
            unit: 'ms',
            note: `${tag === '1x' ? `${verdict(wall(m.service) < TARGET_MS)}; ` : ''}ReferralService.acceptance's path, from ProgramEvents; ${runs(m.service.length)}: ${list(m.service)}; CPU ${cpu(m.service).toFixed(0)} ms`,
          },
          {
            metric: `${tag}   of which acceptanceEventsOf`,
            value: wall(m.service.map((s) => s.map)),
            unit: 'ms',
            note: `a lazy view of the log (no copy); computeAcceptance over it ${wall(m.service.map((s) => s.compute)).toFixed(0)} ms, keyed by part id`,
          },
        ];
  return [
    {
      metric: `${tag} computeAcceptance, contract-shaped events`,
      value: ms,
      unit: 'ms',
      note: `${tag === '1x' ? `${verdict(ms < TARGET_MS)} (target < ${TARGET_MS} ms); ` : ''}${runs(m.compute.length)}: ${list(m.compute)}; CPU ${cpu(m.compute).toFixed(0)} ms; ${((events / ms) * 1000 / 1e6).toFixed(2)} M events/s; keys already hashed by a warm-up run`,
    },
    ...service,
    { metric: `${tag} report`, value: report === undefined ? '-' : `${report.rates.length} rows`, note: report === undefined ? '' : checkReport(report, logs) },
  ];
}
