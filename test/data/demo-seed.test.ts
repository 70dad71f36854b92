import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { loadDemoSeed, type SeedSummary } from '../../data/seed/demo-seed.ts';
import { computeAcceptance, quarterContaining } from '../../domain/acceptance/index.ts';
import type { ProgramEvent } from '../../domain/referrals/types.ts';
import { sequentialIds, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

const NOW = new Date('2026-11-25T12:00:00Z');

type PartEvent = Extract<ProgramEvent, { referralId: string }>;

function isPartEvent(e: ProgramEvent): e is PartEvent {
  return 'referralId' in e;
}

describe('data/seed loadDemoSeed', function () {
  this.timeout(60000);

  let program: TempProgram;
  let summary: SeedSummary;

  before(async () => {
    program = await tempProgram();
    summary = await loadDemoSeed(program.repo, NOW, sequentialIds('seed-'));
  });

  after(async () => {
    await program.cleanup();
  });

  it('loads 8 partners, 15 locations in 5 countries, and 40 referrals into an empty store', () => {
    const read = program.repo.read();
    assert.deepEqual(summary, {
      partners: read.partners().length,
      locations: read.locations().length,
      referrals: read.referrals().length,
      events: read.events().length,
    });
    assert.equal(summary.partners, 8);
    assert.equal(summary.locations, 15);
    assert.equal(summary.referrals, 40);
    assert.equal(new Set(read.locations().map((l) => l.country)).size, 5);
    assert.ok(read.locations().every((l) => read.partner(l.partnerId) !== undefined), 'every location has its partner');
  });

  it('has parts in every state, over the previous and the current fiscal quarter', () => {
    const read = program.repo.read();
    const states = new Map<string, number>();
    for (const r of read.referrals()) for (const a of r.assignments) states.set(a.state, (states.get(a.state) ?? 0) + 1);
    for (const state of ['offered', 'accepted', 'declined', 'expired']) {
      assert.ok((states.get(state) ?? 0) > 0, `some part is ${state}: ${JSON.stringify([...states])}`);
    }
    const quarters = new Set(read.referrals().map((r) => quarterContaining(r.createdAt, 'fiscal-july').label));
    assert.deepEqual([...quarters].sort(), ['FY27-Q1', 'FY27-Q2']);
    assert.ok(read.referrals().some((r) => r.assignments.length > 1), 'some referral was split or reassigned');
    assert.ok(read.referrals().every((r) => Date.parse(r.createdAt) <= NOW.getTime()), 'nothing happens in the future');
    assert.ok(read.events().every((e) => Date.parse(e.at) <= NOW.getTime()), 'no event in the future');
  });

  it('maps the Playground users to their roles', () => {
    const read = program.repo.read();
    const roles = (id: string) => read.user(PLAYGROUND_TENANT, id)?.roles;
    assert.equal(DEMO_MPN.contosoUs, '4100001');
    assert.equal(DEMO_MPN.fabrikamUs, '4100002');
    assert.deepEqual(roles(PLAYGROUND_USERS.alex), [{ role: 'admin', mpnId: '4100001' }]);
    assert.deepEqual(roles(PLAYGROUND_USERS.megan), [{ role: 'member', mpnId: '4100001' }]);
    assert.deepEqual(roles(PLAYGROUND_USERS.adele), [{ role: 'operations', mpnId: null }]);
    assert.deepEqual(roles(PLAYGROUND_USERS.isaiah), [{ role: 'member', mpnId: '4100002' }]);
    assert.equal(read.user(PLAYGROUND_TENANT, PLAYGROUND_USERS.alex)?.name, 'Alex Wilber');
    assert.equal(read.location('4100001')?.name, 'Contoso US');
    assert.equal(read.location('4100002')?.name, 'Fabrikam US');
  });

  it('leaves Contoso US several offers to answer', () => {
    const waiting = program.repo
      .read()
      .referralsOf(DEMO_MPN.contosoUs)
      .filter((r) => r.assignments.some((a) => a.mpnId === DEMO_MPN.contosoUs && a.state === 'offered'));
    assert.ok(waiting.length >= 3, `Contoso US has ${waiting.length} offered referrals`);
  });

  it('keeps the departed and the paused location out of new work', () => {
    const read = program.repo.read();
    const departed = read.location('4400002');
    assert.equal(departed?.status, 'departed');
    assert.deepEqual(read.referralsOf('4400002'), [], 'a departed location never receives work');
    const paused = read.location('4200003');
    assert.ok(paused?.pause !== null && paused?.pause !== undefined, 'Wingtip UK is paused');
    assert.ok(Date.parse(paused.pause.pausedUntil) > NOW.getTime());
    const pausedAt = Date.parse(paused.pause.pausedAt);
    for (const r of read.referralsOf('4200003')) {
      for (const a of r.assignments) if (a.mpnId === '4200003') assert.ok(Date.parse(a.offeredAt) < pausedAt, `${r.id} offered before the pause`);
    }
  });

  it('has a consistent event log: every answer follows an offer to the same location, and acceptance computes', () => {
    const read = program.repo.read();
    const events = read.events();
    const offeredAt = new Map<string, number>();
    const answered = new Set<string>();
    events.forEach((e) => {
      if (!isPartEvent(e)) return;
      const key = `${e.referralId}|${e.mpnId}`;
      if (e.type === 'offered') {
        if (!offeredAt.has(key)) offeredAt.set(key, Date.parse(e.at));
        return;
      }
      if (e.type === 'reassigned') return;
      const offered = offeredAt.get(key);
      assert.ok(offered !== undefined, `${e.type} ${key} has an earlier offer`);
      assert.ok(offered <= Date.parse(e.at), `${key} answered after it was offered`);
      assert.ok(!answered.has(key), `${key} is answered once`);
      answered.add(key);
    });
    // The log is in time order, since the seed replays it on a clock.
    for (let i = 1; i < events.length; i++) {
      assert.ok(Date.parse(events[i - 1]?.at ?? '') <= Date.parse(events[i]?.at ?? ''), `event ${i} is not earlier than ${i - 1}`);
    }
    // Every part has its offer event, and every answered part its answer event.
    for (const r of read.referrals()) {
      for (const a of r.assignments) {
        const own = events.filter((e) => isPartEvent(e) && e.assignmentId === a.id && e.type !== 'reassigned').map((e) => e.type);
        assert.deepEqual(own, a.state === 'offered' ? ['offered'] : ['offered', a.state], `${r.id}/${a.id}`);
      }
    }
    // Round-robin counters equal the parts each location received.
    for (const l of read.locations()) {
      const parts = read.referrals().flatMap((r) => r.assignments.filter((a) => a.mpnId === l.mpnId)).length;
      assert.equal(l.referralsReceived, parts, `${l.mpnId} counter`);
    }
    const report = computeAcceptance({ asOf: NOW.toISOString(), quarters: 'fiscal-july', target: 0.8, events });
    assert.ok(report.rates.length > 0);
    assert.ok(report.rates.some((r) => r.rate !== null && r.rate < 0.8), 'someone is below target');
    assert.ok(report.rates.some((r) => r.meetsTarget === true), 'someone meets it');
  });

  it('is deterministic: the same clock and ids give the same program', async () => {
    const again = await tempProgram();
    try {
      await loadDemoSeed(again.repo, NOW, sequentialIds('seed-'));
      assert.deepEqual(again.store.data, program.store.data);
    } finally {
      await again.cleanup();
    }
  });
});

describe('buildApp and the demo seed', function () {
  this.timeout(60000);

  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seed-app-test-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<{ app: App; logger: ReturnType<typeof memoryLogger> }> {
    const logger = memoryLogger();
    const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', ...env }, process.cwd()), logger, () => NOW);
    return { app, logger };
  }

  const counts = (app: App) => ({
    partners: app.store.data.partners.length,
    locations: app.store.data.locations.length,
    referrals: app.store.data.referrals.length,
    events: app.store.data.events.length,
    users: app.store.data.users.length,
  });
  const seededLogs = (logger: ReturnType<typeof memoryLogger>) => logger.entries.filter((e) => e.message.includes('demo program'));

  it('loads the seed into an empty data dir once; a restart does not seed again', async () => {
    const first = await start();
    const firstCounts = counts(first.app);
    const seededAt = first.app.store.data.seededAt;
    try {
      assert.equal(seededAt, NOW.toISOString());
      assert.deepEqual(firstCounts, { partners: 8, locations: 15, referrals: 40, events: firstCounts.events, users: 4 });
      assert.ok(firstCounts.events > 40);
      assert.equal(seededLogs(first.logger).length, 1);
    } finally {
      await first.app.close();
    }

    const second = await start();
    try {
      assert.deepEqual(counts(second.app), firstCounts);
      assert.equal(second.app.store.data.seededAt, seededAt);
      assert.deepEqual(seededLogs(second.logger), [], 'no second seeding');
      // The restarted app's service works on the seeded program.
      assert.ok(second.app.referrals.acceptance().rates.length > 0);
    } finally {
      await second.app.close();
    }
  });

  it('does not seed when SEED_DEMO_DATA=false', async () => {
    const { app, logger } = await start({ SEED_DEMO_DATA: 'false' });
    try {
      assert.deepEqual(counts(app), { partners: 0, locations: 0, referrals: 0, events: 0, users: 0 });
      assert.equal(app.store.data.seededAt, null);
      assert.deepEqual(seededLogs(logger), []);
    } finally {
      await app.close();
    }
  });
});
