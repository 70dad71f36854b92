import assert from 'node:assert/strict';
import { matchScenario, type Location, type MatchResult, type Partner, type ReferralRequest } from '../../domain/matching/index.ts';

/** The `asOf` every matching table test uses unless it says otherwise. */
export const AS_OF = '2026-11-25';

/** An active US location for English, 150+ seats, any industry; `over` changes what a test needs. */
export function location(mpnId: string, over: Partial<Location> = {}): Location {
  return {
    mpnId,
    partnerId: 'contoso',
    country: 'US',
    languages: ['en'],
    minSeats: 150,
    maxSeats: null,
    industries: [],
    status: 'active',
    pausedUntil: null,
    referralsReceived: 0,
    ...over,
  };
}

export function partner(partnerId: string, workloads: readonly string[], expires = '2027-06-30'): Partner {
  return { partnerId, specializations: workloads.map((workload) => ({ workload, expires })) };
}

export function referral(workloads: readonly string[], over: Partial<ReferralRequest> = {}, id = 'R-1'): ReferralRequest {
  return {
    id,
    type: 'Benefit',
    workloads,
    customer: { country: 'US', language: 'en', seats: 800, industry: 'Retail', cporClaims: [] },
    exclude: [],
    ...over,
  };
}

export function customer(over: Partial<ReferralRequest['customer']>): ReferralRequest['customer'] {
  return { country: 'US', language: 'en', seats: 800, industry: 'Retail', cporClaims: [], ...over };
}

export function matchOne(locations: Location[], partners: Partner[], ref: ReferralRequest, asOf = AS_OF): MatchResult {
  const [result] = matchScenario({ asOf, locations, partners, referrals: [ref] }).results;
  assert.ok(result);
  return result;
}
