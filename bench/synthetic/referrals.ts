import type { CporClaim, ReferralRequest } from '../../domain/matching/types.ts';
import { requestOf, type NewReferral } from '../../domain/referrals/operations.ts';
import { COUNTRIES, INDUSTRIES, WORKLOADS, type Network } from './network.ts';
import { Prng } from './prng.ts';

/**
 * Referrals as intake receives them: customers in proportion to the countries' sizes, mostly in
 * the country's main language, 1 to 4 workloads weighted by demand, a few too small for FastTrack,
 * and a CPOR claim by a location of the customer's country on about 10% of them.
 */
export function buildReferrals(network: Network, count: number, seed: number): NewReferral[] {
  const rng = new Prng(seed);
  const out: NewReferral[] = [];
  for (let i = 0; i < count; i++) {
    const country = rng.weighted(COUNTRIES, (c) => c.weight);
    const r = rng.next();
    const language = r < 0.8 ? (country.languages[0] ?? 'en') : r < 0.9 ? rng.pick(country.languages) : 'en';
    const howMany = rng.weighted([1, 2, 3, 4], (n) => (n === 1 ? 55 : n === 2 ? 30 : n === 3 ? 12 : 3));
    const workloads = rng.sample(WORKLOADS, howMany, (w) => w.weight).map((w) => w.name);
    const local = network.byCountry.get(country.code) ?? [];
    const claims: CporClaim[] = [];
    if (local.length > 0 && rng.chance(0.1)) {
      for (let c = rng.chance(0.8) ? 1 : 2; c > 0; c--) {
        const holder = network.locations[rng.pick(local)];
        if (holder !== undefined) claims.push({ mpnId: holder.mpnId, workload: rng.pick(workloads) });
      }
    }
    out.push({
      id: `RFA-${String(seed).slice(-3)}-${String(i + 1).padStart(7, '0')}`,
      type: rng.chance(0.6) ? 'Benefit' : 'Standard',
      workloads,
      customer: {
        name: `Customer ${i + 1}`,
        country: country.code,
        language,
        seats: rng.chance(0.05) ? rng.int(50, 149) : rng.logUniform(150, 200_000),
        industry: rng.pick(INDUSTRIES),
        cporClaims: claims,
      },
    });
  }
  return out;
}

/** The matching contract's request for a new referral, as the service builds it. */
export function requestsOf(referrals: readonly NewReferral[]): ReferralRequest[] {
  return referrals.map((r) => requestOf(r));
}
