import assert from 'node:assert/strict';
import { isDomainError, type DomainErrorCode } from '../../domain/errors.ts';
import { duePauseExpiries, isPauseExpired, pauseReminderDueAt } from '../../domain/pause/expiry.ts';
import { planPause, planResume } from '../../domain/pause/plan.ts';
import type { PauseRequest } from '../../domain/pause/plan.ts';
import type { PauseState } from '../../domain/pause/state.ts';

const NOW = '2026-11-25T15:00:00Z';
const running: PauseState = { pausedAt: '2026-11-20T09:00:00.000Z', pausedUntil: '2026-12-01', pausedBy: 'admin@contoso' };

function pause(overrides: Partial<PauseRequest>): ReturnType<typeof planPause> {
  return planPause({ now: NOW, current: null, until: '2026-12-01', by: 'admin@contoso', ...overrides });
}

function refuses(fn: () => unknown, code: DomainErrorCode, mentions?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isDomainError(error, code), `expected ${code}, got ${String(error)}`);
    if (mentions !== undefined) assert.match(error.message, mentions);
    return true;
  });
}

describe('pause policy', () => {
  describe('planPause', () => {
    it('allows one day: referrals again from tomorrow', () => {
      const plan = pause({ until: '2026-11-26' });
      assert.deepEqual(plan, {
        state: { pausedAt: '2026-11-25T15:00:00.000Z', pausedUntil: '2026-11-26', pausedBy: 'admin@contoso' },
        days: 1,
        replacesExpired: null,
      });
    });

    it('allows thirty days', () => {
      const plan = pause({ until: '2026-12-25' });
      assert.equal(plan.days, 30);
      assert.equal(plan.state.pausedUntil, '2026-12-25');
    });

    it('refuses thirty-one days, quoting the rule and the latest end date', () => {
      refuses(() => pause({ until: '2026-12-26' }), 'pause.too-long', /up to 30 days.*resume.*2026-12-25/);
    });

    it('counts in UTC dates: a Date or instant on the 25th of December is still thirty days', () => {
      assert.equal(pause({ until: new Date(Date.UTC(2026, 11, 25, 23, 59)) }).state.pausedUntil, '2026-12-25');
      assert.equal(pause({ until: '2026-12-25T23:59:59Z' }).days, 30);
      refuses(() => pause({ until: '2026-12-26T00:00:00Z' }), 'pause.too-long');
    });

    it('refuses an end date of today or in the past', () => {
      refuses(() => pause({ until: '2026-11-25' }), 'pause.in-past', /today.*2026-11-26/);
      refuses(() => pause({ until: '2026-11-25T23:00:00Z' }), 'pause.in-past', /today/);
      refuses(() => pause({ until: '2026-11-01' }), 'pause.in-past', /past/);
    });

    it('refuses while a pause is running', () => {
      refuses(() => pause({ current: running }), 'pause.already-paused', /2026-12-01/);
    });

    it('treats a pause that has run out as over, and hands it back for its expiry event', () => {
      const expired: PauseState = { ...running, pausedUntil: '2026-11-25' };
      const plan = pause({ current: expired });
      assert.equal(plan.replacesExpired, expired);
      assert.equal(plan.state.pausedUntil, '2026-12-01');
    });

    it('has no cooldown by default', () => {
      assert.equal(pause({ previousPauseEndedAt: '2026-11-25T14:00:00Z' }).days, 6);
    });

    it('applies minDaysBetweenPauses from the end of the previous pause', () => {
      const settings = { minDaysBetweenPauses: 10 };
      refuses(() => pause({ settings, previousPauseEndedAt: '2026-11-20T00:00:00Z' }), 'pause.cooldown', /10 days.*2026-11-30T00:00:00.000Z/);
      refuses(() => pause({ settings, previousPauseEndedAt: '2026-11-15T15:00:00.001Z' }), 'pause.cooldown');
      assert.equal(pause({ settings, previousPauseEndedAt: '2026-11-15T15:00:00Z' }).days, 6);
      assert.equal(pause({ settings }).days, 6);
    });

    it('measures the cooldown from the end of an expired pause still stored', () => {
      const expired: PauseState = { ...running, pausedUntil: '2026-11-25' };
      refuses(() => pause({ current: expired, settings: { minDaysBetweenPauses: 1 } }), 'pause.cooldown', /2026-11-26T00:00:00.000Z/);
    });

    it('refuses unusable arguments', () => {
      refuses(() => pause({ until: 'next week' }), 'pause.bad-date', /until/);
      refuses(() => pause({ now: new Date(Number.NaN) }), 'pause.bad-date', /now/);
      refuses(() => pause({ settings: { minDaysBetweenPauses: -1 } }), 'pause.bad-settings');
      refuses(() => pause({ by: '  ' }), 'pause.no-admin');
    });
  });

  describe('planResume', () => {
    it('resumes a running pause now', () => {
      assert.deepEqual(planResume({ now: NOW, current: running }), { resumedAt: '2026-11-25T15:00:00.000Z', ended: running });
    });

    it('refuses when the location is not paused', () => {
      refuses(() => planResume({ now: NOW, current: null }), 'pause.not-paused', /not paused/);
    });

    it('refuses when the pause has already run out', () => {
      refuses(() => planResume({ now: '2026-12-01T00:00:00Z', current: running }), 'pause.not-paused', /2026-12-01/);
    });
  });

  describe('expiry', () => {
    it('ends the pause at 00:00 UTC on pausedUntil, not a moment later or earlier', () => {
      assert.equal(isPauseExpired('2026-11-30T23:59:59.999Z', running), false);
      assert.equal(isPauseExpired('2026-12-01T00:00:00Z', running), true);
      assert.equal(isPauseExpired(NOW, null), false);
    });

    it('lists the locations whose pause has run out, with the instant it ended', () => {
      const due = duePauseExpiries('2026-12-01T06:00:00Z', [
        { mpnId: 'A', pause: running },
        { mpnId: 'B', pause: { ...running, pausedUntil: '2026-12-02' } },
        { mpnId: 'C', pause: null },
        { mpnId: 'D', pause: { ...running, pausedUntil: '2026-11-28' } },
      ]);
      assert.deepEqual(due, [
        { mpnId: 'A', ended: running, endedAt: '2026-12-01T00:00:00.000Z' },
        { mpnId: 'D', ended: { ...running, pausedUntil: '2026-11-28' }, endedAt: '2026-11-28T00:00:00.000Z' },
      ]);
    });

    it('plans the "ends in 3 days" reminder, but not for a pause that short', () => {
      assert.equal(pauseReminderDueAt({ ...running, pausedUntil: '2026-12-10' }), '2026-12-07T00:00:00.000Z');
      assert.equal(pauseReminderDueAt(running, 1), '2026-11-30T00:00:00.000Z');
      assert.equal(pauseReminderDueAt({ ...running, pausedUntil: '2026-11-22' }), null);
    });
  });
});
