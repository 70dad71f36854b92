import { DomainError } from '../errors.ts';
import type { Matcher } from './matcher.ts';
import type { MatchOptions, MatchResult, ReferralRequest } from './types.ts';

/** A part of a referral that a location declined and that must be placed again. */
export interface DeclinedPart {
  /** The referral as it was originally requested. */
  readonly referral: ReferralRequest;
  /** The workloads handed back; names compare case-insensitively with the referral's. */
  readonly declinedWorkloads: readonly string[];
  /** Every location that has declined this referral so far, including the one declining now. */
  readonly declinedBy: readonly string[];
}

/**
 * Matches a declined part again, as the contract's "Reassigning a declined referral" says: the
 * same rules, with only the declined workloads as W and every location that declined this
 * referral excluded. The referral's original `exclude` stays excluded as well, since those
 * locations were never allowed to receive it. Parts that were not declined are not touched; the
 * caller keeps them where they are. The matcher's counters move as for any match, so build the
 * matcher from the current counters.
 *
 * Output workloads are spelled as the referral spells them.
 *
 * @throws DomainError `no-workloads` when nothing was declined, `not-requested-workload` when a
 * declined workload is not one the referral requested.
 */
export function rematchDeclined(matcher: Matcher, part: DeclinedPart, options: MatchOptions = {}): MatchResult {
  const { referral } = part;
  const declined = new Set(part.declinedWorkloads.map((w) => w.toLowerCase()));
  for (const workload of part.declinedWorkloads) {
    if (!referral.workloads.some((w) => w.toLowerCase() === workload.toLowerCase())) {
      throw new DomainError(
        'matching.not-requested-workload',
        `referral ${referral.id} did not request ${workload}`,
        { referralId: referral.id, workload },
      );
    }
  }
  const workloads = referral.workloads.filter((w) => declined.has(w.toLowerCase()));
  const exclude = [...new Set([...referral.exclude, ...part.declinedBy])];
  return matcher.match({ ...referral, workloads, exclude }, options);
}
