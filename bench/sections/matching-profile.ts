import type { Location, MatchResult, Partner, ReferralRequest } from '../../domain/matching/types.ts';

/** How a batch was placed; a benchmark whose data never splits or never claims tests less. */
export interface OutcomeMix {
  readonly single: number;
  readonly split: number;
  readonly allFtc: number;
  readonly someFtc: number;
  readonly cpor: number;
}

export function outcomeMix(results: readonly MatchResult[]): OutcomeMix {
  let single = 0;
  let split = 0;
  let allFtc = 0;
  let someFtc = 0;
  let cpor = 0;
  for (const r of results) {
    if (r.assignments.length === 0) allFtc++;
    else if (r.assignments.length === 1 && r.ftc.length === 0) single++;
    else split++;
    if (r.assignments.length > 0 && r.ftc.length > 0) someFtc++;
    if (r.assignments.some((a) => a.basis === 'cpor-claim')) cpor++;
  }
  return { single, split, allFtc, someFtc, cpor };
}

export function describeMix(m: OutcomeMix, n: number): string {
  const pct = (x: number) => `${((100 * x) / n).toFixed(1)}%`;
  return `single ${pct(m.single)}, split ${pct(m.split)} (part to FTC ${pct(m.someFtc)}), all to FTC ${pct(m.allFtc)}, CPOR winner ${pct(m.cpor)}`;
}

/**
 * Mean number of locations the matcher's scan visits per referral, counted from the outside.
 * It mirrors LocationTable's index (available = active and not paused on asOf, per country and
 * language, narrowed per endorsed workload) and scanAvailable's two loops: the narrowest
 * workload list always, and the whole country-and-language list when no single location took
 * all of W. This is what the per-referral time should follow if the scan is the cost.
 */
export function meanScanLength(
  asOf: string,
  locations: readonly Location[],
  partners: readonly Partner[],
  batch: readonly ReferralRequest[],
  results: readonly MatchResult[],
): number {
  const valid = new Map<string, Set<string>>();
  for (const p of partners) {
    const set = valid.get(p.partnerId) ?? new Set<string>();
    // YYYY-MM-DD strings order like the days they name.
    for (const s of p.specializations) if (s.expires.slice(0, 10) >= asOf) set.add(s.workload.toLowerCase());
    valid.set(p.partnerId, set);
  }
  const available = new Map<string, number>();
  const withWorkload = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const l of locations) {
    if (l.status === 'departed' || (l.pausedUntil !== null && l.pausedUntil.slice(0, 10) > asOf)) continue;
    for (const language of new Set(l.languages)) {
      bump(available, `${l.country}|${language}`);
      for (const w of valid.get(l.partnerId) ?? []) bump(withWorkload, `${l.country}|${language}|${w}`);
    }
  }
  let total = 0;
  batch.forEach((r, i) => {
    const key = `${r.customer.country}|${r.customer.language}`;
    let narrowest = Number.POSITIVE_INFINITY;
    for (const w of new Set(r.workloads.map((x) => x.toLowerCase()))) narrowest = Math.min(narrowest, withWorkload.get(`${key}|${w}`) ?? 0);
    total += Number.isFinite(narrowest) ? narrowest : 0;
    const result = results[i];
    const single = result !== undefined && result.assignments.length === 1 && result.ftc.length === 0;
    if (!single) total += available.get(key) ?? 0;
  });
  return total / Math.max(1, batch.length);
}
