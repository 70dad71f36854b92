import { startConnectorStandIn, type StandInCounts } from '../connector-stand-in.ts';
import { kindOf, readDevSet } from '../dev-set.ts';
import { launch, type Placement, type ServerKind } from '../launch.ts';
import { runLoad, type LoadResult } from '../load-driver.ts';
import type { Row, Section } from '../section.ts';
import type { ServerUnderTest } from '../server-under-test.ts';
import { median, percentile } from '../stats.ts';

export interface FaqBenchOptions {
  readonly placement: Placement;
  readonly users: number;
  /** Echo/FAQ pairs of measured windows; pairs alternate their order to cancel drift. */
  readonly pairs: number;
  readonly windowMs: number;
  /** Refills the closed loop at the start of each window; not counted. */
  readonly windowWarmupMs: number;
  /** One uncounted run per server first, so both are JIT-warm before any window. */
  readonly serverWarmupMs: number;
  readonly timeoutMs: number;
}

export const FAQ_DEFAULTS: FaqBenchOptions = {
  placement: 'child',
  users: 32,
  pairs: 6,
  windowMs: 1500,
  windowWarmupMs: 300,
  serverWarmupMs: 1500,
  timeoutMs: 5000,
};

const TARGET_RATIO = 0.8;

/** The dev set's FAQ questions: the messages every FAQ load (this section, mixed-load) sends. */
export function faqTexts(): string[] {
  return readDevSet()
    .filter((r) => kindOf(r) === 'faq')
    .map((r) => r.q);
}

/** The bare botbuilder + restify echo bot the real bot's throughput is compared with. */
export function launchEchoBot(placement: Placement): Promise<ServerUnderTest> {
  return launch('echo', placement);
}

/** Everything one server did, measured windows and warm-up alike. */
interface Tally {
  readonly windows: LoadResult[];
  /** Server-process CPU per answered message, one figure per measured window. */
  readonly cpuMsPerMessage: number[];
  sent: number;
  answered: number;
  non200: number;
  requestErrors: number;
  missingReplies: number;
  replyBytes: number;
  replies: number;
}

function tally(): Tally {
  return { windows: [], cpuMsPerMessage: [], sent: 0, answered: 0, non200: 0, requestErrors: 0, missingReplies: 0, replyBytes: 0, replies: 0 };
}

const errorsOf = (t: Tally) => t.non200 + t.requestErrors + t.missingReplies;

/**
 * End-to-end FAQ messages per second through POST /api/messages of the real bot, against a bare
 * botbuilder + restify echo bot under the same driver, stand-in and concurrency. A message counts
 * when its POST returned 200 and its reply reached the connector stand-in.
 *
 * Two ratios are printed. The throughput ratio is the one the target is about; on a shared
 * machine it swings with the neighbours' load, so each pair runs back to back and the median pair
 * is reported. The CPU ratio (server CPU per message, echo over FAQ) says the same thing for a
 * CPU-bound server and is moved less by other processes (idle and stolen time do not count in
 * it), though cache and core sharing still move it.
 */
export function faqThroughputSection(o: FaqBenchOptions = FAQ_DEFAULTS): Section {
  return {
    name: 'faq',
    title: `End-to-end FAQ throughput: real bot vs botbuilder echo bot (${o.users} users, servers ${o.placement})`,
    async run() {
      const texts = faqTexts();
      const standIn = await startConnectorStandIn();
      const started: ServerUnderTest[] = [];
      const start = async (kind: ServerKind) => {
        const server = await launch(kind, o.placement);
        started.push(server);
        return server;
      };
      try {
        // One after the other: the real bot's start-up (router build) must not overlap the echo's.
        const servers: Record<ServerKind, ServerUnderTest> = { echo: await start('echo'), real: await start('real') };
        const tallies: Record<ServerKind, Tally> = { echo: tally(), real: tally() };
        let runNo = 0;
        const window = async (kind: ServerKind, warmupMs: number, durationMs: number, measured: boolean) => {
          const server = servers[kind];
          const t = tallies[kind];
          const before = standIn.counts();
          const cpuBefore = await server.cpuMicros();
          const r = await runLoad({
            url: server.url,
            standIn,
            users: o.users,
            texts,
            runId: `${kind}${runNo++}`,
            warmupMs,
            durationMs,
            timeoutMs: o.timeoutMs,
          });
          const cpuMs = ((await server.cpuMicros()) - cpuBefore) / 1000;
          const after = standIn.counts();
          if (measured) {
            t.windows.push(r);
            t.cpuMsPerMessage.push(cpuMs / Math.max(1, r.ok));
          }
          t.sent += r.sent;
          t.answered += r.ok;
          t.non200 += r.non200;
          t.requestErrors += r.requestErrors;
          t.missingReplies += r.missingReplies;
          t.replies += after.received - before.received;
          t.replyBytes += after.bytes - before.bytes;
          return r.perSecond;
        };

        await window('echo', 0, o.serverWarmupMs, false);
        await window('real', 0, o.serverWarmupMs, false);
        const ratios: number[] = [];
        for (let pair = 0; pair < o.pairs; pair++) {
          // Alternating the order cancels a machine that gets slower or faster during the run.
          const echoFirst = pair % 2 === 0;
          const first = await window(echoFirst ? 'echo' : 'real', o.windowWarmupMs, o.windowMs, true);
          const second = await window(echoFirst ? 'real' : 'echo', o.windowWarmupMs, o.windowMs, true);
          ratios.push(echoFirst ? second / first : first / second);
        }

        const realReport = await servers.real.report();
        const echoReport = await servers.echo.report();
        return rows(o, tallies, ratios, standIn.counts(), realReport, echoReport);
      } finally {
        for (const server of started) await server.close();
        await standIn.close();
      }
    },
  };
}

function rows(
  o: FaqBenchOptions,
  { echo, real }: Record<ServerKind, Tally>,
  ratios: readonly number[],
  standIn: StandInCounts,
  realReport: Record<string, number>,
  echoReport: Record<string, number>,
): Row[] {
  const cpuWhose = o.placement === 'child' ? 'server process' : 'whole process, driver included';
  const perServer = (name: string, t: Tally): Row[] => {
    const rates = t.windows.map((w) => w.perSecond);
    return [
      { metric: `${name} messages/s`, value: median(rates), note: `median of ${rates.length} windows of ${o.windowMs} ms: ${rates.map((r) => r.toFixed(0)).join(', ')}` },
      { metric: `${name} latency p50`, value: median(t.windows.map((w) => percentile(w.latenciesMs, 0.5))), unit: 'ms', note: 'POST start until 200 and reply at stand-in; median over windows' },
      { metric: `${name} latency p99`, value: median(t.windows.map((w) => percentile(w.latenciesMs, 0.99))), unit: 'ms' },
      { metric: `${name} CPU per message`, value: median(t.cpuMsPerMessage), unit: 'ms', note: `${cpuWhose}; median over windows` },
      { metric: `${name} reply size`, value: t.replyBytes / Math.max(1, t.replies), unit: 'B', note: 'mean activity body at the stand-in' },
      {
        metric: `${name} errors`,
        value: errorsOf(t),
        note: `non-200 ${t.non200}, request errors ${t.requestErrors}, missing replies ${t.missingReplies}; ${t.answered}/${t.sent} answered incl. warm-up`,
      },
    ];
  };
  const ratio = median(ratios);
  const cpuRatio = median(echo.cpuMsPerMessage) / median(real.cpuMsPerMessage);
  const clean = errorsOf(echo) + errorsOf(real) === 0;
  const verdict = ratio >= TARGET_RATIO && clean ? 'PASS' : 'FAIL';
  return [
    ...perServer('echo', echo),
    ...perServer('faq', real),
    {
      metric: 'ratio faq/echo messages/s',
      value: ratio,
      note: `${verdict} (target >= ${TARGET_RATIO} with 0 errors); per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
    },
    { metric: 'ratio echo/faq CPU per message', value: cpuRatio, note: 'the throughput ratio a CPU-bound server would reach without neighbours' },
    {
      metric: 'replies at stand-in',
      value: standIn.received,
      note: `answered ${echo.answered + real.answered}; unexpected ${standIn.unexpected}, malformed ${standIn.malformed}`,
    },
    {
      metric: 'faq not-sure replies stored',
      value: realReport['unansweredStored'] ?? Number.NaN,
      note: `one store write each; file ${realReport['storeFileBytes'] ?? '?'} B; bot log errors ${realReport['logErrors'] ?? '?'}, warnings ${realReport['logWarnings'] ?? '?'}`,
    },
    { metric: 'echo turn errors', value: echoReport['turnErrors'] ?? Number.NaN },
  ];
}
