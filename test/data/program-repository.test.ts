import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ProgramEvent, Referral, UserRecord } from '../../domain/referrals/types.ts';
import { customer, location, partner, rejection, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

const AT = '2026-11-25T12:00:00.000Z';

function referral(id: string, mpnIds: readonly string[]): Referral {
  return {
    id,
    type: 'Standard',
    customer: customer(),
    workloads: ['Teams'],
    createdAt: AT,
    assignments: mpnIds.map((mpnId, i) => ({
      id: `${id}-a${i}`,
      mpnId,
      workloads: ['Teams'],
      basis: 'round-robin' as const,
      state: 'offered' as const,
      offeredAt: AT,
      answeredAt: null,
      answeredBy: null,
      declineReason: null,
    })),
    ftc: [],
  };
}

function offered(id: string, r: Referral, mpnId: string): ProgramEvent {
  return { id, type: 'offered', at: AT, actor: 'intake', mpnId, referralId: r.id, assignmentId: `${r.id}-a0`, workloads: ['Teams'] };
}

const alex: UserRecord = { tenantId: 't1', aadObjectId: 'u-alex', name: 'Alex', roles: [{ role: 'admin', mpnId: '5000001' }] };

describe('data/store LowdbProgramRepository', () => {
  let program: TempProgram;

  beforeEach(async () => {
    program = await tempProgram({ partners: [partner('pa', ['Teams'])], locations: [location('5000001', 'pa'), location('5000002', 'pa')] });
  });

  afterEach(async () => {
    await program.cleanup();
  });

  async function fileText(): Promise<string> {
    await program.store.flush();
    return readFile(program.file, 'utf-8');
  }

  it('commits everything a transaction put, at once, to memory and to disk', async () => {
    const r1 = referral('R-1', ['5000001']);
    const result = await program.repo.transaction((tx) => {
      tx.putPartner(partner('pb', ['Intune']));
      tx.putLocation(location('5000003', 'pb'));
      tx.putReferral(r1);
      tx.appendEvents([offered('e1', r1, '5000001')]);
      tx.putUser(alex);
      // Nothing is visible outside the transaction before it returns.
      const outside = program.repo.read();
      assert.equal(outside.partner('pb'), undefined);
      assert.equal(outside.location('5000003'), undefined);
      assert.equal(outside.referral('R-1'), undefined);
      assert.deepEqual(outside.events(), []);
      assert.equal(outside.user('t1', 'u-alex'), undefined);
      return 'done';
    });
    assert.equal(result, 'done', 'the transaction returns what its work returned');

    const read = program.repo.read();
    assert.deepEqual(read.partner('pb'), partner('pb', ['Intune']));
    assert.deepEqual(read.location('5000003'), location('5000003', 'pb'));
    assert.deepEqual(read.referral('R-1'), r1);
    assert.deepEqual(read.events(), [offered('e1', r1, '5000001')]);
    assert.deepEqual(read.user('t1', 'u-alex'), alex);

    const onDisk = JSON.parse(await fileText()) as { partners: unknown[]; locations: unknown[]; referrals: unknown[]; events: unknown[]; users: unknown[] };
    assert.equal(onDisk.partners.length, 2);
    assert.equal(onDisk.locations.length, 3);
    assert.deepEqual(onDisk.referrals, [r1]);
    assert.deepEqual(onDisk.events, [offered('e1', r1, '5000001')]);
    assert.deepEqual(onDisk.users, [alex]);
  });

  it('replaces records in place: a second put of the same key does not add a copy', async () => {
    await program.repo.transaction((tx) => {
      tx.putReferral(referral('R-1', ['5000001']));
      tx.putUser(alex);
    });
    const updated = { ...referral('R-1', ['5000001']), workloads: ['Teams', 'Intune'] };
    await program.repo.transaction((tx) => {
      tx.putReferral(updated);
      tx.putUser({ ...alex, name: 'Alex Wilber' });
      tx.putLocation({ ...location('5000002', 'pa'), referralsReceived: 4 });
    });
    const read = program.repo.read();
    assert.deepEqual(read.referrals(), [updated]);
    assert.deepEqual(read.users(), [{ ...alex, name: 'Alex Wilber' }]);
    assert.deepEqual(
      read.locations().map((l) => [l.mpnId, l.referralsReceived]),
      [
        ['5000001', 0],
        ['5000002', 4],
      ],
    );
  });

  it('a transaction that throws writes nothing: same file bytes, same memory, same version', async () => {
    await program.repo.transaction((tx) => tx.putReferral(referral('R-1', ['5000001'])));
    const bytes = await fileText();
    const memory = structuredClone(program.store.data);
    const version = program.repo.networkVersion();

    const boom = new Error('boom');
    const err = await rejection(
      program.repo.transaction((tx) => {
        tx.putPartner(partner('pz', ['Teams']));
        tx.putLocation({ ...location('5000001', 'pa'), status: 'departed' });
        tx.putLocation(location('5000009', 'pz'));
        tx.putReferral(referral('R-2', ['5000002']));
        tx.putReferral({ ...referral('R-1', ['5000001']), workloads: ['Intune'] });
        tx.appendEvents([offered('e9', referral('R-2', ['5000002']), '5000002')]);
        tx.putUser(alex);
        throw boom;
      }),
    );
    assert.equal(err, boom, 'the error reaches the caller as thrown');
    assert.equal(await fileText(), bytes, 'the file is byte for byte unchanged');
    assert.deepEqual(program.store.data, memory);
    assert.equal(program.repo.networkVersion(), version);
    const read = program.repo.read();
    assert.equal(read.referral('R-2'), undefined);
    assert.equal(read.location('5000009'), undefined);
    assert.deepEqual(read.referralsOf('5000002'), [], 'the indexes did not pick up the failed referral');

    // The repository is still usable.
    await program.repo.transaction((tx) => tx.putReferral(referral('R-3', ['5000002'])));
    assert.deepEqual(
      program.repo.read().referrals().map((r) => r.id),
      ['R-1', 'R-3'],
    );
  });

  it('reads inside a transaction see its own writes first, then the committed state', async () => {
    await program.repo.transaction((tx) => {
      tx.putReferral(referral('R-1', ['5000001']));
      tx.putUser(alex);
    });
    await program.repo.transaction((tx) => {
      const moved = { ...location('5000001', 'pa'), referralsReceived: 7 };
      tx.putLocation(moved);
      tx.putLocation(location('5000003', 'pb'));
      tx.putPartner(partner('pb', ['Intune']));
      tx.putPartner(partner('pa', ['Teams', 'Exchange']));
      const r1 = { ...referral('R-1', ['5000001']), workloads: ['Exchange'] };
      const r2 = referral('R-2', ['5000002']);
      tx.putReferral(r1);
      tx.putReferral(r2);
      tx.appendEvents([offered('e1', r2, '5000002')]);
      tx.putUser({ ...alex, name: 'Alex W.' });
      const bob: UserRecord = { tenantId: 't1', aadObjectId: 'u-bob', name: 'Bob', roles: [] };
      tx.putUser(bob);

      assert.deepEqual(tx.location('5000001'), moved);
      assert.deepEqual(
        tx.locations().map((l) => [l.mpnId, l.referralsReceived]),
        [
          ['5000001', 7],
          ['5000002', 0],
          ['5000003', 0],
        ],
      );
      assert.deepEqual(tx.partner('pa'), partner('pa', ['Teams', 'Exchange']));
      assert.deepEqual(
        tx.partners().map((p) => p.partnerId),
        ['pa', 'pb'],
      );
      assert.deepEqual(tx.referral('R-1'), r1);
      assert.deepEqual(tx.referrals(), [r1, r2]);
      assert.deepEqual(tx.events(), [offered('e1', r2, '5000002')]);
      assert.equal(tx.user('t1', 'u-alex')?.name, 'Alex W.');
      assert.deepEqual(
        tx.users().map((u) => u.name),
        ['Alex W.', 'Bob'],
      );
      // Meanwhile the committed view is unchanged.
      assert.equal(program.repo.read().location('5000001')?.referralsReceived, 0);
      assert.deepEqual(program.repo.read().referral('R-1')?.workloads, ['Teams']);
    });
    assert.equal(program.repo.read().location('5000001')?.referralsReceived, 7);
    assert.deepEqual(program.repo.read().referral('R-1')?.workloads, ['Exchange']);
  });

  it('keeps everything across a reopen of the same file', async () => {
    const r1 = referral('R-1', ['5000001', '5000002']);
    await program.repo.transaction((tx) => {
      tx.putReferral(r1);
      tx.appendEvents([offered('e1', r1, '5000001')]);
      tx.putUser(alex);
      tx.putLocation({ ...location('5000001', 'pa'), referralsReceived: 3, pause: { pausedAt: AT, pausedUntil: '2026-12-01', pausedBy: 'u-alex' } });
    });
    const before = structuredClone(program.store.data);
    const { store, repo } = await program.reopen();
    assert.deepEqual(store.data, before);
    const read = repo.read();
    assert.deepEqual(read.referral('R-1'), r1);
    assert.deepEqual(read.referralsOf('5000002'), [r1], 'indexes are rebuilt from the file');
    assert.deepEqual(read.user('t1', 'u-alex'), alex);
    assert.equal(read.location('5000001')?.referralsReceived, 3);
    assert.equal(read.location('5000001')?.pause?.pausedUntil, '2026-12-01');
    assert.deepEqual(read.partner('pa'), partner('pa', ['Teams']));
    assert.deepEqual(read.events(), [offered('e1', r1, '5000001')]);

    // And the reopened repository writes to the same file.
    await repo.transaction((tx) => tx.putReferral(referral('R-2', ['5000002'])));
    await store.flush();
    const third = await program.reopen();
    assert.deepEqual(
      third.repo.read().referrals().map((r) => r.id),
      ['R-1', 'R-2'],
    );
  });

  describe('networkVersion', () => {
    it('does not change when only a round-robin counter changes, or on referrals, events and users', async () => {
      const v = program.repo.networkVersion();
      await program.repo.transaction((tx) => {
        const l = tx.location('5000001');
        assert.ok(l !== undefined);
        tx.putLocation({ ...l, referralsReceived: l.referralsReceived + 1 });
        tx.putReferral(referral('R-1', ['5000001']));
        tx.appendEvents([offered('e1', referral('R-1', ['5000001']), '5000001')]);
        tx.putUser(alex);
      });
      assert.equal(program.repo.networkVersion(), v);
      // Putting an unchanged location changes nothing either.
      await program.repo.transaction((tx) => {
        const l = tx.location('5000002');
        assert.ok(l !== undefined);
        tx.putLocation({ ...l });
      });
      assert.equal(program.repo.networkVersion(), v);
    });

    it('changes on a pause, a resume, a departure, a new location and a partner change', async () => {
      const changes: Array<[string, () => Promise<void>]> = [
        ['pause', () => program.repo.transaction((tx) => tx.putLocation({ ...location('5000001', 'pa'), pause: { pausedAt: AT, pausedUntil: '2026-12-01', pausedBy: 'u' } }))],
        ['resume', () => program.repo.transaction((tx) => tx.putLocation({ ...location('5000001', 'pa'), lastPauseEndedAt: AT }))],
        ['departure', () => program.repo.transaction((tx) => tx.putLocation({ ...location('5000002', 'pa'), status: 'departed' }))],
        ['seats', () => program.repo.transaction((tx) => tx.putLocation({ ...location('5000002', 'pa'), status: 'departed', maxSeats: 1000 }))],
        ['new location', () => program.repo.transaction((tx) => tx.putLocation(location('5000003', 'pa')))],
        ['partner', () => program.repo.transaction((tx) => tx.putPartner(partner('pa', ['Teams', 'Intune'])))],
        ['counter and pause together', () => program.repo.transaction((tx) => tx.putLocation({ ...location('5000003', 'pa'), referralsReceived: 9, pause: { pausedAt: AT, pausedUntil: '2026-12-02', pausedBy: 'u' } }))],
      ];
      for (const [what, change] of changes) {
        const v = program.repo.networkVersion();
        await change();
        assert.notEqual(program.repo.networkVersion(), v, `${what} changes the network version`);
      }
    });

    it('does not change when a transaction that changed the network throws', async () => {
      const v = program.repo.networkVersion();
      await rejection(
        program.repo.transaction((tx) => {
          tx.putLocation({ ...location('5000001', 'pa'), status: 'departed' });
          throw new Error('no');
        }),
      );
      assert.equal(program.repo.networkVersion(), v);
    });
  });

  describe('referralsOf', () => {
    it("finds a location's referrals, split ones included, and none of the others", async () => {
      const r1 = referral('R-1', ['5000001']);
      const r2 = referral('R-2', ['5000002', '5000001']);
      const r3 = referral('R-3', ['5000002']);
      await program.repo.transaction((tx) => {
        tx.putReferral(r1);
        tx.putReferral(r2);
        tx.putReferral(r3);
      });
      const ids = (mpnId: string) =>
        program.repo
          .read()
          .referralsOf(mpnId)
          .map((r) => r.id)
          .sort();
      assert.deepEqual(ids('5000001'), ['R-1', 'R-2']);
      assert.deepEqual(ids('5000002'), ['R-2', 'R-3']);
      assert.deepEqual(ids('5999999'), []);
    });

    it('finds referrals added or reassigned in the same transaction, and after it commits', async () => {
      const r1 = referral('R-1', ['5000001']);
      await program.repo.transaction((tx) => tx.putReferral(r1));
      // R-1's part is reassigned to 5000002 and R-2 is new, in one transaction.
      const reassigned: Referral = { ...r1, assignments: [...r1.assignments, { ...(r1.assignments[0] ?? assert.fail('R-1 has a part')), id: 'R-1-a1', mpnId: '5000002' }] };
      const r2 = referral('R-2', ['5000002']);
      await program.repo.transaction((tx) => {
        tx.putReferral(reassigned);
        tx.putReferral(r2);
        assert.deepEqual(
          tx.referralsOf('5000002').map((r) => r.id).sort(),
          ['R-1', 'R-2'],
        );
        assert.deepEqual(tx.referralsOf('5000001'), [reassigned], 'the committed referral is seen as the transaction changed it');
        assert.deepEqual(program.repo.read().referralsOf('5000002'), [], 'not visible outside before the commit');
      });
      assert.deepEqual(
        program.repo.read().referralsOf('5000002').map((r) => r.id).sort(),
        ['R-1', 'R-2'],
      );
      assert.deepEqual(program.repo.read().referralsOf('5000001'), [reassigned]);
    });
  });
});
