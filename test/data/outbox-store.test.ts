import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { JsonStore, journalFileOf } from '../../data/store/json-store.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import type { StoredRef } from '../../bot/notifications/conversation-refs.ts';
import { customer, location, newReferral, partner, sequentialIds, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const SERVICE = 'https://smba.trafficmanager.net/amer/';

function channel(id: string): StoredRef {
  return { id, serviceUrl: SERVICE, tenantId: 't1', scope: 'channel', userAadObjectId: null, teamId: 'team', channelId: id };
}
function personal(id: string, user: string): StoredRef {
  return { id, serviceUrl: SERVICE, tenantId: 't1', scope: 'personal', userAadObjectId: user, teamId: null, channelId: null };
}

describe('data/store LowdbOutbox', () => {
  let program: TempProgram;
  let outbox: LowdbOutbox;
  let service: ReferralService;

  beforeEach(async () => {
    program = await tempProgram({ partners: [partner('pa', ['Teams'])], locations: [location('5000001', 'pa'), location('5000002', 'pa', { country: 'DE' })] });
    outbox = new LowdbOutbox(program.store, program.repo, () => NOW);
    service = new ReferralService(program.repo, () => NOW, sequentialIds('e-'));
    await program.repo.transaction((tx) => tx.putUser({ tenantId: 't1', aadObjectId: 'admin-1', name: 'Ann', roles: [{ role: 'admin', mpnId: '5000001' }] }));
    await outbox.remember(channel('ch-1'));
    await outbox.remember(personal('p-ann', 'admin-1'));
    await outbox.subscribe('5000001', 'ch-1', 'admin-1');
  });

  afterEach(async () => {
    await program.cleanup();
  });

  it('writes the notifications in the same journal line as the events that cause them', async () => {
    await service.intake(newReferral('R-1', ['Teams']));
    const lines = (await readFile(journalFileOf(program.file), 'utf-8')).trim().split('\n').map((l) => JSON.parse(l) as { changes: Array<{ path: string[] }> });
    const intakeLine = lines.find((l) => l.changes.some((c) => c.path[0] === 'events'));
    assert.ok(intakeLine, 'the intake was journaled');
    const outboxPaths = intakeLine.changes.filter((c) => c.path[0] === 'outbox');
    assert.equal(outboxPaths.length, 2, 'one entry per recipient, in the same line');
    const entries = Object.values(program.store.data.outbox);
    assert.deepEqual(entries.map((e) => e.conversationId).sort(), ['ch-1', 'p-ann']);
    assert.ok(entries.every((e) => e.state === 'pending' && e.data.kind === 'referral-offered' && e.mpnId === '5000001'));
  });

  it('a failed transaction leaves no notification behind', async () => {
    await assert.rejects(
      program.repo.transaction((tx) => {
        tx.appendEvents([{ id: 'x', type: 'offered', at: NOW.toISOString(), actor: 'intake', mpnId: '5000001', referralId: 'R-9', assignmentId: 'a', workloads: ['Teams'] }]);
        throw new Error('boom');
      }),
    );
    assert.deepEqual(program.store.data.outbox, {});
    assert.equal(outbox.openQueues().size, 0);
  });

  it('locations without subscribers or admins get nothing; an inactive conversation gets nothing', async () => {
    await service.intake(newReferral('R-2', ['Teams'], { customer: customer({ country: 'DE' }) }));
    assert.deepEqual(program.store.data.outbox, {});
    await outbox.markInactive('ch-1', '403 blocked');
    await service.intake(newReferral('R-3', ['Teams']));
    assert.deepEqual(
      Object.values(program.store.data.outbox).map((e) => e.conversationId),
      ['p-ann'],
    );
  });

  it('survives a restart: the journal replays the outbox, and in-flight entries become unconfirmed', async () => {
    await service.intake(newReferral('R-1', ['Teams']));
    const [first] = outbox.openQueues().get('ch-1') ?? [];
    assert.ok(first !== undefined);
    await outbox.claim(first);
    // A crash: reopen without flushing the snapshot.
    const again = await JsonStore.open<StoreData>(program.file, storeSchema, emptyStore);
    const reopened = new LowdbOutbox(again, new LowdbProgramRepository(again), () => NOW);
    assert.equal(again.data.outbox[first]?.state, 'sending');
    assert.equal(await reopened.recoverInFlight(), 1);
    assert.equal(reopened.entry(first)?.state, 'unconfirmed');
    assert.deepEqual([...reopened.openQueues().keys()], ['p-ann'], 'the pending one is still queued');
    assert.deepEqual(
      reopened.failed().map((e) => e.key),
      [first],
    );
  });

  it('scheduled work is queued once, with its mark in the same update', async () => {
    const notice = { mark: 'pause-ending|5000001|x', repeatAfterMs: null, intent: { sourceId: 'pause-ending|5000001|x', mpnId: '5000001', at: NOW.toISOString(), data: { kind: 'pause-ending' as const, pausedUntil: '2026-12-01' } } };
    assert.equal(await outbox.enqueueScheduled([notice]), 2);
    assert.equal(await outbox.enqueueScheduled([notice]), 0);
    assert.equal(outbox.mark(notice.mark), NOW.toISOString());
    const nobody = { ...notice, mark: 'pause-ending|5000002|y', intent: { ...notice.intent, sourceId: 'pause-ending|5000002|y', mpnId: '5000002' } };
    assert.equal(await outbox.enqueueScheduled([nobody]), 0);
    assert.equal(outbox.mark(nobody.mark), undefined, 'not marked while nobody could be told');
  });

  it('uninstalling forgets the conversation, its subscriptions and its unsent notifications', async () => {
    await service.intake(newReferral('R-1', ['Teams']));
    await outbox.forget('ch-1', 'uninstalled');
    assert.equal(outbox.conversation('ch-1'), undefined);
    assert.deepEqual(outbox.subscriptionsIn('ch-1'), []);
    const ch = Object.values(program.store.data.outbox).find((e) => e.conversationId === 'ch-1');
    assert.equal(ch?.state, 'undeliverable');
    assert.deepEqual([...outbox.openQueues().keys()], ['p-ann']);
  });

  it('operations resend failed notifications, but not to a conversation that still refuses the bot', async () => {
    await service.intake(newReferral('R-1', ['Teams']));
    const keys = Object.keys(program.store.data.outbox);
    for (const k of keys) {
      await outbox.claim(k);
      await outbox.settle(k, 'dead', 'gave up');
    }
    await outbox.markInactive('ch-1', '404');
    const again = await outbox.retry('all');
    assert.deepEqual(again, keys.filter((k) => k.endsWith('|p-ann')));
    const entry = outbox.entry(again[0] ?? '');
    assert.equal(entry?.state, 'pending');
    assert.equal(entry?.attempts, 0);
    // Speaking to the bot again makes the channel active; then its notification can be resent.
    await outbox.remember(channel('ch-1'));
    assert.equal(outbox.conversation('ch-1')?.active, true);
    assert.equal((await outbox.retry('all')).length, 1);
  });

  it('remembering an unchanged conversation writes nothing', async () => {
    const before = program.store.stats.lines;
    await outbox.remember(channel('ch-1'));
    assert.equal(program.store.stats.lines, before);
    await outbox.remember({ ...channel('ch-1'), serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    assert.equal(program.store.stats.lines, before + 1);
    assert.equal(outbox.conversation('ch-1')?.serviceUrl, 'https://smba.trafficmanager.net/emea/');
  });
});
