import assert from 'node:assert/strict';
import { intentsOf } from '../../../domain/notifications/intents.ts';
import { recipientsFor, type RecipientDirectory } from '../../../domain/notifications/recipients.ts';
import { ACCEPTANCE_ALERT_EVERY_MS, dueAcceptanceAlerts, duePauseReminders, nextPauseWorkAt } from '../../../domain/notifications/schedule.ts';
import type { ChannelSubscription, ConversationRef } from '../../../domain/notifications/types.ts';
import type { AcceptanceRow } from '../../../domain/acceptance/types.ts';
import type { ProgramEvent } from '../../../domain/referrals/types.ts';
import { location } from '../../helpers/program-fixture.ts';

const AT = '2026-11-25T12:00:00.000Z';
const DAY = 86_400_000;

function offered(id: string, mpnId: string, referralId = 'R-1'): ProgramEvent {
  return { id, type: 'offered', at: AT, actor: 'intake', mpnId, referralId, assignmentId: `${referralId}-${mpnId}`, workloads: ['Teams'] };
}

describe('notification intents', () => {
  it('a new referral tells each offered location', () => {
    const intents = intentsOf([offered('e1', '4100001'), offered('e2', '4100002')]);
    assert.deepEqual(
      intents.map((i) => [i.sourceId, i.mpnId, i.data.kind]),
      [
        ['e1', '4100001', 'referral-offered'],
        ['e2', '4100002', 'referral-offered'],
      ],
    );
  });

  it('a decline tells the decliner where its part went and the new holder that it was reassigned to it', () => {
    const events: ProgramEvent[] = [
      { id: 'd', type: 'declined', at: AT, actor: 'u', mpnId: '4100001', referralId: 'R-1', assignmentId: 'a1', workloads: ['Teams'], reason: { code: 'no-capacity', text: null } },
      { id: 'r', type: 'reassigned', at: AT, actor: 'u', mpnId: '4100001', referralId: 'R-1', assignmentId: 'a1', workloads: ['Teams'], to: ['4100005'], ftc: [] },
      offered('o', '4100005'),
    ];
    const intents = intentsOf(events);
    assert.deepEqual(
      intents.map((i) => [i.mpnId, i.data.kind]),
      [
        ['4100001', 'part-reassigned'],
        ['4100005', 'referral-reassigned-to-you'],
      ],
    );
    const moved = intents[0]?.data;
    assert.ok(moved?.kind === 'part-reassigned' && moved.byOperations === false && moved.to[0] === '4100005');
  });

  it('a part moved by operations says so; answers and manual pauses tell nobody', () => {
    const moved = intentsOf([{ id: 'r', type: 'reassigned', at: AT, actor: 'ops', mpnId: '4100001', referralId: 'R-1', assignmentId: 'a1', workloads: ['Teams'], to: ['4100002'], ftc: [], previousState: 'offered' }]);
    assert.ok(moved[0]?.data.kind === 'part-reassigned' && moved[0].data.byOperations);
    const quiet = intentsOf([
      { id: 'a', type: 'accepted', at: AT, actor: 'u', mpnId: '4100001', referralId: 'R-1', assignmentId: 'a1', workloads: ['Teams'] },
      { id: 'p', type: 'paused', at: AT, actor: 'u', mpnId: '4100001', until: '2026-12-01' },
      { id: 'q', type: 'resumed', at: AT, actor: 'u', mpnId: '4100001' },
    ]);
    assert.deepEqual(quiet, []);
  });

  it('a pause that ran out tells the location', () => {
    const [i] = intentsOf([{ id: 'x', type: 'pause-expired', at: '2026-12-01T00:00:00.000Z', actor: 'system', mpnId: '4100001' }]);
    assert.deepEqual(i?.data, { kind: 'pause-ended', endedAt: '2026-12-01T00:00:00.000Z' });
  });
});

describe('notification recipients', () => {
  const conv = (id: string, scope: ConversationRef['scope'], extra: Partial<ConversationRef> = {}): ConversationRef => ({
    id,
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    tenantId: 't',
    scope,
    userAadObjectId: null,
    teamId: null,
    channelId: null,
    installedAt: AT,
    active: true,
    inactiveReason: null,
    ...extra,
  });
  const convs = new Map<string, ConversationRef>([
    ['ch1', conv('ch1', 'channel')],
    ['ch2', conv('ch2', 'channel', { active: false })],
    ['p-admin', conv('p-admin', 'personal', { userAadObjectId: 'admin' })],
    ['p-member', conv('p-member', 'personal', { userAadObjectId: 'member' })],
  ]);
  const subs: ChannelSubscription[] = [
    { mpnId: '4100001', conversationId: 'ch1', by: 'admin', at: AT },
    { mpnId: '4100001', conversationId: 'ch2', by: 'admin', at: AT },
  ];
  const dir: RecipientDirectory = {
    subscriptionsOf: (m) => subs.filter((s) => s.mpnId === m),
    conversation: (id) => convs.get(id),
    personalChatOf: (_t, u) => [...convs.values()].find((c) => c.scope === 'personal' && c.userAadObjectId === u),
    usersWithRole: (m, role) => (m === '4100001' && role === 'admin' ? [{ tenantId: 't', aadObjectId: 'admin' }] : []),
  };

  it('are the subscribed channels and the admins’ personal chats, active only, each once', () => {
    assert.deepEqual(
      recipientsFor('4100001', dir).map((c) => c.id),
      ['ch1', 'p-admin'],
    );
    assert.deepEqual(recipientsFor('4100002', dir), []);
  });
});

describe('notification schedule', () => {
  const paused = (mpnId: string, pausedAt: string, pausedUntil: string) => location(mpnId, 'P', { pause: { pausedAt, pausedUntil, pausedBy: 'admin' } });
  const l = paused('4100001', '2026-11-20T10:00:00.000Z', '2026-12-10');
  const reminderAt = Date.parse('2026-12-07T00:00:00.000Z');

  it('reminds 3 days before the end, once per pause, and never after the end', () => {
    assert.deepEqual(duePauseReminders(reminderAt - 1, [l], () => false), []);
    const due = duePauseReminders(reminderAt, [l], () => false);
    assert.equal(due.length, 1);
    assert.deepEqual(due[0]?.intent.data, { kind: 'pause-ending', pausedUntil: '2026-12-10' });
    assert.equal(due[0]?.repeatAfterMs, null);
    assert.deepEqual(duePauseReminders(reminderAt + DAY, [l], (m) => m === due[0]?.mark), []);
    // Down from before the reminder until after the end: the end is announced, not a late reminder.
    assert.deepEqual(duePauseReminders(Date.parse('2026-12-10T00:00:00.000Z'), [l], () => false), []);
  });

  it('a pause of 3 days or less gets no reminder; a new pause gets its own', () => {
    const short = paused('4100002', '2026-11-25T10:00:00.000Z', '2026-11-28');
    assert.deepEqual(duePauseReminders(Date.parse('2026-11-26T00:00:00.000Z'), [short], () => false), []);
    const again = paused('4100001', '2026-12-01T09:00:00.000Z', '2026-12-10');
    const first = duePauseReminders(reminderAt, [l], () => false)[0]?.mark;
    const second = duePauseReminders(reminderAt, [again], () => false)[0]?.mark;
    assert.ok(first !== undefined && second !== undefined && first !== second);
  });

  it('knows the next moment pause work falls due', () => {
    assert.equal(nextPauseWorkAt(Date.parse(AT), [l, location('4100009', 'P')]), reminderAt);
    assert.equal(nextPauseWorkAt(reminderAt, [l]), Date.parse('2026-12-10T00:00:00.000Z'));
    assert.equal(nextPauseWorkAt(Date.parse('2026-12-11T00:00:00.000Z'), [l]), null);
  });

  const row = (mpnId: string, rate: number | null, meets: boolean | null): AcceptanceRow => ({
    mpnId,
    quarter: 'FY27-Q2',
    offered: 10,
    accepted: 5,
    declined: 5,
    expired: 0,
    pending: 0,
    rate,
    meetsTarget: meets,
    acceptNeeded: meets === false ? 15 : 0,
  });

  it('alerts locations below target at most once a week, with acceptNeeded', () => {
    const now = Date.parse(AT);
    const rows = [row('4100001', 0.5, false), row('4100002', 0.9, true), row('4100003', null, null)];
    const due = dueAcceptanceAlerts(now, rows, 0.8, () => null);
    assert.deepEqual(
      due.map((d) => d.intent.mpnId),
      ['4100001'],
    );
    const data = due[0]?.intent.data;
    assert.ok(data?.kind === 'acceptance-below-target' && data.acceptNeeded === 15 && data.answered === 10);
    assert.equal(due[0]?.repeatAfterMs, ACCEPTANCE_ALERT_EVERY_MS);
    assert.deepEqual(dueAcceptanceAlerts(now, rows, 0.8, () => now - ACCEPTANCE_ALERT_EVERY_MS + 1), []);
    const nextWeek = dueAcceptanceAlerts(now, rows, 0.8, () => now - ACCEPTANCE_ALERT_EVERY_MS);
    assert.equal(nextWeek.length, 1);
    assert.notEqual(nextWeek[0]?.intent.sourceId, dueAcceptanceAlerts(now + 1, rows, 0.8, () => null)[0]?.intent.sourceId);
  });
});
