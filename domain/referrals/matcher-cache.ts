import { Matcher } from '../matching/index.ts';
import type { Location } from '../matching/types.ts';
import type { LocationRecord, PartnerRecord } from './types.ts';

/** The matching contract's view of a stored location. */
export function matchingLocation(l: LocationRecord): Location {
  return {
    mpnId: l.mpnId,
    partnerId: l.partnerId,
    country: l.country,
    languages: l.languages,
    minSeats: l.minSeats,
    maxSeats: l.maxSeats,
    industries: l.industries,
    status: l.status,
    // The contract pauses by date: no referrals while asOf is before that day.
    pausedUntil: l.pause === null ? null : l.pause.pausedUntil.slice(0, 10),
    referralsReceived: l.referralsReceived,
  };
}

function sameCounters(matcher: Matcher, locations: readonly LocationRecord[]): boolean {
  for (const l of locations) if (matcher.referralsReceived(l.mpnId) !== l.referralsReceived) return false;
  return true;
}

/**
 * Keeps one Matcher between operations. Building one indexes every location, which is the
 * expensive part of a decline on a large network; it is rebuilt only when the network changed
 * (a pause, a new location, a partner's endorsements), the day changed, an operation failed
 * after the matcher had already moved its counters, or a counter was moved by someone else.
 */
export class MatcherCache {
  private cached: { readonly key: string; readonly matcher: Matcher } | null = null;

  get(day: string, networkVersion: number, load: () => { locations: readonly LocationRecord[]; partners: readonly PartnerRecord[] }): Matcher {
    const key = `${day}|${networkVersion}`;
    const { locations, partners } = load();
    // The network version ignores round-robin counters, so a counter moved by anyone else (another
    // service instance on the same repository, an import) would leave this matcher's counters
    // stale and round robin unfair. Checking them is one pass, far cheaper than a rebuild.
    if (this.cached?.key === key && sameCounters(this.cached.matcher, locations)) return this.cached.matcher;
    const matcher = new Matcher({ asOf: day, locations: locations.map(matchingLocation), partners });
    this.cached = { key, matcher };
    return matcher;
  }

  invalidate(): void {
    this.cached = null;
  }
}
