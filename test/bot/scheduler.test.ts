import assert from 'node:assert/strict';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import type { StoreData } from '../../data/store/schema.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { NotificationScheduler } from '../../bot/notifications/scheduler.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { location, newReferral, partner, sequentialIds, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-11-20T10:00:00.000Z');

describe('notification scheduler (fake clock, persisted due times)', () => {
  let program: TempProgram;
  let now: number;
  const clock = (): Date => new Date(now);

  async function parts(store: JsonStore<StoreData>, repo: LowdbProgramRepository) {
    const outbox = new LowdbOutbox(store, repo, clock);
    const service = new ReferralService(repo, clock, sequentialIds(`e${store.data.events.length}-`));
    const scheduler = new NotificationScheduler(service, outbox, memoryLogger(), clock, { checkEveryMs: 60_000, acceptanceEveryMs: 3_600_000, target: 0.8 });
    return { outbox, service, scheduler };
  }

  beforeEach(async () => {
    now = START;
    program = await tempProgram({ partners: [partner('pa', ['Teams'])], locations: [location('5000001', 'pa'), location('5000002', 'pa')] });
    await program.repo.transaction((tx) => tx.putUser({ tenantId: 't', aadObjectId: 'ann', name: 'Ann', roles: [{ role: 'admin', mpnId: '5000001' }, { role: 'admin', mpnId: '5000002' }] }));
  });

  afterEach(async () => {
    await program.cleanup();
  });

  const kinds = (store: JsonStore<StoreData>): string[] =>
    Object.values(store.data.outbox)
      .map((e) => `${e.mpnId}:${e.data.kind}`)
      .sort();

  it('reminds 3 days before a pause ends and announces the end, each once, across ticks and a restart', async () => {
    const { outbox, service, scheduler } = await parts(program.store, program.repo);
    await outbox.remember({ id: 'p-ann', serviceUrl: 'https://smba.trafficmanager.net/amer/', tenantId: 't', scope: 'personal', userAadObjectId: 'ann', teamId: null, channelId: null });
    await service.pause('5000001', '2026-12-10', 'ann');

    now = Date.parse('2026-12-06T23:59:00.000Z');
    assert.deepEqual(await scheduler.tick(), { pausesEnded: [], reminders: 0, alerts: 0 });
    now = Date.parse('2026-12-07T00:00:30.000Z');
    assert.equal((await scheduler.tick()).reminders, 1);
    assert.equal((await scheduler.tick()).reminders, 0, 'a second tick repeats nothing');

    // Restart: a new scheduler on the reopened store still knows the reminder went out.
    const reopened = await program.reopen();
    const again = await parts(reopened.store, reopened.repo);
    now = Date.parse('2026-12-08T00:00:00.000Z');
    assert.equal((await again.scheduler.tick()).reminders, 0);

    now = Date.parse('2026-12-10T00:00:05.000Z');
    assert.deepEqual((await again.scheduler.tick()).pausesEnded, ['5000001']);
    assert.deepEqual((await again.scheduler.tick()).pausesEnded, []);
    assert.deepEqual(kinds(reopened.store), ['5000001:pause-ended', '5000001:pause-ending']);
    assert.equal(reopened.store.data.events.filter((e) => e.type === 'pause-expired').length, 1);
  });

  it('after downtime past the end, the missed work is done once: the end is announced, no late reminder', async () => {
    const { outbox, service, scheduler } = await parts(program.store, program.repo);
    await outbox.remember({ id: 'p-ann', serviceUrl: 'https://smba.trafficmanager.net/amer/', tenantId: 't', scope: 'personal', userAadObjectId: 'ann', teamId: null, channelId: null });
    await service.pause('5000001', '2026-12-10', 'ann');
    await service.pause('5000002', '2026-12-20', 'ann');
    now = Date.parse('2026-12-18T08:00:00.000Z'); // eight days of ticks missed
    const first = await scheduler.tick();
    assert.deepEqual(first.pausesEnded, ['5000001']);
    assert.equal(first.reminders, 1, 'only 5000002 is in its reminder window');
    const ended = program.store.data.events.filter((e) => e.type === 'pause-expired');
    assert.deepEqual(
      ended.map((e) => [e.mpnId, e.at]),
      [['5000001', '2026-12-10T00:00:00.000Z']],
      'the end is recorded when it happened, not when the bot woke up',
    );
    for (let i = 0; i < 5; i++) {
      now += 60_000;
      const t = await scheduler.tick();
      assert.deepEqual([t.pausesEnded.length, t.reminders], [0, 0]);
    }
    assert.deepEqual(kinds(program.store), ['5000001:pause-ended', '5000002:pause-ending']);
  });

  it('alerts a location below the 80% target at most once a week', async () => {
    const { outbox, service, scheduler } = await parts(program.store, program.repo);
    now = Date.parse('2026-11-02T09:00:00.000Z');
    // 5000001 is offered 5 referrals and declines 4: 20% this quarter.
    for (let i = 1; i <= 5; i++) {
      const r = await service.intake(newReferral(`R-${i}`, ['Teams']));
      const part = r.referral.assignments.find((a) => a.mpnId === '5000001');
      if (part === undefined) continue;
      if (i === 1) await service.accept(r.referral.id, part.id, 'ann');
      else await service.decline(r.referral.id, part.id, { code: 'no-capacity', text: null }, 'ann');
    }
    const rate = service.acceptance(new Date(now), ['5000001']).rates.find((r) => r.quarter === 'FY27-Q2');
    assert.ok(rate !== undefined && rate.meetsTarget === false, `5000001 is below target: ${JSON.stringify(rate)}`);

    now = Date.parse('2026-11-25T09:00:00.000Z');
    assert.equal((await scheduler.tick()).alerts, 0, 'nobody to tell yet: not marked either');
    await outbox.remember({ id: 'p-ann', serviceUrl: 'https://smba.trafficmanager.net/amer/', tenantId: 't', scope: 'personal', userAadObjectId: 'ann', teamId: null, channelId: null });
    now += 3_600_000;
    assert.equal((await scheduler.tick()).alerts, 1);
    const alert = Object.values(program.store.data.outbox).find((e) => e.data.kind === 'acceptance-below-target');
    assert.ok(alert?.data.kind === 'acceptance-below-target' && alert.data.acceptNeeded !== null && alert.data.acceptNeeded > 0);
    for (const step of [3_600_000, DAY, 6 * DAY - 2 * 3_600_000]) {
      now += step;
      assert.equal((await scheduler.tick()).alerts, 0, `no second alert ${step} ms later`);
    }
    now += 2 * 3_600_000;
    assert.equal((await scheduler.tick()).alerts, 1, 'a week later, again');
  });
});
