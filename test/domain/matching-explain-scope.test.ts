import assert from 'node:assert/strict';
import { Matcher } from '../../domain/matching/index.ts';
import type { Location } from '../../domain/matching/types.ts';

function location(mpnId: string, country: string): Location {
  return {
    mpnId,
    partnerId: 'p',
    country,
    languages: ['en'],
    minSeats: null,
    maxSeats: null,
    industries: [],
    status: 'active',
    pausedUntil: null,
    referralsReceived: 0,
  };
}

describe('matching: explanation scope', () => {
  const locations = [location('1', 'US'), location('2', 'US'), location('3', 'GB'), location('4', 'DE'), location('5', 'DE')];
  const partners = [{ partnerId: 'p', specializations: [{ workload: 'Teams', expires: '2027-01-01' }] }];
  const referral = {
    id: 'R-1',
    type: 'Standard' as const,
    workloads: ['Teams'],
    customer: { country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [] },
    exclude: [],
  };

  it('customer-country explains each left-out location in the country and counts the rest in one line', () => {
    const result = new Matcher({ asOf: '2026-11-25', locations, partners }).match(referral, { explain: 'customer-country' });
    assert.deepEqual(result.assignments.map((a) => a.mpnId), ['1']);
    assert.equal(result.explanation.length, 2);
    assert.match(result.explanation[0] ?? '', /^2: /);
    assert.equal(result.explanation[1], "3 other locations: not in the customer's country (US)");
  });

  it('the default still explains every location, one line each', () => {
    const result = new Matcher({ asOf: '2026-11-25', locations, partners }).match(referral);
    assert.deepEqual(
      result.explanation.map((l) => l.split(':')[0]),
      ['2', '3', '4', '5'],
    );
  });
});
