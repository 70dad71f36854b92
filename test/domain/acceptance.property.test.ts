import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeAcceptance } from '../../domain/acceptance/compute.ts';
import type { AcceptanceRow, AnswerType, LoggedEvent } from '../../domain/acceptance/types.ts';

const AS_OF_MS = Date.UTC(2026, 10, 25, 12);
const AS_OF = new Date(AS_OF_MS).toISOString();
const DAY = 86_400_000;

interface Offer {
  readonly mpnId: string;
  readonly offeredMs: number;
  readonly answer: AnswerType | null;
  readonly answerDelayMs: number;
}

/** Offers one to four quarters before asOf, some answered after it, one per (referral, MPN ID). */
const offerArb: fc.Arbitrary<Offer> = fc.record({
  mpnId: fc.constantFrom('4100001', '4100002', '42', '9'),
  offeredMs: fc.integer({ min: AS_OF_MS - 400 * DAY, max: AS_OF_MS }),
  answer: fc.constantFrom<AnswerType | null>('accepted', 'declined', 'expired', null),
  answerDelayMs: fc.integer({ min: 0, max: 20 * DAY }),
});

function toEvents(offers: readonly Offer[]): LoggedEvent[] {
  return offers.flatMap((o, i) => {
    const referralId = `R-${i}`;
    const offered: LoggedEvent = { type: 'offered', referralId, mpnId: o.mpnId, at: new Date(o.offeredMs).toISOString() };
    if (o.answer === null) return [offered];
    return [offered, { type: o.answer, referralId, mpnId: o.mpnId, at: new Date(o.offeredMs + o.answerDelayMs).toISOString() }];
  });
}

function report(offers: readonly Offer[], target = 0.8): readonly AcceptanceRow[] {
  return computeAcceptance({ asOf: AS_OF, quarters: 'calendar', target, events: toEvents(offers) }).rates;
}

function calendarLabel(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

describe('acceptance rate properties', () => {
  it('reports a rate in [0, 1], or null exactly when nothing is settled', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 60 }), (offers) => {
        for (const row of report(offers)) {
          const settled = row.accepted + row.declined + row.expired;
          if (settled === 0) assert.deepEqual([row.rate, row.meetsTarget, row.acceptNeeded], [null, null, null]);
          else assert.ok(row.rate !== null && row.rate >= 0 && row.rate <= 1);
        }
      }),
    );
  });

  it('splits every offer into exactly one of accepted, declined, expired or pending', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 60 }), (offers) => {
        const rows = report(offers);
        for (const row of rows) assert.equal(row.accepted + row.declined + row.expired + row.pending, row.offered);
        assert.equal(
          rows.reduce((sum, row) => sum + row.offered, 0),
          offers.length,
        );
      }),
    );
  });

  it('matches a direct count per location and quarter', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 60 }), (offers) => {
        const expected = new Map<string, number[]>();
        for (const o of offers) {
          const key = `${o.mpnId} ${calendarLabel(o.offeredMs)}`;
          const counts = expected.get(key) ?? [0, 0, 0, 0];
          const settled = o.answer !== null && o.offeredMs + o.answerDelayMs <= AS_OF_MS;
          const slot = !settled ? 3 : o.answer === 'accepted' ? 0 : o.answer === 'declined' ? 1 : 2;
          counts[slot] = (counts[slot] ?? 0) + 1;
          expected.set(key, counts);
        }
        const actual = new Map(report(offers).map((r) => [`${r.mpnId} ${r.quarter}`, [r.accepted, r.declined, r.expired, r.pending]]));
        assert.deepEqual(actual, expected);
      }),
    );
  });

  it('gives the smallest acceptNeeded that reaches the target', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 60 }), fc.integer({ min: 0, max: 99 }), (offers, percent) => {
        for (const row of report(offers, percent / 100)) {
          if (row.acceptNeeded === null) continue;
          const settled = row.accepted + row.declined + row.expired;
          const reaches = (n: number): boolean => (row.accepted + n) * 100 >= percent * (settled + n);
          assert.ok(reaches(row.acceptNeeded), `n=${row.acceptNeeded} does not reach ${percent}%`);
          if (row.acceptNeeded > 0) assert.ok(!reaches(row.acceptNeeded - 1), `n-1 already reaches ${percent}%`);
          assert.equal(row.meetsTarget, row.acceptNeeded === 0);
        }
      }),
    );
  });

  it('never lowers a rate when an acceptance is added to the same quarter', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { minLength: 1, maxLength: 60 }), fc.nat(), (offers, pick) => {
        const base = offers[pick % offers.length];
        if (base === undefined) return;
        const added: Offer = { mpnId: base.mpnId, offeredMs: base.offeredMs, answer: 'accepted', answerDelayMs: 0 };
        const before = report(offers).find((r) => r.mpnId === base.mpnId && r.quarter === calendarLabel(base.offeredMs));
        const after = report([...offers, added]).find((r) => r.mpnId === base.mpnId && r.quarter === calendarLabel(base.offeredMs));
        assert.ok(before !== undefined && after !== undefined && after.rate !== null);
        if (before.rate !== null) assert.ok(after.rate >= before.rate, `${after.rate} < ${before.rate}`);
        assert.equal(after.accepted, before.accepted + 1);
      }),
    );
  });

  it('does not depend on the order of the events', () => {
    fc.assert(
      fc.property(
        fc.array(offerArb, { maxLength: 40 }).chain((offers) =>
          fc.tuple(fc.constant(toEvents(offers)), fc.shuffledSubarray(toEvents(offers), { minLength: toEvents(offers).length })),
        ),
        ([events, shuffled]) => {
          const compute = (list: LoggedEvent[]): unknown => computeAcceptance({ asOf: AS_OF, events: list });
          assert.deepEqual(compute(shuffled), compute(events));
        },
      ),
    );
  });
});
