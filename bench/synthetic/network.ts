import type { LocationRecord, PartnerRecord } from '../../domain/referrals/types.ts';
import { Prng } from './prng.ts';

/**
 * A synthetic partner network shaped like the real program: 30 countries of very different sizes,
 * several languages per country, 8 workloads of different popularity, partners from one to thirty
 * countries (at most one location per country), some specializations expired, some locations
 * departed or paused, seat ranges and industry focus as partners declare them.
 */

export interface Country {
  readonly code: string;
  /** The first is the country's main language. */
  readonly languages: readonly string[];
  /** Relative share of locations and of customers. */
  readonly weight: number;
}

export const COUNTRIES: readonly Country[] = [
  { code: 'US', languages: ['en', 'es'], weight: 20 },
  { code: 'GB', languages: ['en'], weight: 6 },
  { code: 'DE', languages: ['de'], weight: 6 },
  { code: 'FR', languages: ['fr'], weight: 5 },
  { code: 'JP', languages: ['ja'], weight: 5 },
  { code: 'IN', languages: ['en', 'hi'], weight: 5 },
  { code: 'CA', languages: ['en', 'fr'], weight: 4 },
  { code: 'BR', languages: ['pt'], weight: 4 },
  { code: 'AU', languages: ['en'], weight: 3 },
  { code: 'ES', languages: ['es', 'ca'], weight: 3 },
  { code: 'IT', languages: ['it'], weight: 3 },
  { code: 'MX', languages: ['es'], weight: 3 },
  { code: 'NL', languages: ['nl'], weight: 2 },
  { code: 'PL', languages: ['pl'], weight: 2 },
  { code: 'KR', languages: ['ko'], weight: 2 },
  { code: 'CN', languages: ['zh'], weight: 2 },
  { code: 'BE', languages: ['nl', 'fr'], weight: 1.5 },
  { code: 'CH', languages: ['de', 'fr', 'it'], weight: 1.5 },
  { code: 'SE', languages: ['sv'], weight: 1.5 },
  { code: 'AR', languages: ['es'], weight: 1.5 },
  { code: 'SG', languages: ['en', 'zh'], weight: 1.5 },
  { code: 'ZA', languages: ['en', 'af'], weight: 1.5 },
  { code: 'AT', languages: ['de'], weight: 1 },
  { code: 'NO', languages: ['nb'], weight: 1 },
  { code: 'DK', languages: ['da'], weight: 1 },
  { code: 'FI', languages: ['fi', 'sv'], weight: 1 },
  { code: 'PT', languages: ['pt'], weight: 1 },
  { code: 'CO', languages: ['es'], weight: 1 },
  { code: 'CL', languages: ['es'], weight: 1 },
  { code: 'NZ', languages: ['en'], weight: 1 },
];

export interface Workload {
  readonly name: string;
  /** How often partners hold it and customers ask for it. */
  readonly weight: number;
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'Teams', weight: 10 },
  { name: 'Exchange', weight: 8 },
  { name: 'SharePoint', weight: 8 },
  { name: 'Intune', weight: 6 },
  { name: 'Defender', weight: 5 },
  { name: 'Entra', weight: 4 },
  { name: 'Purview', weight: 3 },
  { name: 'Copilot', weight: 3 },
];

export const INDUSTRIES = [
  'Healthcare', 'Retail', 'Manufacturing', 'Finance', 'Education', 'Government',
  'Energy', 'Media', 'Telecommunications', 'Transportation', 'Hospitality', 'Nonprofit',
] as const;

/** The day every dated fact is relative to; matching runs as of this day. */
export const AS_OF = '2026-03-15';
const AS_OF_MS = Date.parse(`${AS_OF}T00:00:00Z`);
const DAY_MS = 86_400_000;

export function dayOffset(days: number): string {
  return new Date(AS_OF_MS + days * DAY_MS).toISOString().slice(0, 10);
}

export interface NetworkOptions {
  readonly locations: number;
  /** Round-robin history: the counters of all locations add up to this. */
  readonly historyReferrals: number;
  readonly seed: number;
}

export interface Network {
  readonly partners: PartnerRecord[];
  readonly locations: LocationRecord[];
  /** Location indices per country, for customers' CPOR claims and excludes. */
  readonly byCountry: ReadonlyMap<string, readonly number[]>;
}

/** Locations per partner: mostly a handful of countries, a long tail of global partners. */
function partnerSize(rng: Prng): number {
  const normal = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.min(COUNTRIES.length, Math.max(1, Math.round(7 * Math.exp(0.8 * normal))));
}

function specializations(rng: Prng): PartnerRecord['specializations'] {
  const held = rng.sample(WORKLOADS, rng.int(2, 6), (w) => w.weight);
  // About one in eight has lapsed: the partner keeps its record, the matcher must skip it.
  return held.map((w) => ({ workload: w.name, expires: rng.chance(0.12) ? dayOffset(-rng.int(1, 400)) : dayOffset(rng.int(1, 730)) }));
}

function seatRange(rng: Prng): { minSeats: number | null; maxSeats: number | null } {
  const minSeats = rng.weighted<number | null>([150, null, 300, 500, 1000], (m) => (m === 150 ? 60 : m === null ? 10 : m === 300 ? 15 : m === 500 ? 10 : 5));
  if (rng.chance(0.55)) return { minSeats, maxSeats: null };
  const maxSeats = rng.pick([2000, 5000, 10_000, 20_000, 50_000]);
  return { minSeats, maxSeats };
}

function languagesOf(rng: Prng, country: Country): string[] {
  const [main, ...others] = country.languages;
  const languages = [main ?? 'en', ...others.filter(() => rng.chance(0.7))];
  if (!languages.includes('en') && rng.chance(0.4)) languages.push('en');
  return languages;
}

function pauseOf(rng: Prng): LocationRecord['pause'] {
  const r = rng.next();
  // Paused now, or a pause that ran out but was not cleared yet (the matcher must treat it as over).
  if (r < 0.04) return { pausedAt: `${dayOffset(-rng.int(0, 10))}T09:00:00.000Z`, pausedUntil: `${dayOffset(rng.int(1, 30))}T00:00:00.000Z`, pausedBy: 'bench' };
  if (r < 0.06) return { pausedAt: `${dayOffset(-40)}T09:00:00.000Z`, pausedUntil: `${dayOffset(-rng.int(1, 9))}T00:00:00.000Z`, pausedBy: 'bench' };
  return null;
}

/** Spreads `total` over `n` counters with uneven weights, summing to exactly `total`. */
function counters(rng: Prng, n: number, total: number): number[] {
  const weights = Array.from({ length: n }, () => 0.2 + 1.6 * rng.next());
  const sum = weights.reduce((s, w) => s + w, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - counts.reduce((s, c) => s + c, 0);
  for (let i = 0; left > 0; i = (i + 1) % n, left--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

export function buildNetwork(o: NetworkOptions): Network {
  const rng = new Prng(o.seed);
  const partners: PartnerRecord[] = [];
  const locations: LocationRecord[] = [];
  const received = counters(rng, o.locations, o.historyReferrals);
  for (let p = 0; locations.length < o.locations; p++) {
    const partnerId = `P${String(p + 1).padStart(5, '0')}`;
    partners.push({ partnerId, name: `Partner ${p + 1}`, specializations: specializations(rng) });
    const countries = rng.sample(COUNTRIES, Math.min(partnerSize(rng), o.locations - locations.length), (c) => c.weight);
    for (const country of countries) {
      const i = locations.length;
      const mpnId = String(4_000_000 + i * 7 + rng.int(0, 6));
      locations.push({
        mpnId,
        partnerId,
        name: `Partner ${p + 1} ${country.code}`,
        country: country.code,
        languages: languagesOf(rng, country),
        ...seatRange(rng),
        industries: rng.chance(0.7) ? [] : rng.sample(INDUSTRIES, rng.int(1, 3), () => 1),
        status: rng.chance(0.03) ? 'departed' : 'active',
        pause: pauseOf(rng),
        distributionLists: { benefit: `fpc-benefit-${mpnId}@${partnerId.toLowerCase()}.example.com`, standard: `fpc-standard-${mpnId}@${partnerId.toLowerCase()}.example.com` },
        referralsReceived: received[i] ?? 0,
        lastPauseEndedAt: null,
      });
    }
  }
  const byCountry = new Map<string, number[]>();
  locations.forEach((l, i) => {
    const list = byCountry.get(l.country);
    if (list === undefined) byCountry.set(l.country, [i]);
    else list.push(i);
  });
  return { partners, locations, byCountry };
}
