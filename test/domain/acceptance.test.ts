import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeAcceptance } from '../../domain/acceptance/compute.ts';
import { parseAcceptanceInput } from '../../domain/acceptance/schema.ts';
import type { QuarterScheme } from '../../domain/acceptance/quarters.ts';
import type { AcceptanceEventType, AcceptanceRow, LoggedEvent } from '../../domain/acceptance/types.ts';
import { isDomainError, type DomainErrorCode } from '../../domain/errors.ts';

const examples = new URL('../../../shared/contracts/examples/', import.meta.url);
const AS_OF = '2026-11-25T12:00:00Z';

function ev(type: AcceptanceEventType, referralId: string, mpnId: string, at: string): LoggedEvent {
  return { type, referralId, mpnId, at };
}

/** `accepted` offers answered yes, then `declined` no, `expired`, and `pending` unanswered. */
function quarterOf(mpnId: string, counts: { accepted?: number; declined?: number; expired?: number; pending?: number }): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  let n = 0;
  const add = (answer: AcceptanceEventType | null, count = 0): void => {
    for (let i = 0; i < count; i++) {
      const id = `R-${mpnId}-${n++}`;
      events.push(ev('offered', id, mpnId, '2026-10-02T09:00:00Z'));
      if (answer !== null) events.push(ev(answer, id, mpnId, '2026-10-03T09:00:00Z'));
    }
  };
  add('accepted', counts.accepted);
  add('declined', counts.declined);
  add('expired', counts.expired);
  add(null, counts.pending);
  return events;
}

function rows(events: readonly LoggedEvent[], options: { quarters?: QuarterScheme; target?: number; asOf?: string } = {}): readonly AcceptanceRow[] {
  return computeAcceptance({ asOf: options.asOf ?? AS_OF, quarters: options.quarters, target: options.target, events }).rates;
}

function onlyRow(events: readonly LoggedEvent[], options: { quarters?: QuarterScheme; target?: number; asOf?: string } = {}): AcceptanceRow {
  const all = rows(events, options);
  assert.equal(all.length, 1, `expected one row, got ${JSON.stringify(all)}`);
  const [row] = all;
  assert.ok(row !== undefined);
  return row;
}

function throwsDomain(fn: () => unknown, code: DomainErrorCode, mentions: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isDomainError(error, code), `expected ${code}, got ${String(error)}`);
    assert.match(error.message, new RegExp(mentions));
    return true;
  });
}

describe('acceptance rate', () => {
  it('reproduces the contract example quarter-basic', () => {
    const input: unknown = JSON.parse(readFileSync(new URL('quarter-basic.in.json', examples), 'utf8'));
    const expected: unknown = JSON.parse(readFileSync(new URL('quarter-basic.out.json', examples), 'utf8'));
    assert.deepEqual(computeAcceptance(parseAcceptanceInput(input)), expected);
  });

  describe('quarter of the offer, in UTC', () => {
    const cases: { at: string; quarters: QuarterScheme; label: string }[] = [
      { at: '2026-06-30T23:59:59Z', quarters: 'calendar', label: '2026-Q2' },
      { at: '2026-07-01T00:00:00Z', quarters: 'calendar', label: '2026-Q3' },
      { at: '2026-06-30T23:59:59Z', quarters: 'fiscal-july', label: 'FY26-Q4' },
      { at: '2026-07-01T00:00:00Z', quarters: 'fiscal-july', label: 'FY27-Q1' },
      { at: '2026-09-30T23:59:59.999Z', quarters: 'fiscal-july', label: 'FY27-Q1' },
      { at: '2026-10-01T00:00:00Z', quarters: 'fiscal-july', label: 'FY27-Q2' },
      { at: '2026-12-31T23:59:59Z', quarters: 'calendar', label: '2026-Q4' },
      { at: '2027-01-01T00:00:00Z', quarters: 'calendar', label: '2027-Q1' },
      { at: '2027-01-01T00:00:00Z', quarters: 'fiscal-july', label: 'FY27-Q3' },
      { at: '2027-04-01T00:00:00Z', quarters: 'fiscal-july', label: 'FY27-Q4' },
      { at: '2027-06-30T12:00:00Z', quarters: 'fiscal-july', label: 'FY27-Q4' },
      { at: '2026-07-01T01:00:00+02:00', quarters: 'calendar', label: '2026-Q2' },
      { at: '2026-06-30T20:00:00-05:00', quarters: 'fiscal-july', label: 'FY27-Q1' },
    ];
    for (const { at, quarters, label } of cases) {
      it(`${at} is ${label} (${quarters})`, () => {
        const row = onlyRow([ev('offered', 'R-1', '1', at)], { quarters, asOf: '2027-12-31T00:00:00Z' });
        assert.equal(row.quarter, label);
      });
    }

    it('counts the offer in the quarter it was made, whenever the answer came', () => {
      const row = onlyRow([ev('offered', 'R-1', '1', '2026-09-30T23:00:00Z'), ev('accepted', 'R-1', '1', '2026-10-01T08:00:00Z')]);
      assert.equal(row.quarter, 'FY27-Q1');
      assert.equal(row.accepted, 1);
    });

    it('defaults to fiscal-july quarters and a target of 0.8', () => {
      const row = onlyRow(quarterOf('1', { accepted: 4, declined: 1 }));
      assert.equal(row.quarter, 'FY27-Q2');
      assert.equal(row.meetsTarget, true);
      assert.equal(onlyRow(quarterOf('1', { accepted: 3, declined: 1 })).meetsTarget, false);
    });
  });

  describe('settled and pending offers', () => {
    it('leaves pending offers out of the rate and reports them', () => {
      const row = onlyRow(quarterOf('1', { accepted: 2, declined: 1, pending: 2 }));
      assert.deepEqual(
        { offered: row.offered, pending: row.pending, rate: row.rate },
        { offered: 5, pending: 2, rate: 0.6667 },
      );
    });

    it('gives a null rate, meetsTarget and acceptNeeded when nothing is settled', () => {
      const row = onlyRow(quarterOf('1', { pending: 3 }));
      assert.deepEqual(
        [row.rate, row.meetsTarget, row.acceptNeeded, row.offered, row.pending],
        [null, null, null, 3, 3],
      );
    });

    it('ignores an answer after asOf: the offer stays pending', () => {
      const row = onlyRow([ev('offered', 'R-1', '1', '2026-11-25T11:00:00Z'), ev('accepted', 'R-1', '1', '2026-11-25T12:00:01Z')]);
      assert.deepEqual([row.pending, row.accepted, row.rate], [1, 0, null]);
    });

    it('counts an answer exactly at asOf', () => {
      const row = onlyRow([ev('offered', 'R-1', '1', '2026-11-25T11:00:00Z'), ev('declined', 'R-1', '1', AS_OF)]);
      assert.deepEqual([row.declined, row.rate], [1, 0]);
    });

    it('does not treat a second answer after asOf as a duplicate', () => {
      const row = onlyRow([
        ev('offered', 'R-1', '1', '2026-11-20T09:00:00Z'),
        ev('accepted', 'R-1', '1', '2026-11-21T09:00:00Z'),
        ev('declined', 'R-1', '1', '2026-11-26T09:00:00Z'),
      ]);
      assert.deepEqual([row.accepted, row.declined, row.rate], [1, 0, 1]);
    });

    it('leaves out offers made after asOf', () => {
      const all = rows([...quarterOf('1', { accepted: 1 }), ev('offered', 'R-late', '1', '2026-11-26T00:00:00Z'), ev('offered', 'R-late', '2', '2026-12-01T00:00:00Z')]);
      assert.deepEqual(
        all.map((r) => [r.mpnId, r.offered]),
        [['1', 1]],
      );
    });

    it('counts expired offers as not accepted', () => {
      const row = onlyRow(quarterOf('1', { accepted: 1, expired: 1 }));
      assert.deepEqual([row.expired, row.rate, row.meetsTarget], [1, 0.5, false]);
    });

    it('reads events in any order', () => {
      const events = quarterOf('1', { accepted: 2, declined: 1, pending: 1 });
      assert.deepEqual(rows([...events].reverse()), rows(events));
    });

    it('skips event types that are not about acceptance, such as the store\'s pause events', () => {
      const logged: LoggedEvent[] = [
        { type: 'paused', mpnId: '1', at: '2026-10-01T00:00:00Z' },
        ...quarterOf('1', { accepted: 1 }),
        { type: 'resumed', mpnId: '1', at: 'not even a date' },
      ];
      assert.deepEqual(rows(logged), rows(quarterOf('1', { accepted: 1 })));
    });
  });

  describe('rate, meetsTarget and acceptNeeded', () => {
    const cases: { accepted: number; settled: number; target?: number; rate: number; meets: boolean; needed: number | null }[] = [
      { accepted: 1, settled: 3, rate: 0.3333, meets: false, needed: 7 },
      { accepted: 4, settled: 5, rate: 0.8, meets: true, needed: 0 },
      { accepted: 8, settled: 10, rate: 0.8, meets: true, needed: 0 },
      { accepted: 3, settled: 4, rate: 0.75, meets: false, needed: 1 },
      { accepted: 0, settled: 1, rate: 0, meets: false, needed: 4 },
      { accepted: 79, settled: 100, rate: 0.79, meets: false, needed: 5 },
      { accepted: 5, settled: 5, rate: 1, meets: true, needed: 0 },
      { accepted: 2, settled: 3, rate: 0.6667, meets: false, needed: 2 },
      { accepted: 1, settled: 32, rate: 0.0313, meets: false, needed: 123 },
      { accepted: 7, settled: 10, target: 0.7, rate: 0.7, meets: true, needed: 0 },
      { accepted: 6, settled: 10, target: 0.7, rate: 0.6, meets: false, needed: 4 },
      { accepted: 0, settled: 4, target: 0, rate: 0, meets: true, needed: 0 },
      { accepted: 3, settled: 3, target: 1, rate: 1, meets: true, needed: 0 },
      { accepted: 2, settled: 3, target: 1, rate: 0.6667, meets: false, needed: null },
    ];
    for (const c of cases) {
      it(`${c.accepted}/${c.settled} against ${c.target ?? 0.8}: rate ${c.rate}, needs ${String(c.needed)}`, () => {
        const row = onlyRow(quarterOf('1', { accepted: c.accepted, declined: c.settled - c.accepted }), { target: c.target });
        assert.deepEqual([row.rate, row.meetsTarget, row.acceptNeeded], [c.rate, c.meets, c.needed]);
      });
    }
  });

  describe('offers per (referral, MPN ID)', () => {
    it('counts a split referral for each location it went to', () => {
      const all = rows([
        ev('offered', 'R-1', 'A', '2026-10-02T09:00:00Z'),
        ev('offered', 'R-1', 'B', '2026-10-02T09:00:00Z'),
        ev('accepted', 'R-1', 'A', '2026-10-03T09:00:00Z'),
        ev('declined', 'R-1', 'B', '2026-10-03T09:00:00Z'),
      ]);
      assert.deepEqual(
        all.map((r) => [r.mpnId, r.offered, r.accepted, r.declined, r.rate]),
        [['A', 1, 1, 0, 1], ['B', 1, 0, 1, 0]],
      );
    });

    it('counts a reassigned referral for the location that declined and the one that accepted', () => {
      const all = rows([
        ev('offered', 'R-1', 'A', '2026-10-02T09:00:00Z'),
        ev('declined', 'R-1', 'A', '2026-10-03T09:00:00Z'),
        ev('offered', 'R-1', 'B', '2026-10-03T10:00:00Z'),
        ev('accepted', 'R-1', 'B', '2026-10-04T09:00:00Z'),
      ]);
      assert.deepEqual(all.map((r) => [r.mpnId, r.rate]), [['A', 0], ['B', 1]]);
    });

    it('counts a repeated offered event once, in the quarter of the earliest one', () => {
      const events = [
        ev('offered', 'R-1', '1', '2026-10-02T09:00:00Z'),
        ev('accepted', 'R-1', '1', '2026-10-05T09:00:00Z'),
        ev('offered', 'R-1', '1', '2026-09-30T09:00:00Z'),
      ];
      const row = onlyRow(events);
      assert.deepEqual([row.quarter, row.offered, row.accepted], ['FY27-Q1', 1, 1]);
      assert.deepEqual(rows([...events].reverse()), rows(events));
    });
  });

  describe('errors in the input', () => {
    it('refuses a second answer to the same offer, naming the referral', () => {
      throwsDomain(
        () => rows([ev('offered', 'R-7', '1', '2026-10-02T09:00:00Z'), ev('accepted', 'R-7', '1', '2026-10-03T09:00:00Z'), ev('expired', 'R-7', '1', '2026-10-09T09:00:00Z')]),
        'acceptance.duplicate-answer',
        'R-7',
      );
    });

    it('refuses two identical answers', () => {
      const answer = ev('declined', 'R-8', '1', '2026-10-03T09:00:00Z');
      throwsDomain(() => rows([ev('offered', 'R-8', '1', '2026-10-02T09:00:00Z'), answer, answer]), 'acceptance.duplicate-answer', 'R-8');
    });

    it('refuses an answer with no offer, naming the referral', () => {
      throwsDomain(() => rows([ev('accepted', 'R-9', '1', '2026-10-03T09:00:00Z')]), 'acceptance.answer-without-offer', 'R-9');
    });

    it('refuses an answer from a location the referral was not offered to', () => {
      throwsDomain(
        () => rows([ev('offered', 'R-10', 'A', '2026-10-02T09:00:00Z'), ev('accepted', 'R-10', 'B', '2026-10-03T09:00:00Z')]),
        'acceptance.answer-without-offer',
        'R-10',
      );
    });

    it('refuses an answer at or before asOf whose offer is after asOf', () => {
      throwsDomain(
        () => rows([ev('offered', 'R-11', '1', '2026-11-26T09:00:00Z'), ev('accepted', 'R-11', '1', '2026-11-24T09:00:00Z')]),
        'acceptance.answer-without-offer',
        'R-11',
      );
    });

    it('ignores an answer without offer when it comes after asOf', () => {
      assert.deepEqual(rows([ev('accepted', 'R-12', '1', '2026-11-26T09:00:00Z')]), []);
    });

    it('refuses an unreadable date, naming the referral', () => {
      throwsDomain(() => rows([ev('offered', 'R-13', '1', '2026-02-30T09:00:00Z')]), 'acceptance.bad-date', 'R-13');
      throwsDomain(() => rows([ev('offered', 'R-14', '1', '2026-10-02T09:00:00')]), 'acceptance.bad-date', 'R-14');
    });

    it('refuses a bad asOf or target', () => {
      throwsDomain(() => rows([], { asOf: 'tomorrow' }), 'acceptance.bad-as-of', 'tomorrow');
      throwsDomain(() => rows([], { target: 1.5 }), 'acceptance.bad-target', '1.5');
      throwsDomain(() => rows([], { target: Number.NaN }), 'acceptance.bad-target', 'NaN');
    });
  });

  describe('row order', () => {
    it('sorts by MPN ID as strings, then by quarter chronologically', () => {
      const events = [
        ev('offered', 'R-1', '9', '2026-10-02T09:00:00Z'),
        ev('offered', 'R-2', '100', '2026-10-02T09:00:00Z'),
        ev('offered', 'R-3', '10', '2027-01-02T09:00:00Z'),
        ev('offered', 'R-4', '10', '2026-08-02T09:00:00Z'),
        ev('offered', 'R-5', '10', '2026-10-02T09:00:00Z'),
      ];
      assert.deepEqual(
        rows(events, { asOf: '2027-02-01T00:00:00Z' }).map((r) => `${r.mpnId} ${r.quarter}`),
        ['10 FY27-Q1', '10 FY27-Q2', '10 FY27-Q3', '100 FY27-Q2', '9 FY27-Q2'],
      );
    });

    it('keeps quarters chronological where fiscal labels would not sort as strings (FY99 to FY00)', () => {
      const events = [ev('offered', 'R-1', '1', '2099-07-02T00:00:00Z'), ev('offered', 'R-2', '1', '2099-06-02T00:00:00Z')];
      assert.deepEqual(
        rows(events, { asOf: '2100-01-01T00:00:00Z' }).map((r) => r.quarter),
        ['FY99-Q4', 'FY00-Q1'],
      );
    });
  });
});
