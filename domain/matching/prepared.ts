import { DomainError } from '../errors.ts';
import { parseDay } from './dates.ts';
import type { Location, Partner } from './types.ts';

/** What a partner is endorsed for on `asOf`, keyed by lower-cased workload. */
export interface Endorsements {
  readonly valid: ReadonlySet<string>;
  /** Latest expiry of each workload that has only expired specializations, for explanations. */
  readonly expired: ReadonlyMap<string, number>;
}

/**
 * A location with everything that does not change during a batch worked out once: bounds as
 * numbers, sets for membership, its partner's endorsements, and whether it is paused on `asOf`.
 * Immutable: the batch's counters live in the matcher's table, at `index`.
 */
export interface PreparedLocation {
  /** Position in the input, and in every array of the location table. */
  readonly index: number;
  readonly mpnId: string;
  readonly country: string;
  readonly languages: ReadonlySet<string>;
  readonly languageList: readonly string[];
  readonly minSeats: number;
  readonly maxSeats: number;
  readonly industries: ReadonlySet<string> | null;
  readonly industryList: readonly string[];
  readonly departed: boolean;
  /** The day the pause ends, set only when the location is paused on `asOf`. */
  readonly pausedUntil: number | null;
  readonly endorsements: Endorsements;
  readonly referralsReceived: number;
}

const NO_ENDORSEMENTS: Endorsements = { valid: new Set(), expired: new Map() };

/**
 * Endorsements of each partner on `asOf`. A specialization is valid when it expires on or after
 * `asOf`; a partner listed twice has the union of its specializations.
 */
export function prepareEndorsements(partners: readonly Partner[], asOf: number): Map<string, Endorsements> {
  const byPartner = new Map<string, { valid: Set<string>; expired: Map<string, number> }>();
  partners.forEach((partner, p) => {
    let entry = byPartner.get(partner.partnerId);
    if (entry === undefined) {
      entry = { valid: new Set(), expired: new Map() };
      byPartner.set(partner.partnerId, entry);
    }
    partner.specializations.forEach((spec, s) => {
      const workload = spec.workload.toLowerCase();
      const expires = parseDay(spec.expires, `partners[${p}].specializations[${s}].expires`);
      if (expires >= asOf) {
        entry.valid.add(workload);
      } else {
        entry.expired.set(workload, Math.max(expires, entry.expired.get(workload) ?? expires));
      }
    });
  });
  for (const entry of byPartner.values()) {
    for (const workload of entry.valid) entry.expired.delete(workload);
  }
  return byPartner;
}

/**
 * Prepares every location. MPN IDs must be unique, because the round-robin counter, `exclude`
 * and CPOR claims all name locations by MPN ID.
 */
export function prepareLocations(
  locations: readonly Location[],
  endorsements: ReadonlyMap<string, Endorsements>,
  asOf: number,
): PreparedLocation[] {
  const seen = new Set<string>();
  return locations.map((loc, i) => {
    if (seen.has(loc.mpnId)) {
      throw new DomainError('matching.duplicate-mpn-id', `locations[${i}].mpnId: duplicate MPN ID ${loc.mpnId}`, {
        mpnId: loc.mpnId,
      });
    }
    seen.add(loc.mpnId);
    const pausedUntil = loc.pausedUntil === null ? null : parseDay(loc.pausedUntil, `locations[${i}].pausedUntil`);
    const languageList = [...new Set(loc.languages)];
    const industryList = [...new Set(loc.industries)];
    return {
      index: i,
      mpnId: loc.mpnId,
      country: loc.country,
      languages: new Set(languageList),
      languageList,
      minSeats: loc.minSeats ?? Number.NEGATIVE_INFINITY,
      maxSeats: loc.maxSeats ?? Number.POSITIVE_INFINITY,
      industries: industryList.length === 0 ? null : new Set(industryList),
      industryList,
      departed: loc.status === 'departed',
      pausedUntil: pausedUntil !== null && asOf < pausedUntil ? pausedUntil : null,
      endorsements: endorsements.get(loc.partnerId) ?? NO_ENDORSEMENTS,
      referralsReceived: loc.referralsReceived,
    };
  });
}
