import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseInstant } from '../../domain/acceptance/instant.ts';
import {
  parseQuarterLabel,
  previousQuarter,
  quarterContaining,
  quarterOrdinalOfMs,
  quarterStartMs,
} from '../../domain/acceptance/quarters.ts';
import { targetFraction } from '../../domain/acceptance/target.ts';
import { isDomainError } from '../../domain/errors.ts';

describe('acceptance quarters and instants', () => {
  describe('parseInstant', () => {
    const valid: [string, string][] = [
      ['2026-11-25T12:00:00Z', '2026-11-25T12:00:00.000Z'],
      ['2026-11-25', '2026-11-25T00:00:00.000Z'],
      ['2026-11-25T12:00Z', '2026-11-25T12:00:00.000Z'],
      ['2026-11-25T12:00:00.5Z', '2026-11-25T12:00:00.500Z'],
      ['2026-11-25T12:00:00.123456789Z', '2026-11-25T12:00:00.123Z'],
      ['2026-11-25T12:00:00+05:30', '2026-11-25T06:30:00.000Z'],
      ['2026-11-25T01:00:00-03:00', '2026-11-25T04:00:00.000Z'],
      ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
      ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ];
    for (const [text, iso] of valid) {
      it(`reads ${text}`, () => assert.equal(new Date(parseInstant(text)).toISOString(), iso));
    }

    const invalid = [
      '',
      'tomorrow',
      '2026-11-25T12:00:00',
      '2026-02-29',
      '1900-02-29',
      '2026-02-30T00:00:00Z',
      '2026-13-01',
      '2026-00-10',
      '2026-11-31',
      '2026-11-25T24:00:00Z',
      '2026-11-25T12:60:00Z',
      '2026-11-25T12:00:60Z',
      '2026-11-25T12:00:00.Z',
      '2026-11-25T12:00:00ZZ',
      '2026-11-25T12:00:00+0530',
      '2026-11-25 12:00:00Z',
      '26-11-25',
      '2026/11/25',
      ' 2026-11-25',
    ];
    for (const text of invalid) {
      it(`refuses ${JSON.stringify(text)}`, () => assert.ok(Number.isNaN(parseInstant(text))));
    }

    it('agrees with Date for every instant it prints', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
          assert.equal(parseInstant(new Date(ms).toISOString()), ms);
        }),
      );
    });
  });

  describe('quarters', () => {
    it('places every instant in the quarter Date computes, within its bounds', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
          const d = new Date(ms);
          const ordinal = quarterOrdinalOfMs(ms);
          assert.equal(ordinal, d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3));
          assert.ok(quarterStartMs(ordinal) <= ms && ms < quarterStartMs(ordinal + 1));
        }),
      );
    });

    it('gives the label and half-open bounds of the quarter containing an instant', () => {
      const q = quarterContaining('2026-11-25T12:00:00Z', 'fiscal-july');
      assert.deepEqual(
        { label: q.label, start: q.start, end: q.end },
        { label: 'FY27-Q2', start: '2026-10-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
      );
      assert.equal(quarterContaining(new Date(Date.UTC(2026, 11, 31, 23, 59, 59)), 'calendar').label, '2026-Q4');
    });

    it('steps back to the previous quarter across year boundaries', () => {
      assert.equal(previousQuarter(quarterContaining('2026-07-15', 'fiscal-july')).label, 'FY26-Q4');
      assert.equal(previousQuarter(quarterContaining('2027-02-01', 'calendar')).label, '2026-Q4');
      const prev = previousQuarter(quarterContaining('2027-01-01T00:00:00Z', 'fiscal-july'));
      assert.deepEqual([prev.label, prev.start, prev.end], ['FY27-Q2', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    });

    it('reads labels back in both schemes', () => {
      assert.equal(parseQuarterLabel('FY27-Q1', 'fiscal-july')?.start, '2026-07-01T00:00:00.000Z');
      assert.equal(parseQuarterLabel('fy27-q3', 'fiscal-july')?.start, '2027-01-01T00:00:00.000Z');
      assert.equal(parseQuarterLabel('2026-Q4', 'calendar')?.end, '2027-01-01T00:00:00.000Z');
      assert.equal(parseQuarterLabel('FY27-Q5', 'fiscal-july'), null);
      assert.equal(parseQuarterLabel('2026-Q4', 'fiscal-july'), null);
      fc.assert(
        fc.property(fc.integer({ min: 2000 * 4 + 2, max: 2099 * 4 + 1 }), fc.constantFrom('calendar' as const, 'fiscal-july' as const), (ordinal, scheme) => {
          const q = quarterContaining(new Date(quarterStartMs(ordinal)), scheme);
          assert.equal(parseQuarterLabel(q.label, scheme)?.ordinal, ordinal);
        }),
      );
    });

    it('refuses text that is not a date', () => {
      assert.throws(() => quarterContaining('soon', 'calendar'), (e: unknown) => isDomainError(e, 'acceptance.bad-date'));
    });
  });

  describe('targetFraction', () => {
    it('reads the decimal that was written', () => {
      assert.deepEqual(targetFraction(0.8), { num: 8n, den: 10n });
      assert.deepEqual(targetFraction(1), { num: 1n, den: 1n });
      assert.deepEqual(targetFraction(0), { num: 0n, den: 1n });
      assert.deepEqual(targetFraction(1e-7), { num: 1n, den: 10_000_000n });
    });
  });
});
