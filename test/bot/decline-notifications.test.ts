import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Activity } from 'botbuilder';
import { startNotificationStandIn, type NotificationStandIn, type ReceivedPost } from '../../bench/notification-stand-in.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { namesFrom } from '../../bot/names.ts';
import type { OutboxWorker } from '../../bot/notifications/outbox-worker.ts';
import { journalFileOf } from '../../data/store/json-store.ts';
import type { JournalLine } from '../../data/store/journal-change.ts';
import { LowdbOutbox } from '../../data/store/outbox-store.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { loadDemoSeed } from '../../data/seed/demo-seed.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { cardOf, cardText, executes, type CardJson } from '../helpers/card-text.ts';
import { connectorTransport, drain, FakeClock, notificationWorker } from '../helpers/notification-worker.ts';
import { customer, newReferral, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

/**
 * A location declines its part, on the demo program: ReferralService.decline → the outbox entries
 * for both locations in the decline's own store update → OutboxWorker → the real ConnectorTransport
 * and CloudAdapter → the connector stand-in. Contoso US (the decliner) hears through its program
 * admin's personal chat (Alex); every other location has a subscribed channel, so whichever one
 * matching picks next is told too, and any stray notification would show up as a post.
 */

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const DECLINER = DEMO_MPN.contosoUs;
const ALEX_CHAT = 'a:personal-alex';
const channelOf = (mpnId: string): string => `19:location-${mpnId}@thread.tacv2`;

function cardPosted(post: ReceivedPost): CardJson {
  return cardOf(post.activity as Partial<Activity>);
}

describe('a decline notifies the decliner and the new holder (demo program, outbox worker, connector stand-in)', function () {
  this.timeout(30_000);

  let program: TempProgram;
  let standIn: NotificationStandIn;
  let clock: FakeClock;
  let service: ReferralService;
  let outbox: LowdbOutbox;
  let worker: OutboxWorker;

  beforeEach(async () => {
    program = await tempProgram();
    let n = 0;
    await loadDemoSeed(program.repo, new Date(NOW), () => `seed-${++n}`);
    clock = new FakeClock(NOW);
    service = new ReferralService(program.repo, clock.date, () => `id-${++n}`);
    outbox = new LowdbOutbox(program.store, program.repo, clock.date);
    standIn = await startNotificationStandIn();
    const logger = memoryLogger();
    worker = notificationWorker({ outbox, referrals: service, transport: connectorTransport(program.dir, logger), logger, clock });
    const on = { serviceUrl: standIn.serviceUrl, tenantId: PLAYGROUND_TENANT };
    await outbox.remember({ ...on, id: ALEX_CHAT, scope: 'personal', userAadObjectId: PLAYGROUND_USERS.alex, teamId: null, channelId: null });
    for (const l of service.read().locations()) {
      if (l.mpnId === DECLINER) continue;
      await outbox.remember({ ...on, id: channelOf(l.mpnId), scope: 'channel', userAadObjectId: null, teamId: 'team-1', channelId: channelOf(l.mpnId) });
      assert.equal(await outbox.subscribe(l.mpnId, channelOf(l.mpnId), PLAYGROUND_USERS.alex), true);
    }
  });

  afterEach(async () => {
    await worker.stop();
    await standIn.close();
    await program.cleanup();
  });

  it('one journal line holds part-reassigned for the decliner and referral-reassigned-to-you for the new holder; both cards are delivered once, the second with Accept / Decline for the new part', async () => {
    const intake = await service.intake(newReferral('R-7001', ['Teams'], { type: 'Standard', customer: customer({ cporClaims: [{ mpnId: DECLINER, workload: 'Teams' }] }) }));
    const declined = intake.referral.assignments[0];
    assert.equal(intake.referral.assignments.length, 1);
    assert.equal(declined?.mpnId, DECLINER);
    await drain(worker, clock);
    assert.deepEqual(
      standIn.posts.map((p) => [p.conversationId, p.status]),
      [[ALEX_CHAT, 201]],
      'the offer reached Alex only',
    );

    const linesBefore = program.store.stats.lines;
    const outcome = await service.decline('R-7001', declined.id, { code: 'no-capacity', text: null }, PLAYGROUND_USERS.alex);
    assert.equal(program.store.stats.lines, linesBefore + 1, 'the decline is one store update');
    const holder = outcome.referral.assignments.find((a) => a.state === 'offered');
    assert.ok(holder !== undefined, 'matching found another location');
    assert.notEqual(holder.mpnId, DECLINER);

    const fromDecline = new Set(outcome.events.map((e) => e.id));
    const queued = Object.values(program.store.data.outbox).filter((e) => fromDecline.has(e.sourceId));
    const byKind = new Map(queued.map((e) => [e.data.kind, e]));
    assert.equal(queued.length, 2, JSON.stringify(queued.map((e) => [e.data.kind, e.conversationId])));
    const toDecliner = byKind.get('part-reassigned');
    const toHolder = byKind.get('referral-reassigned-to-you');
    assert.ok(toDecliner !== undefined && toHolder !== undefined, 'one notification of each kind');
    assert.deepEqual([toDecliner.mpnId, toDecliner.conversationId], [DECLINER, ALEX_CHAT]);
    assert.deepEqual(toDecliner.data, { kind: 'part-reassigned', referralId: 'R-7001', assignmentId: declined.id, to: [holder.mpnId], ftc: [], byOperations: false });
    assert.deepEqual([toHolder.mpnId, toHolder.conversationId], [holder.mpnId, channelOf(holder.mpnId)]);
    assert.deepEqual(toHolder.data, { kind: 'referral-reassigned-to-you', referralId: 'R-7001', assignmentId: holder.id });

    // On disk: the decline's line is the journal's last, and it writes both entries with the referral.
    const journal = (await readFile(journalFileOf(program.file), 'utf-8')).trim().split('\n');
    const line = JSON.parse(journal.at(-1) ?? '{}') as JournalLine;
    const written = line.changes.map((c) => c.path.join('/'));
    assert.ok(written.includes(`outbox/${toDecliner.key}`) && written.includes(`outbox/${toHolder.key}`), written.join('\n'));
    assert.ok(written.some((p) => p.startsWith('referrals')), written.join('\n'));

    await drain(worker, clock);
    clock.ms += 3_600_000;
    assert.equal(await worker.runDue(), null, 'nothing left to send');
    const after = standIn.posts.slice(1);
    assert.deepEqual(after.map((p) => [p.conversationId, p.status]).sort(), [[ALEX_CHAT, 201], [channelOf(holder.mpnId), 201]].sort(), 'each delivered once, nowhere else');
    assert.deepEqual(
      [toDecliner.key, toHolder.key].map((k) => outbox.entry(k)?.state),
      ['sent', 'sent'],
    );

    const names = namesFrom(() => service.read());
    const decliner = cardPosted(after.find((p) => p.conversationId === ALEX_CHAT) ?? assert.fail());
    assert.match(cardText(decliner), /^Referral R-7001 reassigned$/m);
    assert.ok(cardText(decliner).includes(`After ${names.location(DECLINER)} declined it`), cardText(decliner));
    assert.ok(cardText(decliner).includes(`- ${names.location(holder.mpnId)}`), cardText(decliner));
    assert.deepEqual(executes(decliner), [], 'nothing left for the decliner to answer');

    const offered = cardPosted(after.find((p) => p.conversationId === channelOf(holder.mpnId)) ?? assert.fail());
    assert.ok(cardText(offered).split('\n').includes(`Referral reassigned to ${names.location(holder.mpnId)}`), cardText(offered));
    assert.deepEqual(
      executes(offered).map((b) => [b.title, b.verb, b.data]),
      [
        ['Accept', 'referral.accept', { referralId: 'R-7001', assignmentId: holder.id }],
        ['Decline', 'referral.decline', { referralId: 'R-7001', assignmentId: holder.id }],
      ],
    );
  });
});
