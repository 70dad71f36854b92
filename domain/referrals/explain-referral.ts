import { Matcher, type MatchResult } from '../matching/index.ts';
import { matchingLocation } from './matcher-cache.ts';
import { requestOf } from './operations.ts';
import type { ProgramReadModel } from './repository.ts';
import type { Referral } from './types.ts';

/** A referral matched again, today, to show operations why locations were or were not chosen. */
export interface RecomputedMatch {
  /** The day the network was read as of (UTC `YYYY-MM-DD`). */
  readonly asOf: string;
  /** The locations left out because they declined this referral. */
  readonly exclude: readonly string[];
  readonly result: MatchResult;
}

/**
 * Matches the referral's workloads again on the network as it stands on `asOf`, with every
 * location that declined it excluded, and explains each location in the customer's country.
 * The stored decision is not replayed: pauses, endorsements and round-robin counters have moved
 * since, so callers must say that this is today's view. A fresh matcher is built for it, so the
 * shared one's counters never move for a question.
 */
export function recomputeMatch(read: Pick<ProgramReadModel, 'locations' | 'partners'>, referral: Referral, asOf: string): RecomputedMatch {
  const exclude = [...new Set(referral.assignments.filter((a) => a.state === 'declined').map((a) => a.mpnId))];
  const matcher = new Matcher({ asOf, locations: read.locations().map(matchingLocation), partners: read.partners() });
  return { asOf, exclude, result: matcher.match(requestOf(referral, exclude), { explain: 'customer-country' }) };
}
