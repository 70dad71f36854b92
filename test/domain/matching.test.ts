import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  formatDay,
  matchScenario,
  parseScenario,
  tryParseDay,
  type Location,
  type MatchResult,
  type ReferralRequest,
} from '../../domain/matching/index.ts';
import { AS_OF, customer, location, matchOne, partner, referral } from '../helpers/matching-fixtures.ts';

const EXAMPLES = new URL('../../../shared/contracts/examples/', import.meta.url);
const MATCHING_EXAMPLES = ['cpor-claim-wins', 'paused-expired-and-batch', 'single-round-robin', 'split-with-ftc'];


function stripExplanations(outcome: { results: readonly MatchResult[] }): unknown {
  return { ...outcome, results: outcome.results.map(({ explanation: _explanation, ...rest }) => rest) };
}

describe('matching: contract examples', () => {
  it('finds every matching example beside the contract', () => {
    const names = readdirSync(EXAMPLES).filter((f) => f.endsWith('.in.json')).map((f) => f.slice(0, -'.in.json'.length));
    for (const name of MATCHING_EXAMPLES) assert.ok(names.includes(name), `missing example ${name}`);
  });

  for (const name of MATCHING_EXAMPLES) {
    it(`reproduces ${name}`, () => {
      const input: unknown = JSON.parse(readFileSync(new URL(`${name}.in.json`, EXAMPLES), 'utf8'));
      const expected: unknown = JSON.parse(readFileSync(new URL(`${name}.out.json`, EXAMPLES), 'utf8'));
      const parsed = parseScenario(input);
      assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.field}: ${parsed.message}`);
      const outcome = matchScenario(parsed.scenario);
      assert.deepEqual(stripExplanations(outcome), expected);
      for (const result of outcome.results) {
        const assigned = new Set(result.assignments.map((a) => a.mpnId));
        const explained = result.explanation.map((line) => line.slice(0, line.indexOf(':')));
        const leftOut: string[] = parsed.scenario.locations.map((l) => l.mpnId).filter((id) => !assigned.has(id));
        assert.deepEqual(explained, leftOut);
      }
    });
  }
});

interface RuleCase {
  readonly name: string;
  readonly location?: Partial<Location>;
  readonly expires?: string;
  readonly ref?: Partial<ReferralRequest>;
  readonly asOf?: string;
  /** Null when the location must get the referral; otherwise the explanation it must get. */
  readonly leftOutBecause: string | null;
}

describe('matching: eligibility rules and boundaries', () => {
  const cases: RuleCase[] = [
    { name: 'seats equal to minSeats are inside', location: { minSeats: 800 }, leftOutBecause: null },
    { name: 'seats equal to maxSeats are inside', location: { minSeats: 100, maxSeats: 800 }, leftOutBecause: null },
    { name: 'seats below minSeats', location: { minSeats: 801 }, leftOutBecause: '4100001: seats 800 below minimum 801' },
    { name: 'seats above maxSeats', location: { minSeats: null, maxSeats: 799 }, leftOutBecause: '4100001: seats 800 above maximum 799' },
    {
      name: 'seats outside both bounds',
      location: { minSeats: 1000, maxSeats: 5000 },
      leftOutBecause: '4100001: seats 800 outside 1000–5000',
    },
    { name: 'null bounds are unbounded', location: { minSeats: null, maxSeats: null }, leftOutBecause: null },
    { name: 'absent bounds are unbounded', location: { minSeats: undefined, maxSeats: undefined }, leftOutBecause: null },
    { name: 'zero seats with no bounds', location: { minSeats: null }, ref: { customer: customer({ seats: 0 }) }, leftOutBecause: null },
    { name: 'specialization expiring on asOf is valid', expires: AS_OF, leftOutBecause: null },
    {
      name: 'specialization expired the day before asOf',
      expires: '2026-11-24',
      leftOutBecause: '4100001: not endorsed for Teams (specialization expired 2026-11-24)',
    },
    {
      name: 'timestamp asOf late in the day still keeps a same-day expiry valid',
      asOf: '2026-11-25T23:30:00Z',
      expires: '2026-11-25',
      leftOutBecause: null,
    },
    {
      name: 'timestamps compare on their UTC date',
      expires: '2026-11-25T01:00:00+02:00',
      leftOutBecause: '4100001: not endorsed for Teams (specialization expired 2026-11-24)',
    },
    { name: 'paused until asOf is no longer paused', location: { pausedUntil: AS_OF }, leftOutBecause: null },
    { name: 'paused until a past date is not paused', location: { pausedUntil: '2026-01-01' }, leftOutBecause: null },
    {
      name: 'paused until the day after asOf is paused',
      location: { pausedUntil: '2026-11-26' },
      leftOutBecause: '4100001: paused until 2026-11-26',
    },
    { name: 'departed', location: { status: 'departed' }, leftOutBecause: '4100001: departed' },
    { name: 'other country', location: { country: 'DE' }, leftOutBecause: '4100001: country DE, customer US' },
    {
      name: 'customer language not spoken',
      location: { languages: ['de', 'fr'] },
      leftOutBecause: '4100001: language en not offered (offers de, fr)',
    },
    { name: 'empty industries serve any industry', location: { industries: [] }, leftOutBecause: null },
    { name: 'listed industry served', location: { industries: ['Healthcare', 'Retail'] }, leftOutBecause: null },
    {
      name: 'industry not served',
      location: { industries: ['Healthcare'] },
      leftOutBecause: '4100001: industry Retail not served (serves Healthcare)',
    },
    { name: 'excluded', ref: { exclude: ['4100001'] }, leftOutBecause: '4100001: excluded from this referral' },
    {
      name: 'departed is reported before country',
      location: { status: 'departed', country: 'DE' },
      leftOutBecause: '4100001: departed',
    },
    {
      name: 'endorsement is reported first',
      location: { country: 'DE' },
      expires: '2026-01-31',
      leftOutBecause: '4100001: not endorsed for Teams (specialization expired 2026-01-31)',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = matchOne(
        [location('4100001', c.location)],
        [partner('contoso', ['Teams'], c.expires)],
        referral(['Teams'], c.ref),
        c.asOf,
      );
      if (c.leftOutBecause === null) {
        assert.deepEqual(result.assignments, [{ mpnId: '4100001', workloads: ['Teams'], basis: 'round-robin' }]);
        assert.deepEqual(result.ftc, []);
        assert.deepEqual(result.explanation, []);
      } else {
        assert.deepEqual(result.assignments, []);
        assert.deepEqual(result.ftc, ['Teams']);
        assert.deepEqual(result.explanation, [c.leftOutBecause]);
      }
    });
  }

  it('an unknown partner has no endorsements', () => {
    const result = matchOne([location('4100001', { partnerId: 'nobody' })], [], referral(['Teams']));
    assert.deepEqual(result.ftc, ['Teams']);
    assert.deepEqual(result.explanation, ['4100001: not endorsed for Teams']);
  });

  it('endorsements belong to the partner, so every location of it has them', () => {
    const result = matchOne(
      [location('4100001', { country: 'DE', languages: ['de'] }), location('4100002', { referralsReceived: 4 })],
      [partner('contoso', ['Teams'])],
      referral(['Teams'], { customer: customer({ country: 'DE', language: 'de' }) }),
    );
    assert.equal(result.assignments[0]?.mpnId, '4100001');
  });
});

describe('matching: dates and input validation', () => {
  it('parses dates and timestamps to UTC days', () => {
    assert.equal(formatDay(tryParseDay('2026-11-25') ?? NaN), '2026-11-25');
    assert.equal(formatDay(tryParseDay('2024-02-29') ?? NaN), '2024-02-29');
    assert.equal(formatDay(tryParseDay('2026-11-25T23:59:59.999Z') ?? NaN), '2026-11-25');
    assert.equal(formatDay(tryParseDay('2026-11-25T22:00:00-03:00') ?? NaN), '2026-11-26');
    assert.equal(formatDay(tryParseDay('1970-01-01') ?? NaN), '1970-01-01');
    assert.equal(formatDay(tryParseDay('0099-03-01') ?? NaN), '0099-03-01');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-1', '25/11/2026', '2026-11-25T24:00:00Z', 'tomorrow', '']) {
      assert.equal(tryParseDay(bad), null, bad);
    }
  });

  it('names the first bad field', () => {
    const good = { asOf: AS_OF, locations: [location('1')], partners: [partner('contoso', ['Teams'])], referrals: [referral(['Teams'])] };
    assert.ok(parseScenario(good).ok);
    const cases: [unknown, string, string][] = [
      [{ ...good, asOf: undefined }, 'asOf', 'required'],
      [{ ...good, asOf: '2026-02-30' }, 'asOf', 'not a valid date (expected YYYY-MM-DD or an ISO 8601 timestamp)'],
      [{ ...good, referrals: [referral([])] }, 'referrals[0].workloads', 'must not be empty'],
      [{ ...good, locations: [{ ...location('1'), minSeats: '5' }] }, 'locations[0].minSeats', 'expected number, got string'],
      [{ ...good, locations: [location('1'), location('1')] }, 'locations[1].mpnId', 'duplicate MPN ID 1'],
      [{ ...good, referrals: [{ ...referral(['Teams']), type: 'Gold' }] }, 'referrals[0].type', 'expected one of Standard, Benefit'],
      [[], 'input', 'expected object, got array'],
    ];
    for (const [input, field, message] of cases) {
      assert.deepEqual(parseScenario(input), { ok: false, field, message });
    }
  });
});
