import assert from 'node:assert/strict';
import { DomainError } from '../../../domain/errors.ts';
import { ReferralService } from '../../../domain/referrals/referral-service.ts';
import type { LocationRecord, ProgramEvent, Referral, ReferralAssignment } from '../../../domain/referrals/types.ts';
import { location, newReferral, partner, rejection, sequentialIds, snapshot, tempProgram, type TempProgram } from '../../helpers/program-fixture.ts';

const START = '2026-11-25T12:00:00Z';
const AT = new Date(START).toISOString();

// Four US locations of four partners endorsed for Teams, one paused, one departed.
const A = '5000001';
const B = '5000002';
const C = '5000003';
const D = '5000004';
const PAUSED = '5000005';
const GONE = '5000006';

function assertDomainError(err: unknown, code: string): void {
  assert.ok(err instanceof DomainError, `expected DomainError ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
}

type Reassigned = Extract<ProgramEvent, { type: 'reassigned' }>;

describe('domain/referrals reassign (FastTrack operations move a part)', function () {
  this.timeout(30000);
  let program: TempProgram;
  let service: ReferralService;
  const now = new Date(START);

  beforeEach(async () => {
    const locations: LocationRecord[] = [
      location(A, 'pa'),
      location(B, 'pb'),
      location(C, 'pc'),
      location(D, 'pd'),
      location(PAUSED, 'pe', { pause: { pausedAt: '2026-11-20T00:00:00Z', pausedUntil: '2026-12-01', pausedBy: 'admin' } }),
      location(GONE, 'pf', { status: 'departed' }),
    ];
    const partners = ['pa', 'pb', 'pc', 'pd', 'pe', 'pf'].map((p) => partner(p, ['Teams']));
    program = await tempProgram({ partners, locations });
    service = new ReferralService(program.repo, () => now, sequentialIds('id-'));
  });

  afterEach(async () => {
    await program.cleanup();
  });

  const stored = (id: string): Referral => {
    const r = program.repo.read().referral(id);
    assert.ok(r !== undefined);
    return r;
  };
  const partAt = (r: Referral, mpnId: string, state: ReferralAssignment['state'] = 'offered'): ReferralAssignment => {
    const p = r.assignments.find((a) => a.mpnId === mpnId && a.state === state);
    assert.ok(p !== undefined, `a ${state} part at ${mpnId}`);
    return p;
  };
  const counter = (mpnId: string): number => program.repo.read().location(mpnId)?.referralsReceived ?? -1;
  const reassignedEvents = (): Reassigned[] => program.repo.read().events().filter((e): e is Reassigned => e.type === 'reassigned');

  it('moves an offered part to a named location: reassigned + new manual offer, events, counter', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    const part = partAt(referral, A);
    const out = await service.reassign('R-1', part.id, C, 'ops-user');
    const r = stored('R-1');
    assert.deepEqual(r, out.referral);
    assert.equal(r.assignments.find((a) => a.id === part.id)?.state, 'reassigned');
    const moved = partAt(r, C);
    assert.equal(moved.basis, 'manual');
    assert.deepEqual(moved.workloads, ['Teams']);
    assert.equal(moved.offeredAt, AT);
    const events = program.repo.read().events().filter((e) => 'referralId' in e && e.referralId === 'R-1').slice(1);
    assert.deepEqual(
      events.map((e) => [e.type, e.mpnId, e.actor]),
      [
        ['reassigned', A, 'ops-user'],
        ['offered', C, 'ops-user'],
      ],
    );
    const ev = reassignedEvents()[0];
    assert.deepEqual([ev?.to, ev?.ftc, ev?.previousState], [[C], [], 'offered']);
    assert.equal(counter(C), 1, 'the receiver counts one more referral, as for a match');
    assert.equal(counter(A), 1, 'the previous holder keeps its count');
  });

  it('auto excludes the holder and every decliner, like a decline, and follows round robin', async () => {
    await service.intake(newReferral('R-0', ['Teams'])); // A
    const { referral } = await service.intake(newReferral('R-1', ['Teams'])); // B
    const atB = partAt(referral, B);
    const declined = await service.decline('R-1', atB.id, { code: 'no-capacity', text: null }, 'partner');
    const atC = partAt(declined.referral, C);
    const out = await service.reassign('R-1', atC.id, 'auto', 'ops-user');
    const next = out.referral.assignments.filter((a) => a.state === 'offered');
    assert.deepEqual(
      next.map((a) => [a.mpnId, a.basis]),
      [[D, 'round-robin']],
      'B declined and C holds it; A and D remain, and D has received fewer referrals',
    );
    assert.ok(out.explanation.some((l) => l.startsWith(`${B}:`) && /excluded/.test(l)), out.explanation.join('\n'));
    assert.ok(out.explanation.some((l) => l.startsWith(`${PAUSED}:`) && /paused/.test(l)));
    // Moving again automatically never sends it back to C, whom operations moved it away from.
    const again = await service.reassign('R-1', partAt(out.referral, D).id, 'auto', 'ops-user');
    assert.deepEqual(again.referral.assignments.filter((a) => a.state === 'offered').map((a) => a.mpnId), [A]);
  });

  it('auto with nobody left sends the part to the FastTrack Center', async () => {
    const { referral } = await service.intake(newReferral('R-US', ['Teams']));
    let part = partAt(referral, A);
    for (const mpnId of [B, C, D]) {
      const r = (await service.reassign('R-US', part.id, 'auto', 'ops')).referral;
      part = partAt(r, mpnId);
    }
    const last = await service.reassign('R-US', part.id, 'auto', 'ops');
    assert.deepEqual(last.referral.assignments.filter((a) => a.state === 'offered'), []);
    assert.deepEqual(last.referral.ftc, [{ workloads: ['Teams'], at: AT }]);
    assert.deepEqual(reassignedEvents().at(-1)?.ftc, ['Teams']);
  });

  it('an accepted part may be moved ("a location cannot deliver"); its acceptance stays on record', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    const part = partAt(referral, A);
    await service.accept('R-1', part.id, 'partner');
    const out = await service.reassign('R-1', part.id, B, 'ops');
    const old = out.referral.assignments.find((a) => a.id === part.id);
    assert.equal(old?.state, 'reassigned');
    assert.equal(old?.answeredBy, 'partner', 'who accepted, and when, is kept');
    assert.equal(reassignedEvents()[0]?.previousState, 'accepted');
    const rate = service.acceptance(now, [A]).rates.find((r) => r.mpnId === A);
    assert.deepEqual([rate?.accepted, rate?.pending], [1, 0], 'the acceptance still counts');
  });

  it('a moved offer that was never answered is withdrawn from the holder’s acceptance rate', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    assert.equal(service.acceptance(now, [A]).rates[0]?.pending, 1);
    await service.reassign('R-1', partAt(referral, A).id, B, 'ops');
    assert.deepEqual(service.acceptance(now, [A]).rates, [], 'A was neither offered nor answered anything that counts');
    assert.equal(service.acceptance(now, [B]).rates[0]?.pending, 1, 'the new holder has the offer');
  });

  it('refuses declined, expired and already moved parts; nothing changes', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    const part = partAt(referral, A);
    await service.expire('R-1', part.id);
    const before = snapshot(program.store);
    assertDomainError(await rejection(service.reassign('R-1', part.id, B, 'ops')), 'assignment.not-movable');
    assertDomainError(await rejection(service.reassign('R-1', 'no-such-part', B, 'ops')), 'assignment.not-found');
    assertDomainError(await rejection(service.reassign('R-404', part.id, B, 'ops')), 'referral.not-found');
    assert.deepEqual(snapshot(program.store), before);
  });

  for (const [name, target, code] of [
    ['a paused', PAUSED, 'reassign.location-paused'],
    ['a departed', GONE, 'reassign.location-departed'],
    ['an unknown', '5999999', 'reassign.unknown-location'],
    ['the current holder as', A, 'reassign.same-location'],
  ] as const) {
    it(`refuses ${name} target with a clear reason; nothing changes`, async () => {
      const { referral } = await service.intake(newReferral('R-1', ['Teams']));
      const before = snapshot(program.store);
      const err = await rejection(service.reassign('R-1', partAt(referral, A).id, target, 'ops'));
      assertDomainError(err, code);
      assert.ok(err instanceof Error && err.message.includes(target), (err as Error).message);
      assert.deepEqual(snapshot(program.store), before);
    });
  }

  it('a paused location whose pause ended is a valid target again', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    const later = new ReferralService(program.repo, () => new Date('2026-12-01T00:00:00Z'), sequentialIds('later-'));
    const out = await later.reassign('R-1', partAt(referral, A).id, PAUSED, 'ops');
    assert.equal(partAt(out.referral, PAUSED).basis, 'manual');
  });

  it('two concurrent moves of the same part: exactly one succeeds, the other is told it was moved', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    const part = partAt(referral, A);
    const other = new ReferralService(program.repo, () => now, sequentialIds('other-'));
    const results = await Promise.allSettled([service.reassign('R-1', part.id, B, 'ops-1'), other.reassign('R-1', part.id, 'auto', 'ops-2')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assertDomainError(failed?.status === 'rejected' ? failed.reason : undefined, 'assignment.not-movable');
    assert.equal(reassignedEvents().length, 1);
    assert.equal(stored('R-1').assignments.filter((a) => a.state === 'offered').length, 1);
  });

  it('the reassigned event, with its previous state, survives a restart (store schema)', async () => {
    const { referral } = await service.intake(newReferral('R-1', ['Teams']));
    await service.reassign('R-1', partAt(referral, A).id, B, 'ops');
    const { repo } = await program.reopen();
    const ev = repo.read().events().find((e) => e.type === 'reassigned');
    assert.equal(ev?.type === 'reassigned' ? ev.previousState : undefined, 'offered');
    assert.equal(repo.read().referral('R-1')?.assignments.find((a) => a.mpnId === B)?.basis, 'manual');
  });
});
