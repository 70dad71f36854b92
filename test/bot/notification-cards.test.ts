import assert from 'node:assert/strict';
import { notificationCard } from '../../bot/cards/notification-cards.ts';
import { notificationActivity } from '../../bot/notifications/render.ts';
import { namesFrom } from '../../bot/names.ts';
import type { NotificationData, OutboxEntry } from '../../domain/notifications/types.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { cardText, executes, type CardJson } from '../helpers/card-text.ts';
import { customer, location, newReferral, partner, sequentialIds, tempProgram, type TempProgram } from '../helpers/program-fixture.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');

function entry(mpnId: string, data: NotificationData): OutboxEntry {
  return { key: `k|c`, sourceId: 'k', mpnId, conversationId: 'c', data, createdAt: NOW.toISOString(), state: 'pending', attempts: 0, nextAttemptAt: NOW.toISOString(), lastError: null, doneAt: null };
}

describe('notification cards', () => {
  let program: TempProgram;
  let service: ReferralService;

  beforeEach(async () => {
    program = await tempProgram({ partners: [partner('pa', ['Teams'])], locations: [location('5000001', 'pa', { name: 'Contoso Test' }), location('5000002', 'pa')] });
    service = new ReferralService(program.repo, () => NOW, sequentialIds());
  });
  afterEach(() => program.cleanup());

  const render = (e: OutboxEntry): CardJson | null => notificationCard(e, service.read(), namesFrom(() => service.read())) as CardJson | null;

  it('a new referral shows the customer and Accept / Decline for exactly that part', async () => {
    const r = await service.intake(newReferral('R-1', ['Teams'], { customer: customer({ name: 'Alpine Ski House', cporClaims: [{ mpnId: '5000001', workload: 'Teams' }] }) }));
    const part = r.referral.assignments[0];
    assert.ok(part !== undefined);
    const c = render(entry(part.mpnId, { kind: 'referral-offered', referralId: 'R-1', assignmentId: part.id }));
    assert.ok(c !== null);
    const t = cardText(c);
    assert.match(t, /New referral for Contoso Test \(MPN ID 5000001\)/);
    assert.match(t, /R-1.*Alpine Ski House/);
    assert.match(t, /CPOR claim/);
    assert.deepEqual(
      executes(c).map((b) => [b.title, b.verb, b.data]),
      [
        ['Accept', 'referral.accept', { referralId: 'R-1', assignmentId: part.id }],
        ['Decline', 'referral.decline', { referralId: 'R-1', assignmentId: part.id }],
      ],
    );
  });

  it('a part reassigned to the location after a decline: "Referral reassigned to …", why, and Accept / Decline for the new part', async () => {
    const r = await service.intake(newReferral('R-5', ['Teams'], { customer: customer({ cporClaims: [{ mpnId: '5000001', workload: 'Teams' }] }) }));
    const declined = r.referral.assignments[0];
    assert.equal(declined?.mpnId, '5000001');
    const outcome = await service.decline('R-5', declined.id, { code: 'no-capacity', text: null }, 'someone');
    const part = outcome.referral.assignments.find((a) => a.state === 'offered');
    assert.equal(part?.mpnId, '5000002', 'the only other location holds it now');
    const c = render(entry(part.mpnId, { kind: 'referral-reassigned-to-you', referralId: 'R-5', assignmentId: part.id }));
    assert.ok(c !== null);
    const t = cardText(c);
    assert.match(t, /^Referral reassigned to Location 5000002 \(MPN ID 5000002\)$/m);
    assert.match(t, /Another location declined it/);
    assert.doesNotMatch(t, /New referral/);
    assert.deepEqual(
      executes(c).map((b) => [b.title, b.verb, b.data]),
      [
        ['Accept', 'referral.accept', { referralId: 'R-5', assignmentId: part.id }],
        ['Decline', 'referral.decline', { referralId: 'R-5', assignmentId: part.id }],
      ],
    );
  });

  it('sent after the offer was answered, it shows the answer instead of buttons', async () => {
    const r = await service.intake(newReferral('R-2', ['Teams']));
    const part = r.referral.assignments[0];
    assert.ok(part !== undefined);
    await service.accept('R-2', part.id, 'someone');
    const c = render(entry(part.mpnId, { kind: 'referral-offered', referralId: 'R-2', assignmentId: part.id }));
    assert.ok(c !== null);
    assert.equal(executes(c).length, 0);
    assert.match(cardText(c), /Accepted/);
  });

  it('a reassignment says where the part went; a vanished referral renders nothing', async () => {
    const c = render(entry('5000001', { kind: 'part-reassigned', referralId: 'R-404', assignmentId: 'a', to: ['5000002'], ftc: [], byOperations: false }));
    assert.equal(c, null);
    await service.intake(newReferral('R-3', ['Teams']));
    const moved = render(entry('5000001', { kind: 'part-reassigned', referralId: 'R-3', assignmentId: 'a', to: ['5000002'], ftc: ['Intune'], byOperations: false }));
    assert.ok(moved !== null);
    assert.match(cardText(moved), /After Contoso Test \(MPN ID 5000001\) declined it/);
    assert.match(cardText(moved), /Location 5000002 \(MPN ID 5000002\)/);
    assert.match(cardText(moved), /FastTrack Center: Intune/);
  });

  it('pause and acceptance notices carry their figures and the action they invite', () => {
    const ending = render(entry('5000001', { kind: 'pause-ending', pausedUntil: '2026-12-10' }));
    assert.ok(ending !== null);
    assert.match(cardText(ending), /Thursday,? 10 December 2026/);
    assert.deepEqual(
      ending.actions?.map((a) => a.title),
      ['Resume now', 'Show status'],
    );
    const low = render(entry('5000001', { kind: 'acceptance-below-target', quarter: 'FY27-Q2', rate: 0.5, target: 0.8, accepted: 5, answered: 10, acceptNeeded: 15 }));
    assert.ok(low !== null);
    assert.match(cardText(low), /accepted 5 of 10 answered offers in FY27-Q2: \*\*50\.0%\*\*, below the 80% target/);
    assert.match(cardText(low), /next 15 offers/);
  });

  it('a pause that ran out says referrals resumed, since when, and offers that location\'s pending referrals and status', () => {
    const c = render(entry('5000001', { kind: 'pause-ended', endedAt: '2026-12-10T00:00:00.000Z' }));
    assert.ok(c !== null);
    const t = cardText(c);
    assert.match(t, /^Referrals resumed: Contoso Test \(MPN ID 5000001\)$/m);
    assert.match(t, /pause ended on Thursday,? 10 December 2026/);
    assert.deepEqual(
      c.actions?.map((a) => [a.title, a.data]),
      [
        ['Show pending referrals', { msteams: { type: 'imBack', value: 'pending 5000001' } }],
        ['Show status', { msteams: { type: 'imBack', value: 'status 5000001' } }],
      ],
    );
  });

  it('the activity is a card with the Teams alert flag', async () => {
    const r = await service.intake(newReferral('R-4', ['Teams']));
    const part = r.referral.assignments[0];
    assert.ok(part !== undefined);
    const a = notificationActivity(entry(part.mpnId, { kind: 'referral-offered', referralId: 'R-4', assignmentId: part.id }), service.read(), namesFrom(() => service.read()));
    assert.equal(a?.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.deepEqual(a?.channelData, { notification: { alert: true } });
  });
});
