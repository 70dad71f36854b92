import os from 'node:os';
import { parseArgs } from 'node:util';
import { ACCEPTANCE_DEFAULTS, acceptanceSection } from '../bench/sections/acceptance.ts';
import { FAQ_DEFAULTS, faqThroughputSection } from '../bench/sections/faq-throughput.ts';
import { MATCHING_DEFAULTS, matchingSection } from '../bench/sections/matching.ts';
import { MIXED_LOAD_DEFAULTS, mixedLoadSection } from '../bench/sections/mixed-load.ts';
import { NOTIFICATIONS_DEFAULTS, notificationsSection } from '../bench/sections/notifications.ts';
import { REASSIGN_DEFAULTS, reassignSection } from '../bench/sections/reassign.ts';
import { ROUTER_DEFAULTS, routerSection } from '../bench/sections/router.ts';
import type { Row, Section } from '../bench/section.ts';
import { renderTable } from '../bench/table.ts';

/*
 * npm run bench [-- --only router,faq,matching,reassign,acceptance,notifications,notifications-hot,mixed-load] [-- --in-process] [-- --quick]
 *
 * Performance lives here, never in tests. The machine is small (2 cores) and shared, so every
 * section warms up, repeats, and reports medians. Everything runs on localhost and every loop is
 * bounded in count and time.
 */

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'in-process': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});

const quick = values.quick ?? false;

/** Later issues append their section here. */
const sections: readonly Section[] = [
  routerSection(quick ? { ...ROUTER_DEFAULTS, builds: 1, rounds: 2, passesPerRound: 5 } : ROUTER_DEFAULTS),
  faqThroughputSection({
    ...FAQ_DEFAULTS,
    ...(quick ? { pairs: 1, windowMs: 1000, serverWarmupMs: 500 } : {}),
    placement: values['in-process'] ? 'in-process' : 'child',
  }),
  // --quick keeps the sizes the targets are about and cuts repetitions and time windows.
  matchingSection(quick ? { ...MATCHING_DEFAULTS, builds: 1, runs: 1, warmupReferrals: 5_000, explainReferrals: 200 } : MATCHING_DEFAULTS),
  reassignSection(
    quick
      ? { ...REASSIGN_DEFAULTS, sequentialOps: 10, sequentialMs: 1_000, concurrentMs: 1_500, profiledMs: 1_000, breakdownRepeats: 1, breakdownOps: 50 }
      : REASSIGN_DEFAULTS,
  ),
  acceptanceSection(quick ? { ...ACCEPTANCE_DEFAULTS, runs: 1, serviceRuns: [1, 0] } : ACCEPTANCE_DEFAULTS),
  // Paced by the worker's global rate (40/s): ~125 s for 5,000, ~12.5 s for --quick's 500.
  notificationsSection(quick ? { ...NOTIFICATIONS_DEFAULTS, conversations: 50 } : NOTIFICATIONS_DEFAULTS),
  // A few busy conversations: Teams' per-thread limits (7 in 1 s, 8 in 2 s, 60 in 30 s) bind.
  notificationsSection({ ...NOTIFICATIONS_DEFAULTS, name: 'notifications-hot', pacedBy: 'thread', conversations: 3, channelsPerLocation: 1, perConversation: quick ? 20 : 70 }),
  // FAQ-only and mixed load at 32 and 128 users (15 s per cell; 4 s with --quick), then memory and
  // disk with a 100,000-referral store (10,000 with --quick).
  mixedLoadSection(quick ? { ...MIXED_LOAD_DEFAULTS, cellMs: 4_000, cellWarmupMs: 500, serverWarmupMs: 1_000, storeReferrals: 10_000 } : MIXED_LOAD_DEFAULTS),
];

const wanted = (values.only ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = wanted.length === 0 ? sections : sections.filter((s) => wanted.includes(s.name));

// The load average tells the reader how crowded the shared machine was during this run.
console.log(`bench: node ${process.version}, ${os.cpus().length} cpus, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const started = performance.now();
let failed = false;
for (const section of chosen) {
  const t = performance.now();
  let rows: Row[];
  try {
    rows = await section.run();
  } catch (err) {
    failed = true;
    rows = [{ metric: 'FAILED', value: err instanceof Error ? err.message : String(err) }];
  }
  console.log(`\n${renderTable(section.title, rows)}\n  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
console.log(`\nbench done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (failed) process.exitCode = 1;
