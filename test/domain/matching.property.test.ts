import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Matcher,
  matchScenario,
  MAX_SPLIT_LOCATIONS,
  type Assignment,
  type Location,
  type MatchResult,
  type Partner,
  type ReferralRequest,
  type Scenario,
} from '../../domain/matching/index.ts';

const AS_OF = '2026-11-25';
const COUNTRIES = ['US', 'CA'] as const;
const LANGUAGES = ['en', 'fr'] as const;
const WORKLOADS = ['Teams', 'Intune', 'Exchange', 'Defender'] as const;
const INDUSTRIES = ['Retail', 'Healthcare'] as const;
const DAYS = ['2026-11-24', '2026-11-25', '2026-11-26'] as const;
const PARTNER_IDS = ['p0', 'p1', 'p2', 'p3'] as const;

/** A workload in a random case, since names must compare case-insensitively. */
const workloadName = fc
  .tuple(fc.constantFrom(...WORKLOADS), fc.constantFrom('as is', 'lower', 'upper'))
  .map(([w, c]) => (c === 'lower' ? w.toLowerCase() : c === 'upper' ? w.toUpperCase() : w));

const partnerArb = (partnerId: string): fc.Arbitrary<Partner> =>
  fc.record({
    partnerId: fc.constant(partnerId),
    specializations: fc.array(fc.record({ workload: workloadName, expires: fc.constantFrom(...DAYS) }), { maxLength: 4 }),
  });

const locationArb = (mpnId: string): fc.Arbitrary<Location> =>
  fc.record({
    mpnId: fc.constant(mpnId),
    partnerId: fc.constantFrom(...PARTNER_IDS, 'ghost'),
    country: fc.constantFrom(...COUNTRIES),
    languages: fc.subarray([...LANGUAGES]),
    minSeats: fc.constantFrom(null, undefined, 100, 800, 801),
    maxSeats: fc.constantFrom(null, undefined, 799, 800, 5000),
    industries: fc.subarray([...INDUSTRIES]),
    status: fc.constantFrom('active', 'active', 'active', 'departed'),
    pausedUntil: fc.constantFrom(null, null, ...DAYS),
    referralsReceived: fc.nat(4),
  });

const referralArb = (id: string, mpnIds: readonly string[]): fc.Arbitrary<ReferralRequest> =>
  fc.record({
    id: fc.constant(id),
    type: fc.constantFrom('Standard', 'Benefit'),
    workloads: fc.uniqueArray(workloadName, { minLength: 1, maxLength: 4, selector: (w) => w.toLowerCase() }),
    customer: fc.record({
      country: fc.constantFrom(...COUNTRIES),
      language: fc.constantFrom(...LANGUAGES),
      seats: fc.constantFrom(50, 100, 800, 5000, 9000),
      industry: fc.constantFrom(...INDUSTRIES, 'Finance'),
      cporClaims: fc.subarray([...mpnIds], { maxLength: Math.min(2, mpnIds.length) }).chain((ids) =>
        fc.tuple(...ids.map((mpnId) => fc.record({ mpnId: fc.constant(mpnId), workload: workloadName }))),
      ),
    }),
    exclude: fc.subarray([...mpnIds], { maxLength: Math.min(2, mpnIds.length) }),
  });

/** MPN IDs of mixed length, so string order and numeric order differ. */
const mpnIdsArb = fc.uniqueArray(fc.stringMatching(/^[1-9][0-9]{0,2}$/), { maxLength: 9 });

const scenarioArb: fc.Arbitrary<Scenario> = mpnIdsArb.chain((ids) =>
  fc.record({
    asOf: fc.constant(AS_OF),
    locations: fc.tuple(...ids.map(locationArb)),
    partners: fc.tuple(...PARTNER_IDS.map(partnerArb)),
    referrals: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }).chain((ns) =>
      fc.tuple(...ns.map((_, i) => referralArb(`R-${i}`, ids))),
    ),
  }),
);

/** Rule 1 straight from the contract, on the raw input. Generated dates are plain YYYY-MM-DD. */
function endorsed(s: Scenario, loc: Location, workload: string): boolean {
  return s.partners.some(
    (p) =>
      p.partnerId === loc.partnerId &&
      p.specializations.some((sp) => sp.workload.toLowerCase() === workload.toLowerCase() && sp.expires >= s.asOf),
  );
}

/** Rules 1–7 straight from the contract. */
function eligible(s: Scenario, loc: Location, workload: string, r: ReferralRequest): boolean {
  const c = r.customer;
  return (
    endorsed(s, loc, workload) &&
    loc.status === 'active' &&
    !(loc.pausedUntil !== null && s.asOf < loc.pausedUntil) &&
    loc.country === c.country &&
    loc.languages.includes(c.language) &&
    (loc.minSeats === null || loc.minSeats === undefined || c.seats >= loc.minSeats) &&
    (loc.maxSeats === null || loc.maxSeats === undefined || c.seats <= loc.maxSeats) &&
    (loc.industries.length === 0 || loc.industries.includes(c.industry)) &&
    !r.exclude.includes(loc.mpnId)
  );
}

function distinctWorkloads(r: ReferralRequest): string[] {
  return r.workloads.filter((w, i) => r.workloads.findIndex((x) => x.toLowerCase() === w.toLowerCase()) === i);
}

/** A naive reading of "Choosing the assignment", one referral after another. */
function reference(s: Scenario): { assignments: Assignment[]; ftc: string[] }[] {
  const received = new Map(s.locations.map((l) => [l.mpnId, l.referralsReceived]));
  const count = (l: Location): number => received.get(l.mpnId) ?? 0;
  return s.referrals.map((r) => {
    const w = distinctWorkloads(r);
    const claim = (l: Location): boolean => r.customer.cporClaims.some((c) => c.mpnId === l.mpnId);
    const basis = (l: Location): Assignment['basis'] => (claim(l) ? 'cpor-claim' : 'round-robin');
    const byRank = (cover: (l: Location) => number) => (a: Location, b: Location): number =>
      Number(claim(b)) - Number(claim(a)) || cover(b) - cover(a) || count(a) - count(b) || (a.mpnId < b.mpnId ? -1 : 1);
    const assignments: Assignment[] = [];
    let rest = [...w];
    const full = s.locations.filter((l) => w.every((x) => eligible(s, l, x, r))).sort(byRank(() => 0));
    const first = full[0];
    if (first !== undefined) {
      assignments.push({ mpnId: first.mpnId, workloads: [...w], basis: basis(first) });
      rest = [];
    } else {
      const picked: Location[] = [];
      for (let round = 0; round < 3 && rest.length > 0; round++) {
        const cover = (l: Location): number => rest.filter((x) => eligible(s, l, x, r)).length;
        const best = s.locations.filter((l) => !picked.includes(l) && cover(l) > 0).sort(byRank(cover))[0];
        if (best === undefined) break;
        picked.push(best);
        const got = rest.filter((x) => eligible(s, best, x, r));
        assignments.push({ mpnId: best.mpnId, workloads: got, basis: basis(best) });
        rest = rest.filter((x) => !got.includes(x));
      }
    }
    for (const a of assignments) received.set(a.mpnId, (received.get(a.mpnId) ?? 0) + 1);
    return { assignments, ftc: rest };
  });
}

/** Checks that one explanation line states only facts about the location and the referral. */
function assertTrueExplanation(s: Scenario, r: ReferralRequest, line: string): void {
  const sep = line.indexOf(': ');
  const mpnId = line.slice(0, sep);
  const text = line.slice(sep + 2);
  const loc = s.locations.find((l) => l.mpnId === mpnId);
  assert.ok(loc, `explains an unknown location: ${line}`);
  const c = r.customer;
  const w = distinctWorkloads(r);
  const m = /^not endorsed for (.*)$/.exec(text);
  if (m?.[1] !== undefined) {
    const names = m[1].split(', ').map((part) => part.replace(/ \(specialization expired \d{4}-\d{2}-\d{2}\)$/, ''));
    for (const name of names) {
      assert.ok(w.includes(name), `not a requested workload: ${line}`);
      assert.ok(!endorsed(s, loc, name), `is endorsed: ${line}`);
    }
    return;
  }
  if (text === 'departed') return assert.equal(loc.status, 'departed', line);
  if (text.startsWith('paused until ')) {
    assert.equal(text, `paused until ${loc.pausedUntil ?? ''}`, line);
    return assert.ok(s.asOf < (loc.pausedUntil ?? ''), line);
  }
  if (text.startsWith('country ')) {
    assert.equal(text, `country ${loc.country}, customer ${c.country}`, line);
    return assert.notEqual(loc.country, c.country, line);
  }
  if (text.startsWith('language ')) return assert.ok(!loc.languages.includes(c.language), line);
  if (text.startsWith('seats ')) {
    const below = loc.minSeats !== null && loc.minSeats !== undefined && c.seats < loc.minSeats;
    const above = loc.maxSeats !== null && loc.maxSeats !== undefined && c.seats > loc.maxSeats;
    return assert.ok(below || above, line);
  }
  if (text.startsWith('industry ')) {
    return assert.ok(loc.industries.length > 0 && !loc.industries.includes(c.industry), line);
  }
  if (text === 'excluded from this referral') return assert.ok(r.exclude.includes(mpnId), line);
  const e = /^eligible for (.*), but /.exec(text);
  if (e?.[1] !== undefined) {
    for (const name of e[1].split(', ')) assert.ok(eligible(s, loc, name, r), `not eligible: ${line}`);
    return;
  }
  assert.ok(text.startsWith('eligible, but '), `unrecognised explanation: ${line}`);
  assert.ok(w.every((x) => eligible(s, loc, x, r)), `not eligible for all: ${line}`);
}

function withoutExplanations(results: readonly MatchResult[]): unknown[] {
  return results.map(({ explanation: _explanation, ...rest }) => rest);
}

describe('matching: properties', () => {
  it('agrees with a naive reading of the contract', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const expected = reference(s).map((x, i) => ({ referralId: s.referrals[i]?.id, ...x }));
        assert.deepEqual(withoutExplanations(matchScenario(s, { explain: false }).results), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('gives work only to locations eligible for it', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const results = matchScenario(s).results;
        results.forEach((result, i) => {
          const r = s.referrals[i];
          assert.ok(r);
          for (const a of result.assignments) {
            const loc = s.locations.find((l) => l.mpnId === a.mpnId);
            assert.ok(loc);
            assert.notEqual(loc.status, 'departed');
            assert.ok(loc.pausedUntil === null || loc.pausedUntil <= s.asOf);
            assert.ok(!r.exclude.includes(loc.mpnId));
            for (const w of a.workloads) assert.ok(eligible(s, loc, w, r), `${loc.mpnId} got ${w} in ${r.id}`);
          }
        });
      }),
    );
  });

  it('assigns every requested workload exactly once, to at most 3 distinct locations', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        matchScenario(s).results.forEach((result, i) => {
          const r = s.referrals[i];
          assert.ok(r);
          const given = [...result.assignments.flatMap((a) => a.workloads), ...result.ftc];
          assert.deepEqual([...given].sort(), distinctWorkloads(r).sort());
          for (const name of given) assert.ok(r.workloads.includes(name), 'spelled as the referral does');
          assert.ok(result.assignments.length <= MAX_SPLIT_LOCATIONS);
          assert.equal(new Set(result.assignments.map((a) => a.mpnId)).size, result.assignments.length);
          for (const a of result.assignments) assert.ok(a.workloads.length > 0);
        });
      }),
    );
  });

  it('explains each left-out location once, truthfully, and never an assigned one', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        matchScenario(s).results.forEach((result, i) => {
          const r = s.referrals[i];
          assert.ok(r);
          const assigned = new Set(result.assignments.map((a) => a.mpnId));
          const named = result.explanation.map((line) => line.slice(0, line.indexOf(': ')));
          assert.deepEqual(named, s.locations.map((l) => l.mpnId).filter((id) => !assigned.has(id)));
          for (const line of result.explanation) assertTrueExplanation(s, r, line);
        });
      }),
    );
  });

  it('keeps equally placed locations within 1 referral of each other over a batch', () => {
    const clonesArb = fc.record({
      base: scenarioArb,
      clone: locationArb('x').map((l) => ({ ...l, status: 'active' as const, pausedUntil: null })),
      ids: fc.uniqueArray(fc.stringMatching(/^c[0-9]{1,2}$/), { minLength: 2, maxLength: 5 }),
      more: fc.array(referralArb('C', []), { minLength: 1, maxLength: 20 }),
    });
    fc.assert(
      fc.property(clonesArb, ({ base, clone, ids, more }) => {
        const clones = ids.map((mpnId) => ({ ...clone, mpnId }));
        const s: Scenario = { ...base, locations: [...base.locations, ...clones], referrals: [...base.referrals, ...more] };
        const matcher = new Matcher(s);
        matcher.matchAll(s.referrals, { explain: false });
        const counts = ids.map((id) => matcher.referralsReceived(id) ?? NaN);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `clone counts ${counts.join(', ')}`);
      }),
    );
  });

  it('is deterministic and does not depend on the order of locations or partners', () => {
    fc.assert(
      fc.property(scenarioArb, fc.infiniteStream(fc.nat()), (s, noise) => {
        const once = matchScenario(s);
        assert.deepEqual(matchScenario(s), once);
        const shuffle = <T>(xs: readonly T[]): T[] =>
          xs.map((x) => ({ x, k: noise.next().value })).sort((a, b) => a.k - b.k).map(({ x }) => x);
        const shuffled = { ...s, locations: shuffle(s.locations), partners: shuffle(s.partners) };
        assert.deepEqual(withoutExplanations(matchScenario(shuffled, { explain: false }).results), withoutExplanations(once.results));
      }),
    );
  });
});

describe('matching: properties on a crowded country', () => {
  // Many locations share the customer's country, with counters spread out and seat ranges that
  // overlap, nest, lie apart or are inverted, so the round-robin index has to order, skip and
  // split by seats the way the naive reading does.
  const SEAT_MIN = [null, undefined, 0, 100, 150, 300, 800, 801, 5000] as const;
  const SEAT_MAX = [null, undefined, 100, 299, 300, 799, 800, 5000, 9000] as const;
  const crowdedLocationArb = (mpnId: string): fc.Arbitrary<Location> =>
    fc.record({
      mpnId: fc.constant(mpnId),
      partnerId: fc.constantFrom(...PARTNER_IDS),
      country: fc.constantFrom('US', 'US', 'US', 'US', 'CA'),
      languages: fc.constantFrom(['en'], ['en'], ['en', 'fr'], ['fr']),
      minSeats: fc.constantFrom(...SEAT_MIN),
      maxSeats: fc.constantFrom(...SEAT_MAX),
      industries: fc.constantFrom([], [], [], ['Retail'], ['Healthcare'], ['Retail', 'Healthcare']),
      status: fc.constantFrom('active', 'active', 'active', 'active', 'departed'),
      pausedUntil: fc.constantFrom(null, null, null, null, ...DAYS),
      referralsReceived: fc.nat(6),
    });
  const crowdedReferralArb = (id: string, mpnIds: readonly string[]): fc.Arbitrary<ReferralRequest> =>
    fc.record({
      id: fc.constant(id),
      type: fc.constant('Standard' as const),
      workloads: fc.uniqueArray(workloadName, { minLength: 1, maxLength: 3, selector: (w) => w.toLowerCase() }),
      customer: fc.record({
        country: fc.constantFrom('US', 'US', 'US', 'CA'),
        language: fc.constantFrom('en', 'en', 'fr'),
        seats: fc.constantFrom(0, 50, 100, 150, 299, 300, 301, 799, 800, 801, 5000, 9000, 20000),
        industry: fc.constantFrom(...INDUSTRIES, 'Finance'),
        cporClaims: fc.oneof(
          { weight: 3, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.subarray([...mpnIds], { maxLength: 3 }).map((ids) => ids.map((mpnId) => ({ mpnId, workload: 'Teams' }))) },
        ),
      }),
      exclude: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray([...mpnIds], { maxLength: 4 }) }),
    })
    // A claim holder that is also excluded must still lose, so let excludes hit claim holders.
    .chain((r) =>
      fc.boolean().map((both) => (both && r.customer.cporClaims.length > 0 ? { ...r, exclude: [...r.exclude, r.customer.cporClaims[0]?.mpnId ?? ''] } : r)),
    );
  const crowdedArb: fc.Arbitrary<Scenario> = fc
    .uniqueArray(fc.stringMatching(/^[1-9][0-9]{0,2}$/), { minLength: 20, maxLength: 70 })
    .chain((ids) =>
      fc.record({
        asOf: fc.constant(AS_OF),
        locations: fc.tuple(...ids.map(crowdedLocationArb)),
        partners: fc.tuple(...PARTNER_IDS.map(partnerArb)),
        referrals: fc.integer({ min: 10, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => crowdedReferralArb(`R-${i}`, ids)))),
      }),
    );

  it('agrees with a naive reading of the contract over long batches', () => {
    fc.assert(
      fc.property(crowdedArb, (s) => {
        const expected = reference(s).map((x, i) => ({ referralId: s.referrals[i]?.id, ...x }));
        assert.deepEqual(withoutExplanations(matchScenario(s, { explain: false }).results), expected);
      }),
      { numRuns: 200 },
    );
  });

  it('explains truthfully, with counters moving between referrals', () => {
    fc.assert(
      fc.property(crowdedArb, (s) => {
        const matcher = new Matcher(s);
        for (const r of s.referrals) {
          const result = matcher.match(r, { explain: 'customer-country' });
          for (const line of result.explanation) if (!line.includes(' other location')) assertTrueExplanation(s, r, line);
        }
      }),
      { numRuns: 50 },
    );
  });
});
