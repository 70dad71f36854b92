import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { JsonStore, journalFileOf } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import type { Referral, UserRecord } from '../../domain/referrals/types.ts';
import { customer, location, partner, rejection, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

const AT = '2026-11-25T12:00:00.000Z';

function referral(id: string, mpnId: string, workloads: readonly string[] = ['Teams']): Referral {
  const assignment = { id: `${id}-a0`, mpnId, workloads: [...workloads], basis: 'round-robin' as const, state: 'offered' as const, offeredAt: AT, answeredAt: null, answeredBy: null, declineReason: null };
  return { id, type: 'Standard', customer: customer(), workloads: [...workloads], createdAt: AT, assignments: [assignment], ftc: [] };
}

const alex: UserRecord = { tenantId: 't1', aadObjectId: 'u-alex', name: 'Alex', roles: [] };

describe('data/store LowdbProgramRepository on the journal', () => {
  let program: TempProgram;

  beforeEach(async () => {
    program = await tempProgram({ partners: [partner('pa', ['Teams'])], locations: [location('5000001', 'pa'), location('5000002', 'pa')] });
  });

  afterEach(async () => {
    await program.cleanup();
  });

  /** Opens the files as a restart after a crash would: the first store never wrote a snapshot. */
  async function reopenWithoutFlush(): Promise<LowdbProgramRepository> {
    return new LowdbProgramRepository(await JsonStore.open<StoreData>(program.file, storeSchema, emptyStore));
  }

  it('replays transactions that mix new and replaced records onto the right positions', async () => {
    await program.repo.transaction((tx) => {
      tx.putReferral(referral('R-1', '5000001'));
      tx.putReferral(referral('R-2', '5000002'));
      tx.putUser(alex);
    });
    await program.repo.transaction((tx) => {
      tx.putReferral(referral('R-3', '5000001'));
      tx.putReferral({ ...referral('R-1', '5000002'), workloads: ['Intune'] });
      tx.putPartner(partner('pb', ['Intune']));
      tx.putLocation({ ...location('5000002', 'pa'), referralsReceived: 2 });
      tx.putLocation(location('5000003', 'pb'));
      tx.putUser({ ...alex, name: 'Alex W.' });
      tx.appendEvents([{ id: 'e1', type: 'resumed', at: AT, actor: 'x', mpnId: '5000001' }]);
    });
    const memory = structuredClone(program.store.data);
    const replayed = await reopenWithoutFlush();
    const read = replayed.read();
    assert.deepEqual(read.referrals(), memory.referrals);
    assert.deepEqual(read.locations(), memory.locations);
    assert.deepEqual(read.partners(), memory.partners);
    assert.deepEqual(read.users(), [{ ...alex, name: 'Alex W.' }]);
    assert.equal(read.events().length, 1);
    assert.deepEqual(read.referralsOf('5000002').map((r) => r.id).sort(), ['R-1', 'R-2'], 'indexes are rebuilt from the replayed data');
  });

  it('a failed append sets memory, indexes and the network version back, and the next transaction works', async () => {
    await program.repo.transaction((tx) => tx.putReferral(referral('R-1', '5000001')));
    const memory = structuredClone(program.store.data);
    const version = program.repo.networkVersion();
    await program.store.flush();
    const journal = journalFileOf(program.file);
    await rm(journal);
    await mkdir(journal);
    await rejection(
      program.repo.transaction((tx) => {
        tx.putReferral(referral('R-2', '5000002'));
        tx.putReferral({ ...referral('R-1', '5000001'), workloads: ['Intune'] });
        tx.putLocation(location('5000009', 'pa'));
      }),
    );
    assert.deepEqual(program.store.data, memory);
    const read = program.repo.read();
    assert.equal(read.referral('R-2'), undefined);
    assert.equal(read.location('5000009'), undefined);
    assert.deepEqual(read.referralsOf('5000002'), []);
    assert.notEqual(program.repo.networkVersion(), version, 'matchers built on the lost network are invalidated');
    await rm(journal, { recursive: true });
    await program.repo.transaction((tx) => tx.putReferral(referral('R-3', '5000002')));
    assert.deepEqual((await reopenWithoutFlush()).read().referrals().map((r) => r.id), ['R-1', 'R-3']);
  });
});
