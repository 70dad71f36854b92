import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matcher, type Location, type Partner, type ReferralRequest } from '../../domain/matching/index.ts';
import { parseDay } from '../../domain/matching/dates.ts';
import { prepareEndorsements, prepareLocations } from '../../domain/matching/prepared.ts';
import { RankedIndex, type RankedQuery } from '../../domain/matching/ranked-index.ts';
import { SeatForestBuilder } from '../../domain/matching/seat-tree.ts';
import { LocationTable } from '../../domain/matching/table.ts';
import { TournamentForest } from '../../domain/matching/tournament.ts';
import { AS_OF, location } from '../helpers/matching-fixtures.ts';



const partners: Partner[] = [
  { partnerId: 'contoso', specializations: [{ workload: 'Teams', expires: '2027-06-30' }] },
  { partnerId: 'both', specializations: [{ workload: 'Teams', expires: '2027-06-30' }, { workload: 'Intune', expires: '2027-06-30' }] },
  { partnerId: 'intune', specializations: [{ workload: 'Intune', expires: '2027-06-30' }] },
];

function referral(id: string, workloads: readonly string[] = ['Teams']): ReferralRequest {
  return {
    id,
    type: 'Standard',
    workloads,
    customer: { country: 'US', language: 'en', seats: 800, industry: 'Retail', cporClaims: [] },
    exclude: [],
  };
}

/** The index on its own, to see how many locations a query looked at. */
function indexOf(locations: readonly Location[]): { index: RankedIndex; query: (workloads: readonly string[]) => RankedQuery; table: LocationTable } {
  const asOf = parseDay(AS_OF, 'asOf');
  const prepared = prepareLocations(locations, prepareEndorsements(partners, asOf), asOf);
  const table = new LocationTable(prepared);
  const index = new RankedIndex(prepared, table);
  const query = (workloads: readonly string[]): RankedQuery => {
    const bits = workloads.map((w) => table.bitOf(w.toLowerCase()));
    const wanted = new Uint32Array(table.words);
    for (const bit of bits) wanted[bit >>> 5] = (wanted[bit >>> 5] ?? 0) | (1 << (bit & 31));
    return { customer: referral('Q').customer, exclude: new Set(), bits, wanted };
  };
  return { index, query, table };
}

describe('matching: round-robin index', () => {
  it('breaks ties on MPN IDs as strings ("10" < "100" < "11" < "9") as counters even out', () => {
    const locations = [
      location('9'),
      // In the Retail list rather than the any-industry one: ties must hold across lists.
      location('10', { industries: ['Retail'], referralsReceived: 1 }),
      // A narrower seat range, and two that rule the customer out, so the seat tree has levels.
      location('100', { minSeats: 500, maxSeats: 900, referralsReceived: 1 }),
      location('11', { referralsReceived: 2 }),
      location('5', { minSeats: 0, maxSeats: 100 }),
      location('6', { minSeats: 1000, maxSeats: 5000 }),
    ];
    const matcher = new Matcher({ asOf: AS_OF, locations, partners });
    const picks = Array.from({ length: 8 }, (_, i) => matcher.match(referral(`R-${i}`), { explain: false }).assignments[0]?.mpnId);
    assert.deepEqual(picks, ['9', '10', '100', '9', '10', '100', '11', '9']);
    assert.deepEqual(
      [...matcher.receivedCounts()],
      [['9', 3], ['10', 3], ['100', 3], ['11', 3], ['5', 0], ['6', 0]],
    );
    const explained = matcher.match(referral('R-8'), { explain: true }).explanation;
    assert.ok(explained.includes('9: eligible, but 10 has as many referrals (3) and a smaller MPN ID'), explained.join('\n'));
  });

  it('builds a country on its first round-robin referral, from the counters as they stand then', () => {
    const locations = [location('1'), location('2'), location('3', { country: 'CA' })];
    const matcher = new Matcher({ asOf: AS_OF, locations, partners });
    const claimed = { ...referral('R-1'), customer: { ...referral('R-1').customer, cporClaims: [{ mpnId: '1', workload: 'Teams' }] } };
    // A claim holder wins without the index, and a NaN seat count is scanned: both move counters
    // of a country whose index does not exist yet.
    assert.equal(matcher.match(claimed, { explain: false }).assignments[0]?.basis, 'cpor-claim');
    const nan = { ...referral('R-2'), customer: { ...referral('R-2').customer, seats: Number.NaN } };
    assert.equal(matcher.match(nan, { explain: false }).assignments[0]?.mpnId, '2');
    assert.equal(matcher.match(referral('R-3'), { explain: false }).assignments[0]?.mpnId, '1');
    assert.equal(matcher.match(referral('R-4'), { explain: false }).assignments[0]?.mpnId, '2');
    assert.deepEqual([...matcher.receivedCounts()], [['1', 2], ['2', 2], ['3', 0]]);
  });

  it('never looks at locations that seats, industry or language rule out, however many sit at lower counts', () => {
    const locations: Location[] = [];
    for (let i = 0; i < 300; i++) {
      locations.push(location(`1${i}`, { minSeats: 1000 }));
      locations.push(location(`2${i}`, { minSeats: null, maxSeats: 700 }));
      locations.push(location(`3${i}`, { industries: ['Healthcare'] }));
      locations.push(location(`4${i}`, { languages: ['es'] }));
    }
    locations.push(location('999', { referralsReceived: 50 }));
    const { index, query } = indexOf(locations);
    const winner = index.first(query(['Teams']));
    assert.equal(winner, locations.length - 1);
    assert.equal(index.visited, 1);
  });

  it('steps over better-placed locations that lack another workload of W, and puts them back', () => {
    const locations = [
      ...Array.from({ length: 20 }, (_, i) => location(`1${i}`)),
      ...Array.from({ length: 5 }, (_, i) => location(`2${i}`, { partnerId: 'intune' })),
      location('3', { partnerId: 'both', referralsReceived: 9 }),
      location('4', { partnerId: 'both', referralsReceived: 10 }),
    ];
    const { index, query } = indexOf(locations);
    // Intune's list is the narrower (7 against 22), and its 5 Intune-only locations come first.
    assert.equal(index.first(query(['Teams', 'Intune'])), 25);
    assert.equal(index.visited, 6);
    assert.equal(index.first(query(['Intune'])), 20, 'the locations stepped over are back for the next query');
    assert.equal(index.first(query(['Teams'])), 0);
    index.receive(0);
    assert.equal(index.first(query(['Teams'])), 1, 'after an increment the next one comes first');
  });

  it('the seat tree yields exactly the ranges containing the seat count, each once, in few prefixes', () => {
    const bound = fc.constantFrom(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0, 1, 5, 10, 50, 100, 101, 500);
    const rangesArb = fc.array(fc.tuple(bound, bound).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a])), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(rangesArb, fc.array(fc.constantFrom(-1, 0, 1, 4, 5, 7, 50, 100, 100.5, 101, 1e9), { minLength: 1, maxLength: 10 }), (ranges, seatCounts) => {
        const min = Float64Array.from(ranges, (r) => r[0]);
        const max = Float64Array.from(ranges, (r) => r[1]);
        const ids = ranges.map((_, i) => i);
        const byMin = Int32Array.from([...ids].sort((x, y) => (min[x] ?? 0) - (min[y] ?? 0) || x - y));
        const byMax = Int32Array.from([...ids].sort((x, y) => ((max[y] ?? 0) > (max[x] ?? 0) ? 1 : (max[y] ?? 0) < (max[x] ?? 0) ? -1 : x - y)));
        const builder = new SeatForestBuilder(min, max, ranges.length);
        const root = builder.add(byMin, byMax);
        const seats = builder.finish();
        assert.ok(seats.maxDepth <= Math.floor(Math.log2(ranges.length)) + 1, `depth ${seats.maxDepth} for ${ranges.length}`);
        const out = new Int32Array(4 * (seats.maxDepth + 1));
        for (const s of seatCounts) {
          const k = seats.prefixes(root, s, out, 0);
          const found: number[] = [];
          for (let i = 0; i < k; i++) {
            const tree = out[2 * i] ?? 0;
            const from = builder.treeStart[tree] ?? 0;
            for (let j = 0; j < (out[2 * i + 1] ?? 0); j++) found.push(builder.leaves[from + j] ?? -1);
          }
          const expected = ids.filter((i) => (min[i] ?? 0) <= s && s <= (max[i] ?? 0));
          assert.deepEqual([...found].sort((x, y) => x - y), expected, `seats ${s}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a tournament tree keeps the smallest key of any prefix as keys rise and leaves come and go', () => {
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('raise' as const), leaf: fc.nat(40), by: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('out' as const), leaf: fc.nat(40) }),
      fc.record({ kind: fc.constant('back' as const), leaf: fc.nat(40) }),
      fc.record({ kind: fc.constant('best' as const), n: fc.nat(41) }),
    );
    fc.assert(
      fc.property(fc.array(fc.nat(5), { minLength: 1, maxLength: 41 }), fc.array(opArb, { maxLength: 80 }), (start, ops) => {
        const m = start.length;
        const keys = [...start];
        const present = start.map(() => true);
        // Two trees back to back, the first a dummy, so offsets into the shared array are tested.
        const initial = [7, 3, 9, ...start];
        const forest = new TournamentForest(Int32Array.from(initial, (_, i) => i), [0, 3], [3, m], (i) => initial[i] ?? 0);
        for (const op of ops) {
          if (op.kind === 'best') {
            const n = Math.min(op.n, m);
            const expected = Math.min(...keys.slice(0, n).filter((_, i) => present[i]));
            assert.equal(forest.best(1, n), expected);
            continue;
          }
          const leaf = op.leaf % m;
          if (op.kind === 'raise') {
            keys[leaf] = (keys[leaf] ?? 0) + op.by;
            if (present[leaf]) forest.set(1, leaf, keys[leaf] ?? 0);
          } else if (op.kind === 'out' && present[leaf]) {
            present[leaf] = false;
            forest.set(1, leaf, Number.POSITIVE_INFINITY);
          } else if (op.kind === 'back' && !present[leaf]) {
            present[leaf] = true;
            forest.set(1, leaf, keys[leaf] ?? 0);
          }
        }
        assert.equal(forest.best(0, 3), 3, 'the other tree is untouched');
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to the linear scan for counters no key can hold, with the same decisions', () => {
    const locations = [location('9', { referralsReceived: 0.5 }), location('10', { referralsReceived: 0.5 }), location('8', { referralsReceived: 1 })];
    const matcher = new Matcher({ asOf: AS_OF, locations, partners });
    const picks = Array.from({ length: 4 }, (_, i) => matcher.match(referral(`R-${i}`), { explain: false }).assignments[0]?.mpnId);
    assert.deepEqual(picks, ['10', '9', '8', '10']);
  });
});
