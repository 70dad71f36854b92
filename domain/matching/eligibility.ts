import { formatDay } from './dates.ts';
import type { PreparedLocation } from './prepared.ts';
import type { Customer } from './types.ts';

/**
 * Eligibility rules 2–7 of the contract, which do not depend on the workload. Rule 1
 * (endorsement) is per workload and is checked with {@link isEndorsed}. The matcher and the
 * explanations both use these functions, so an explanation can never disagree with a decision.
 */
export type LocationRule = 'departed' | 'paused' | 'country' | 'language' | 'seats' | 'industry' | 'excluded';

const NOTHING_EXCLUDED: ReadonlySet<string> = new Set();

/** The first of rules 2–7 the location fails for this customer, or null when it passes them all. */
export function firstFailingLocationRule(
  loc: PreparedLocation,
  customer: Customer,
  exclude: ReadonlySet<string> = NOTHING_EXCLUDED,
): LocationRule | null {
  if (loc.departed) return 'departed';
  if (loc.pausedUntil !== null) return 'paused';
  if (loc.country !== customer.country) return 'country';
  if (!loc.languages.has(customer.language)) return 'language';
  if (customer.seats < loc.minSeats || customer.seats > loc.maxSeats) return 'seats';
  if (loc.industries !== null && !loc.industries.has(customer.industry)) return 'industry';
  if (exclude.has(loc.mpnId)) return 'excluded';
  return null;
}

/** Rule 1: the partner holds a specialization for the workload valid on `asOf`. */
export function isEndorsed(loc: PreparedLocation, workloadLower: string): boolean {
  return loc.endorsements.valid.has(workloadLower);
}

function describeSeats(loc: PreparedLocation, seats: number): string {
  const min = Number.isFinite(loc.minSeats) ? String(loc.minSeats) : null;
  const max = Number.isFinite(loc.maxSeats) ? String(loc.maxSeats) : null;
  if (min !== null && max !== null) return `seats ${seats} outside ${min}–${max}`;
  if (min !== null) return `seats ${seats} below minimum ${min}`;
  return `seats ${seats} above maximum ${max ?? ''}`;
}

/** People-readable text of a failed location rule, quoting the values that decided it. */
export function describeLocationRule(rule: LocationRule, loc: PreparedLocation, customer: Customer): string {
  switch (rule) {
    case 'departed':
      return 'departed';
    case 'paused':
      return `paused until ${formatDay(loc.pausedUntil ?? 0)}`;
    case 'country':
      return `country ${loc.country}, customer ${customer.country}`;
    case 'language':
      return `language ${customer.language} not offered (offers ${loc.languageList.join(', ') || 'none'})`;
    case 'seats':
      return describeSeats(loc, customer.seats);
    case 'industry':
      return `industry ${customer.industry} not served (serves ${loc.industryList.join(', ')})`;
    case 'excluded':
      return 'excluded from this referral';
  }
}

/** Text for rule 1 failing on the given workloads, naming the expiry when there was one. */
export function describeNotEndorsed(loc: PreparedLocation, workloads: readonly { name: string; lower: string }[]): string {
  const parts = workloads.map(({ name, lower }) => {
    const expired = loc.endorsements.expired.get(lower);
    return expired === undefined ? name : `${name} (specialization expired ${formatDay(expired)})`;
  });
  return `not endorsed for ${parts.join(', ')}`;
}
