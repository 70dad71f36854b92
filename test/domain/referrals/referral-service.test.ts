import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDemoSeed } from '../../../data/seed/demo-seed.ts';
import { computeAcceptance } from '../../../domain/acceptance/index.ts';
import type { AcceptanceEvent, AcceptanceReport } from '../../../domain/acceptance/index.ts';
import { contractEventsOf } from '../../../domain/referrals/acceptance-events.ts';
import { DomainError } from '../../../domain/errors.ts';
import { PAUSE_RULE } from '../../../domain/pause/index.ts';
import { ReferralService } from '../../../domain/referrals/referral-service.ts';
import type { LocationRecord, ProgramEvent, Referral, ReferralAssignment } from '../../../domain/referrals/types.ts';
import {
  customer,
  location,
  newReferral,
  partner,
  rejection,
  sequentialIds,
  snapshot,
  tempProgram,
  type TempProgram,
} from '../../helpers/program-fixture.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const START = '2026-11-25T12:00:00Z';
const DAY = 86_400_000;

function assertDomainError(err: unknown, code: string): DomainError {
  assert.ok(err instanceof DomainError, `expected a DomainError ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.ok(err.message.trim().length > 0, 'the error says what is wrong');
  return err;
}

type EventOf<T extends ProgramEvent['type']> = ProgramEvent & { readonly type: T };

function eventsOf<T extends ProgramEvent['type']>(events: readonly ProgramEvent[], type: T): Array<EventOf<T>> {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `expected exactly one ${what}, got ${items.length}`);
  const [item] = items;
  assert.ok(item !== undefined);
  return item;
}

function mustReferral(program: TempProgram, id: string): Referral {
  const r = program.repo.read().referral(id);
  assert.ok(r !== undefined, `referral ${id} is stored`);
  return r;
}

function mustLocation(program: TempProgram, mpnId: string): LocationRecord {
  const l = program.repo.read().location(mpnId);
  assert.ok(l !== undefined, `location ${mpnId} is stored`);
  return l;
}

function offeredParts(referral: Referral): ReferralAssignment[] {
  return referral.assignments.filter((a) => a.state === 'offered');
}

function counters(program: TempProgram): Record<string, number> {
  return Object.fromEntries(program.repo.read().locations().map((l) => [l.mpnId, l.referralsReceived]));
}

/** Runs the acceptance contract's command on `input` and returns its parsed stdout. */
function runAcceptanceCli(input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/acceptance.ts'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf-8');
      if (code !== 0) {
        reject(new Error(`acceptance CLI exited ${String(code)}: ${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf-8')) as unknown);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

describe('domain/referrals ReferralService (over a real lowdb repository)', function () {
  this.timeout(30000);

  // Three US locations of three partners, all endorsed for Teams; only A's partner for Intune.
  const A = '5000001';
  const B = '5000002';
  const C = '5000003';
  // The only location that can serve a British customer.
  const G = '5200001';

  let now: Date;
  let program: TempProgram;
  let service: ReferralService;

  let instances = 0;
  /** Another service instance over the same repository, with its own matcher cache and ids. */
  function svc(): ReferralService {
    return new ReferralService(program.repo, () => now, sequentialIds(`svc${++instances}-`));
  }

  async function open(locations: readonly LocationRecord[], partners = [partner('pa', ['Teams', 'Intune']), partner('pb', ['Teams']), partner('pc', ['Teams']), partner('pg', ['Teams'])]): Promise<void> {
    program = await tempProgram({ partners, locations });
    service = new ReferralService(program.repo, () => now, sequentialIds('id-'));
  }

  const threeUs = (): LocationRecord[] => [location(A, 'pa'), location(B, 'pb'), location(C, 'pc'), location(G, 'pg', { country: 'GB' })];

  beforeEach(() => {
    now = new Date(START);
  });

  afterEach(async () => {
    await program.cleanup();
  });

  describe('intake', () => {
    beforeEach(async () => {
      await open(threeUs());
    });

    it('matches a referral, records one offered event per part and bumps the receivers’ counters', async () => {
      const first = await service.intake(newReferral('R-1', ['Teams']));
      assert.equal(first.created, true);
      const part = only(first.referral.assignments, 'assignment');
      assert.equal(part.mpnId, A, 'all counters are 0: the smallest MPN ID wins');
      assert.deepEqual(part.workloads, ['Teams']);
      assert.equal(part.basis, 'round-robin');
      assert.equal(part.state, 'offered');
      assert.equal(part.offeredAt, now.toISOString());
      assert.equal(part.answeredAt, null);
      assert.equal(part.answeredBy, null);
      assert.equal(part.declineReason, null);
      assert.deepEqual(first.referral.ftc, []);
      assert.deepEqual(mustReferral(program, 'R-1'), first.referral, 'the stored referral is the one returned');

      const second = await service.intake(newReferral('R-2', ['Teams']));
      assert.equal(only(second.referral.assignments, 'assignment').mpnId, B, 'round robin: A already received one');
      const third = await service.intake(newReferral('R-3', ['Teams', 'Intune']));
      assert.equal(only(third.referral.assignments, 'assignment').mpnId, A, 'only A covers Teams and Intune');

      assert.deepEqual(counters(program), { [A]: 2, [B]: 1, [C]: 0, [G]: 0 });
      const offered = eventsOf(program.repo.read().events(), 'offered');
      assert.deepEqual(
        offered.map((e) => [e.referralId, e.mpnId, e.assignmentId, e.actor, e.at, [...e.workloads]]),
        [
          ['R-1', A, part.id, 'intake', START.replace('Z', '.000Z'), ['Teams']],
          ['R-2', B, second.referral.assignments[0]?.id, 'intake', START.replace('Z', '.000Z'), ['Teams']],
          ['R-3', A, third.referral.assignments[0]?.id, 'intake', START.replace('Z', '.000Z'), ['Teams', 'Intune']],
        ],
      );
      assert.equal(new Set(program.repo.read().events().map((e) => e.id)).size, program.repo.read().events().length, 'event ids are unique');
    });

    it('records a FastTrack Center part when no location is eligible, and offers nothing', async () => {
      const before = counters(program);
      const result = await service.intake(newReferral('R-FR', ['Teams'], { customer: customer({ country: 'FR', language: 'fr' }) }));
      assert.equal(result.created, true);
      assert.deepEqual(result.referral.assignments, []);
      assert.deepEqual(result.referral.ftc, [{ workloads: ['Teams'], at: now.toISOString() }]);
      assert.deepEqual(eventsOf(program.repo.read().events(), 'offered'), []);
      assert.deepEqual(counters(program), before);
      assert.ok(result.explanation.length > 0, 'the explanation says why each location was left out');
    });

    it('sends only the workloads nobody is endorsed for to the FastTrack Center', async () => {
      const result = await service.intake(newReferral('R-SPLIT', ['Teams', 'Copilot']));
      assert.deepEqual(
        result.referral.assignments.map((a) => [a.mpnId, [...a.workloads]]),
        [[A, ['Teams']]],
      );
      assert.deepEqual(result.referral.ftc, [{ workloads: ['Copilot'], at: now.toISOString() }]);
    });

    it('a replay with the same id and body returns the original referral, created:false, and changes nothing', async () => {
      const input = newReferral('R-1', ['Teams']);
      const original = await service.intake(input);
      const before = snapshot(program.store);
      now = new Date(now.getTime() + DAY);
      const replay = await service.intake(newReferral('R-1', ['Teams']));
      assert.equal(replay.created, false);
      assert.deepEqual(replay.referral, original.referral);
      assert.deepEqual(snapshot(program.store), before, 'no new events, counters unchanged');
      // A second service (say, after a restart) sees the same.
      const again = await svc().intake(input);
      assert.equal(again.created, false);
      assert.deepEqual(again.referral, original.referral);
      assert.deepEqual(snapshot(program.store), before);
    });

    it('refuses the same id with a different body as intake.conflict and changes nothing', async () => {
      await service.intake(newReferral('R-1', ['Teams']));
      const before = snapshot(program.store);
      for (const changed of [
        newReferral('R-1', ['Teams', 'Intune']),
        newReferral('R-1', ['Teams'], { type: 'Standard' }),
        newReferral('R-1', ['Teams'], { customer: customer({ seats: 501 }) }),
      ]) {
        const err = assertDomainError(await rejection(service.intake(changed)), 'intake.conflict');
        assert.match(err.message, /R-1/);
        assert.deepEqual(snapshot(program.store), before);
      }
    });
  });

  describe('accept', () => {
    beforeEach(async () => {
      await open(threeUs());
      await service.intake(newReferral('R-1', ['Teams']));
    });

    it('marks the part accepted, records who and when, and appends an accepted event', async () => {
      const part = only(mustReferral(program, 'R-1').assignments, 'assignment');
      now = new Date(now.getTime() + 3_600_000);
      const referral = await service.accept('R-1', part.id, 'user-alex');
      const accepted = only(referral.assignments, 'assignment');
      assert.deepEqual(accepted, { ...part, state: 'accepted', answeredAt: now.toISOString(), answeredBy: 'user-alex' });
      assert.deepEqual(mustReferral(program, 'R-1'), referral);
      const event = only(eventsOf(program.repo.read().events(), 'accepted'), 'accepted event');
      assert.deepEqual(
        { ...event },
        { id: event.id, type: 'accepted', at: now.toISOString(), actor: 'user-alex', mpnId: A, referralId: 'R-1', assignmentId: part.id, workloads: ['Teams'] },
      );
      assert.deepEqual(counters(program), { [A]: 1, [B]: 0, [C]: 0, [G]: 0 }, 'accepting moves no counter');
    });

    it('refuses a second accept with assignment.not-offered and changes nothing', async () => {
      const part = only(mustReferral(program, 'R-1').assignments, 'assignment');
      await service.accept('R-1', part.id, 'user-alex');
      const before = snapshot(program.store);
      const err = assertDomainError(await rejection(service.accept('R-1', part.id, 'user-megan')), 'assignment.not-offered');
      assert.match(err.message, /accepted/);
      assert.deepEqual(snapshot(program.store), before);
    });

    it('refuses to accept a declined part with assignment.not-offered and changes nothing', async () => {
      const part = only(mustReferral(program, 'R-1').assignments, 'assignment');
      await service.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-alex');
      const before = snapshot(program.store);
      const err = assertDomainError(await rejection(service.accept('R-1', part.id, 'user-alex')), 'assignment.not-offered');
      assert.match(err.message, /declined/);
      assert.deepEqual(snapshot(program.store), before);
    });

    it('names an unknown referral or part', async () => {
      const before = snapshot(program.store);
      assertDomainError(await rejection(service.accept('R-404', 'x', 'user-alex')), 'referral.not-found');
      assertDomainError(await rejection(service.accept('R-1', 'no-such-part', 'user-alex')), 'assignment.not-found');
      assert.deepEqual(snapshot(program.store), before);
    });
  });

  describe('decline and reassign', () => {
    it('keeps the reason and reassigns the part, never back to a location that declined, then to the FastTrack Center', async () => {
      // B has received more referrals than C, so round robin picks C before B.
      await open([location(A, 'pa'), location(B, 'pb', { referralsReceived: 5 }), location(C, 'pc', { referralsReceived: 2 })]);
      const intake = await service.intake(newReferral('R-1', ['Teams']));
      const first = only(intake.referral.assignments, 'assignment');
      assert.equal(first.mpnId, A);

      now = new Date(now.getTime() + DAY);
      const reason = { code: 'no-capacity', text: null } as const;
      const out1 = await service.decline('R-1', first.id, reason, 'user-a');
      const declined = out1.referral.assignments.find((a) => a.id === first.id);
      assert.deepEqual(declined, { ...first, state: 'declined', answeredAt: now.toISOString(), answeredBy: 'user-a', declineReason: reason });
      const second = only(offeredParts(out1.referral), 'offered part');
      assert.ok([B, C].includes(second.mpnId), 'the part goes to another eligible location');
      assert.equal(second.mpnId, C, 'round robin: C has received fewer than B');
      assert.deepEqual(second.workloads, ['Teams']);
      assert.deepEqual(out1.received, [C]);
      assert.deepEqual(mustReferral(program, 'R-1'), out1.referral);

      const events1 = program.repo.read().events().slice(1);
      assert.deepEqual(
        events1.map((e) => e.type),
        ['declined', 'reassigned', 'offered'],
      );
      const declinedEvent = only(eventsOf(events1, 'declined'), 'declined event');
      assert.deepEqual(declinedEvent.reason, reason);
      assert.equal(declinedEvent.mpnId, A);
      assert.equal(declinedEvent.actor, 'user-a');
      const reassigned = only(eventsOf(events1, 'reassigned'), 'reassigned event');
      assert.deepEqual([reassigned.mpnId, [...reassigned.to], [...reassigned.ftc], reassigned.assignmentId], [A, [C], [], first.id]);
      const offered = only(eventsOf(events1, 'offered'), 'offered event');
      assert.deepEqual([offered.mpnId, offered.assignmentId], [C, second.id]);
      assert.deepEqual(counters(program), { [A]: 1, [B]: 5, [C]: 3 });

      // C declines too: the part goes to B, the only one left; A is still excluded.
      const out2 = await service.decline('R-1', second.id, { code: 'other', text: 'On-site only' }, 'user-c');
      const third = only(offeredParts(out2.referral), 'offered part');
      assert.equal(third.mpnId, B, 'never back to A, which declined first');
      assert.deepEqual(out2.referral.assignments.find((a) => a.id === second.id)?.declineReason, { code: 'other', text: 'On-site only' });

      // B declines: nobody is left, so the part goes to the FastTrack Center.
      const eventsBefore = program.repo.read().events().length;
      const out3 = await service.decline('R-1', third.id, { code: 'customer-unreachable', text: null }, 'user-b');
      assert.deepEqual(offeredParts(out3.referral), []);
      assert.deepEqual(out3.referral.ftc, [{ workloads: ['Teams'], at: now.toISOString() }]);
      assert.deepEqual(out3.received, []);
      const last = program.repo.read().events().slice(eventsBefore);
      assert.deepEqual(
        last.map((e) => e.type),
        ['declined', 'reassigned'],
      );
      const toFtc = only(eventsOf(last, 'reassigned'), 'reassigned event');
      assert.deepEqual([[...toFtc.to], [...toFtc.ftc]], [[], ['Teams']]);
      assert.deepEqual(
        mustReferral(program, 'R-1').assignments.map((a) => [a.mpnId, a.state]),
        [
          [A, 'declined'],
          [C, 'declined'],
          [B, 'declined'],
        ],
      );
      assert.deepEqual(counters(program), { [A]: 1, [B]: 6, [C]: 3 });
    });

    it('rematches only the declined part of a split referral and leaves the other parts untouched', async () => {
      // Nobody covers Teams and Intune: A (Teams) and B (Intune) split it; C also does Teams.
      await open([location(A, 'pa'), location(B, 'pb'), location(C, 'pc')], [partner('pa', ['Teams']), partner('pb', ['Intune']), partner('pc', ['Teams'])]);
      const intake = await service.intake(newReferral('R-1', ['Teams', 'Intune', 'Copilot']));
      assert.deepEqual(
        intake.referral.assignments.map((a) => [a.mpnId, [...a.workloads]]),
        [
          [A, ['Teams']],
          [B, ['Intune']],
        ],
      );
      assert.deepEqual(intake.referral.ftc, [{ workloads: ['Copilot'], at: now.toISOString() }]);
      const [teams, intune] = intake.referral.assignments;
      assert.ok(teams !== undefined && intune !== undefined);

      now = new Date(now.getTime() + DAY);
      const out = await service.decline('R-1', teams.id, { code: 'cannot-support-workload', text: null }, 'user-a');
      assert.deepEqual(out.referral.assignments.find((a) => a.id === intune.id), intune, "B's part did not move");
      assert.deepEqual(out.referral.ftc, intake.referral.ftc, 'the FastTrack Center part did not change');
      const newPart = only(out.referral.assignments.filter((a) => a.state === 'offered' && a.id !== intune.id), 'new part');
      assert.deepEqual([newPart.mpnId, [...newPart.workloads]], [C, ['Teams']], 'only the declined workload is matched again');
      assert.deepEqual(counters(program), { [A]: 1, [B]: 1, [C]: 1 });
    });

    describe('refusals leave everything as it was', () => {
      let part: ReferralAssignment;

      beforeEach(async () => {
        await open(threeUs());
        part = only((await service.intake(newReferral('R-1', ['Teams']))).referral.assignments, 'assignment');
      });

      it('declining twice: assignment.not-offered', async () => {
        await service.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-a');
        const before = snapshot(program.store);
        const err = assertDomainError(await rejection(service.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-a')), 'assignment.not-offered');
        assert.match(err.message, /already declined/);
        assert.deepEqual(snapshot(program.store), before);
      });

      it('declining an accepted part: assignment.not-offered', async () => {
        await service.accept('R-1', part.id, 'user-a');
        const before = snapshot(program.store);
        const err = assertDomainError(await rejection(service.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-a')), 'assignment.not-offered');
        assert.match(err.message, /already accepted/);
        assert.deepEqual(snapshot(program.store), before);
      });

      it('declining a reassigned part: assignment.not-offered', async () => {
        await program.repo.transaction((tx) => {
          const r = tx.referral('R-1');
          assert.ok(r !== undefined);
          tx.putReferral({ ...r, assignments: r.assignments.map((a) => ({ ...a, state: 'reassigned' as const })) });
        });
        const before = snapshot(program.store);
        const err = assertDomainError(await rejection(service.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-a')), 'assignment.not-offered');
        assert.match(err.message, /reassigned/);
        assert.deepEqual(snapshot(program.store), before);
      });

      it('"other" without a text: decline.reason-required', async () => {
        const before = snapshot(program.store);
        for (const text of [null, '', '   ']) {
          assertDomainError(await rejection(service.decline('R-1', part.id, { code: 'other', text }, 'user-a')), 'decline.reason-required');
          assert.deepEqual(snapshot(program.store), before);
        }
        // The part can still be answered afterwards.
        const out = await service.decline('R-1', part.id, { code: 'other', text: 'Customer wants on-site help' }, 'user-a');
        assert.equal(out.referral.assignments.find((a) => a.id === part.id)?.declineReason?.text, 'Customer wants on-site help');
      });
    });
  });

  describe('concurrency', () => {
    beforeEach(async () => {
      await open(threeUs());
    });

    async function raceDeclines(first: ReferralService, second: ReferralService): Promise<void> {
      const part = only((await first.intake(newReferral('R-1', ['Teams']))).referral.assignments, 'assignment');
      const eventsBefore = program.repo.read().events().length;
      const countersBefore = counters(program);
      const results = await Promise.allSettled([
        first.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-1'),
        second.decline('R-1', part.id, { code: 'cannot-support-workload', text: null }, 'user-2'),
      ]);
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(fulfilled.length, 1, 'exactly one decline wins');
      assert.equal(rejected.length, 1);
      assertDomainError(rejected[0]?.reason, 'assignment.not-offered');

      const referral = mustReferral(program, 'R-1');
      assert.equal(referral.assignments.filter((a) => a.state === 'declined').length, 1);
      const newPart = only(offeredParts(referral), 'new offered part');
      assert.notEqual(newPart.mpnId, A);
      const added = program.repo.read().events().slice(eventsBefore);
      assert.equal(eventsOf(added, 'declined').length, 1);
      assert.equal(eventsOf(added, 'reassigned').length, 1, 'exactly one reassigned event');
      assert.equal(eventsOf(added, 'offered').length, 1, 'exactly one new offer');
      assert.deepEqual(counters(program), { ...countersBefore, [newPart.mpnId]: (countersBefore[newPart.mpnId] ?? 0) + 1 });
    }

    it('two concurrent declines of one part through one service: one wins, one gets assignment.not-offered', async () => {
      await raceDeclines(service, service);
    });

    it('two concurrent declines through two service instances over one repository: the same', async () => {
      await raceDeclines(service, svc());
    });

    it('concurrent accept and decline of one part: exactly one of them happens', async () => {
      const part = only((await service.intake(newReferral('R-1', ['Teams']))).referral.assignments, 'assignment');
      const results = await Promise.allSettled([
        svc().accept('R-1', part.id, 'user-1'),
        service.decline('R-1', part.id, { code: 'no-capacity', text: null }, 'user-2'),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected'],
        'transactions run in call order',
      );
      const rejected = results[1];
      assert.ok(rejected?.status === 'rejected');
      assertDomainError(rejected.reason, 'assignment.not-offered');
      assert.deepEqual(
        mustReferral(program, 'R-1').assignments.map((a) => a.state),
        ['accepted'],
      );
      assert.deepEqual(eventsOf(program.repo.read().events(), 'reassigned'), []);
    });

    it('concurrent intakes of one referral id take it in once', async () => {
      const results = await Promise.all([service.intake(newReferral('R-1', ['Teams'])), svc().intake(newReferral('R-1', ['Teams']))]);
      assert.deepEqual(
        results.map((r) => r.created),
        [true, false],
      );
      assert.deepEqual(results[1]?.referral, results[0]?.referral);
      assert.equal(eventsOf(program.repo.read().events(), 'offered').length, 1);
      assert.equal(program.repo.read().referrals().length, 1);
    });

    it('round robin stays fair when two service instances take turns on one repository', async () => {
      const other = svc();
      // Both services have built their matcher: A, B and C have received nothing.
      await service.intake(newReferral('R-0a', ['Teams'], { customer: customer({ country: 'FR', language: 'fr' }) }));
      await other.intake(newReferral('R-0b', ['Teams'], { customer: customer({ country: 'FR', language: 'fr' }) }));
      const r1 = await service.intake(newReferral('R-1', ['Teams']));
      const r2 = await other.intake(newReferral('R-2', ['Teams']));
      const r3 = await service.intake(newReferral('R-3', ['Teams']));
      assert.deepEqual(
        [r1, r2, r3].map((r) => r.referral.assignments[0]?.mpnId),
        [A, B, C],
        'each instance sees the counters the other one moved',
      );
      assert.deepEqual(counters(program), { [A]: 1, [B]: 1, [C]: 1, [G]: 0 });
    });
  });

  describe('pause', () => {
    const gb = (id: string) => newReferral(id, ['Teams'], { customer: customer({ country: 'GB' }) });

    beforeEach(async () => {
      await open(threeUs());
    });

    it('pauses for 1 to 30 days with a paused event, and the location gets nothing while paused', async () => {
      const paused = await service.pause(G, new Date(now.getTime() + 30 * DAY), 'admin-g');
      assert.deepEqual(paused.pause, { pausedAt: now.toISOString(), pausedUntil: '2026-12-25', pausedBy: 'admin-g' });
      assert.deepEqual(mustLocation(program, G), paused);
      const event = only(eventsOf(program.repo.read().events(), 'paused'), 'paused event');
      assert.deepEqual([event.mpnId, event.until, event.actor, event.at], [G, '2026-12-25', 'admin-g', now.toISOString()]);

      const oneDay = await service.pause(A, '2026-11-26', 'admin-a');
      assert.equal(oneDay.pause?.pausedUntil, '2026-11-26');

      const result = await service.intake(gb('R-GB'));
      assert.deepEqual(result.referral.assignments, [], 'G is paused');
      assert.deepEqual(result.referral.ftc, [{ workloads: ['Teams'], at: now.toISOString() }]);
      assert.ok(result.explanation.some((line) => line.startsWith(G)), 'the explanation names the paused location');
      assert.equal(mustLocation(program, G).referralsReceived, 0);
      const us = await service.intake(newReferral('R-US', ['Teams']));
      assert.equal(us.referral.assignments[0]?.mpnId, B, 'A is paused for today');
    });

    it('refuses 31 days quoting the rule, a past or today date, and a second pause; nothing changes', async () => {
      const before = snapshot(program.store);
      const tooLong = assertDomainError(await rejection(service.pause(G, new Date(now.getTime() + 31 * DAY), 'admin-g')), 'pause.too-long');
      assert.ok(tooLong.message.includes(PAUSE_RULE), tooLong.message);
      assertDomainError(await rejection(service.pause(G, '2026-11-20', 'admin-g')), 'pause.in-past');
      assertDomainError(await rejection(service.pause(G, '2026-11-25', 'admin-g')), 'pause.in-past');
      assertDomainError(await rejection(service.pause('9999999', '2026-11-30', 'admin-g')), 'location.not-found');
      assert.deepEqual(snapshot(program.store), before);

      await service.pause(G, '2026-12-01', 'admin-g');
      const paused = snapshot(program.store);
      const again = assertDomainError(await rejection(service.pause(G, '2026-12-03', 'admin-g')), 'pause.already-paused');
      assert.match(again.message, /2026-12-01/);
      assert.deepEqual(snapshot(program.store), paused);
    });

    it('resumes early with a resumed event, and the location gets referrals again', async () => {
      await service.pause(G, '2026-12-10', 'admin-g');
      assert.deepEqual((await service.intake(gb('R-1'))).referral.assignments, []);

      now = new Date('2026-11-27T09:00:00Z');
      const resumed = await service.resume(G, 'admin-g');
      assert.equal(resumed.pause, null);
      assert.equal(resumed.lastPauseEndedAt, now.toISOString());
      const event = only(eventsOf(program.repo.read().events(), 'resumed'), 'resumed event');
      assert.deepEqual([event.mpnId, event.actor, event.at], [G, 'admin-g', now.toISOString()]);
      assert.equal((await service.intake(gb('R-2'))).referral.assignments[0]?.mpnId, G);

      const before = snapshot(program.store);
      assertDomainError(await rejection(service.resume(G, 'admin-g')), 'pause.not-paused');
      assert.deepEqual(snapshot(program.store), before);
    });

    it('expirePauses ends a pause at its end date with a pause-expired event; it never extends silently', async () => {
      await service.pause(G, '2026-11-28', 'admin-g');

      now = new Date('2026-11-27T23:59:59Z');
      assert.deepEqual(await service.expirePauses(), []);
      assert.notEqual(mustLocation(program, G).pause, null);
      assert.deepEqual((await service.intake(gb('R-1'))).referral.assignments, [], 'still paused the day before');

      now = new Date('2026-11-28T00:00:00Z');
      // Even before the scheduler runs, the pause no longer stops referrals on its end date.
      assert.equal((await service.intake(gb('R-2'))).referral.assignments[0]?.mpnId, G);

      now = new Date('2026-11-28T06:00:00Z');
      assert.deepEqual(await service.expirePauses(), [G]);
      const l = mustLocation(program, G);
      assert.equal(l.pause, null);
      assert.equal(l.lastPauseEndedAt, '2026-11-28T00:00:00.000Z');
      const expired = only(eventsOf(program.repo.read().events(), 'pause-expired'), 'pause-expired event');
      assert.deepEqual([expired.mpnId, expired.actor, expired.at], [G, 'system', '2026-11-28T00:00:00.000Z']);
      assert.equal((await service.intake(gb('R-3'))).referral.assignments[0]?.mpnId, G);

      // Running it again (or much later) neither re-pauses nor records anything more.
      now = new Date('2027-01-15T00:00:00Z');
      const before = snapshot(program.store);
      assert.deepEqual(await service.expirePauses(), []);
      assert.deepEqual(snapshot(program.store), before);
      assert.equal((await service.intake(gb('R-4'))).referral.assignments[0]?.mpnId, G);
    });

    it('a new pause after an expired one that nobody cleared records the expiry first', async () => {
      await service.pause(G, '2026-11-28', 'admin-g');
      now = new Date('2026-12-02T10:00:00Z');
      const l = await service.pause(G, '2026-12-05', 'admin-g');
      assert.equal(l.pause?.pausedUntil, '2026-12-05');
      assert.equal(l.lastPauseEndedAt, '2026-11-28T00:00:00.000Z', 'the old pause ended on its end date, as expirePauses records it');
      const history = program.repo
        .read()
        .events()
        .filter((e) => e.mpnId === G)
        .map((e) => [e.type, e.at]);
      assert.deepEqual(history, [
        ['paused', START.replace('Z', '.000Z')],
        ['pause-expired', '2026-11-28T00:00:00.000Z'],
        ['paused', now.toISOString()],
      ]);
    });
  });

  describe('matcher cache', () => {
    beforeEach(async () => {
      await open(threeUs());
    });

    it('the next intake after a pause or a resume sees the network as it now is', async () => {
      const gb = (id: string) => newReferral(id, ['Teams'], { customer: customer({ country: 'GB' }) });
      assert.equal((await service.intake(gb('R-1'))).referral.assignments[0]?.mpnId, G, 'the matcher is built and cached');
      const version = program.repo.networkVersion();
      await service.pause(G, '2026-12-01', 'admin-g');
      assert.notEqual(program.repo.networkVersion(), version, 'a pause changes the network');
      assert.deepEqual((await service.intake(gb('R-2'))).referral.assignments, [], 'no stale matcher: G is paused');
      await service.resume(G, 'admin-g');
      assert.equal((await service.intake(gb('R-3'))).referral.assignments[0]?.mpnId, G, 'resumed');
    });

    it('sees a location or partner added after the matcher was built', async () => {
      const fr = (id: string) => newReferral(id, ['Teams'], { customer: customer({ country: 'FR', language: 'fr' }) });
      assert.deepEqual((await service.intake(fr('R-1'))).referral.assignments, []);
      await program.repo.transaction((tx) => {
        tx.putPartner(partner('pf', ['Teams']));
        tx.putLocation(location('5400001', 'pf', { country: 'FR', languages: ['fr'] }));
      });
      assert.equal((await service.intake(fr('R-2'))).referral.assignments[0]?.mpnId, '5400001');
    });

    it('a refused decline does not leave the cached counters ahead of the store', async () => {
      const part = only((await service.intake(newReferral('R-1', ['Teams']))).referral.assignments, 'assignment');
      assertDomainError(await rejection(service.decline('R-1', part.id, { code: 'other', text: null }, 'u')), 'decline.reason-required');
      // A: 1 received. The next two go to B then C, as the stored counters say.
      const next = [await service.intake(newReferral('R-2', ['Teams'])), await service.intake(newReferral('R-3', ['Teams']))];
      assert.deepEqual(
        next.map((r) => r.referral.assignments[0]?.mpnId),
        [B, C],
      );
    });
  });

  describe('expire', () => {
    beforeEach(async () => {
      await open(threeUs());
    });

    it('marks an offered part expired with an expired event and does not reassign it', async () => {
      const part = only((await service.intake(newReferral('R-1', ['Teams']))).referral.assignments, 'assignment');
      now = new Date(now.getTime() + 7 * DAY);
      const referral = await service.expire('R-1', part.id);
      assert.deepEqual(referral.assignments, [{ ...part, state: 'expired', answeredAt: now.toISOString(), answeredBy: 'system' }]);
      const events = program.repo.read().events();
      assert.deepEqual(
        events.map((e) => e.type),
        ['offered', 'expired'],
      );
      const before = snapshot(program.store);
      assertDomainError(await rejection(service.expire('R-1', part.id)), 'assignment.not-offered');
      assert.deepEqual(snapshot(program.store), before);
    });
  });

  describe('acceptance', () => {
    it('a location that gets a second part of the same referral still yields a valid acceptance report', async () => {
      // Nobody covers all three workloads; A and B each cover two, so they split it. When A
      // declines, B is the only other location endorsed for Teams.
      await open([location(A, 'pa'), location(B, 'pb')], [partner('pa', ['Teams', 'Exchange']), partner('pb', ['Teams', 'Intune'])]);
      const intake = await service.intake(newReferral('R-1', ['Teams', 'Intune', 'Exchange']));
      assert.deepEqual(
        intake.referral.assignments.map((a) => [a.mpnId, [...a.workloads]]),
        [
          [A, ['Teams', 'Exchange']],
          [B, ['Intune']],
        ],
      );
      const [aPart, bPart] = intake.referral.assignments;
      assert.ok(aPart !== undefined && bPart !== undefined);
      now = new Date(now.getTime() + DAY);
      await service.accept('R-1', bPart.id, 'user-b');
      const out = await service.decline('R-1', aPart.id, { code: 'no-capacity', text: null }, 'user-a');
      // The matching contract excludes only decliners, so B, the one other location endorsed for
      // Teams, receives the declined part as a second offer of the same referral.
      assert.deepEqual(
        offeredParts(out.referral).map((a) => [a.mpnId, [...a.workloads]]),
        [[B, ['Teams']]],
      );
      for (const part of offeredParts(out.referral)) await service.accept('R-1', part.id, 'user-b');
      // Each part is its own offer: B accepted two offers, and the log is a valid acceptance input.
      const report = service.acceptance(now);
      const row = report.rates.find((r) => r.mpnId === B);
      assert.ok(row !== undefined);
      assert.equal(row.offered, 2);
      assert.equal(row.rate, 1);
    });

    it('service.acceptance equals the acceptance CLI run on the store’s events (demo seed)', async function () {
      this.timeout(60000);
      program = await tempProgram();
      const seededAt = new Date(START);
      await loadDemoSeed(program.repo, seededAt, sequentialIds('seed-'));
      service = new ReferralService(program.repo, () => now, sequentialIds('id-'));

      const events: AcceptanceEvent[] = contractEventsOf(program.repo.read().events());
      assert.ok(events.length > 60, `a realistic log (${events.length} acceptance events)`);

      const asOf = new Date(START);
      const report: AcceptanceReport = service.acceptance(asOf);
      const input = { asOf: asOf.toISOString(), quarters: 'fiscal-july' as const, target: 0.8, events };
      const cli = await runAcceptanceCli(input);
      assert.deepEqual(cli, report, 'the store and the CLI agree');
      assert.deepEqual(computeAcceptance(input), report);

      // The report is real: both quarters, every state, and the totals add up to the log.
      const quarters = new Set(report.rates.map((r) => r.quarter));
      assert.ok(quarters.has('FY27-Q1') && quarters.has('FY27-Q2'), [...quarters].join(', '));
      const sum = (k: 'offered' | 'accepted' | 'declined' | 'expired' | 'pending') => report.rates.reduce((n, r) => n + r[k], 0);
      assert.equal(sum('offered'), new Set(events.filter((e) => e.type === 'offered').map((e) => `${e.referralId}|${e.mpnId}`)).size);
      assert.equal(sum('accepted'), events.filter((e) => e.type === 'accepted').length);
      assert.equal(sum('declined'), events.filter((e) => e.type === 'declined').length);
      assert.equal(sum('expired'), events.filter((e) => e.type === 'expired').length);
      assert.ok(sum('accepted') > 0 && sum('declined') > 0 && sum('expired') > 0 && sum('pending') > 0);

      // An earlier asOf agrees too, and the per-location filter keeps only that location's rows.
      const earlier = new Date(seededAt.getTime() - 60 * DAY);
      assert.deepEqual(await runAcceptanceCli({ ...input, asOf: earlier.toISOString() }), service.acceptance(earlier));
      const contoso = service.acceptance(asOf, ['4100001']);
      assert.deepEqual(contoso.rates, report.rates.filter((r) => r.mpnId === '4100001'));
      assert.ok(contoso.rates.length > 0);
    });
  });
});
