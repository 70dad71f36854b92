import { isEndorsed } from './eligibility.ts';
import type { PreparedLocation } from './prepared.ts';

/** The contract caps a split at three locations; the rest goes to the FastTrack Center. */
export const MAX_SPLIT_LOCATIONS = 3;

/**
 * Orders candidates: CPOR claim first, then most workloads covered, then fewest referrals
 * received, then smallest MPN ID compared as a string. MPN IDs are unique, so the order is total
 * and the result does not depend on the order locations are scanned in.
 */
export function ranksBefore(
  a: PreparedLocation,
  aClaim: boolean,
  aCover: number,
  b: PreparedLocation,
  bClaim: boolean,
  bCover: number,
): boolean {
  if (aClaim !== bClaim) return aClaim;
  if (aCover !== bCover) return aCover > bCover;
  if (a.received !== b.received) return a.received < b.received;
  return a.mpnId < b.mpnId;
}

export interface SplitPart {
  readonly loc: PreparedLocation;
  readonly claim: boolean;
  /** Indices into W, ascending, so the part keeps the referral's order. */
  readonly taken: number[];
}

/**
 * The contract's split: up to three rounds, each picking the best remaining candidate for what
 * is still open and giving it every open workload it is eligible for. Closes what it assigns in
 * `open`; whatever stays open goes to the FastTrack Center.
 */
export function splitAmong(
  candidates: readonly PreparedLocation[],
  lowers: readonly string[],
  open: boolean[],
  claims: ReadonlySet<string>,
): SplitPart[] {
  const parts: SplitPart[] = [];
  let remaining = lowers.length;
  while (remaining > 0 && parts.length < MAX_SPLIT_LOCATIONS) {
    let best: PreparedLocation | null = null;
    let bestClaim = false;
    let bestCover = 0;
    for (const loc of candidates) {
      if (parts.some((part) => part.loc === loc)) continue;
      let cover = 0;
      for (let i = 0; i < lowers.length; i++) {
        if (open[i] === true && isEndorsed(loc, lowers[i] ?? '')) cover++;
      }
      if (cover === 0) continue;
      const claim = claims.has(loc.mpnId);
      if (best === null || ranksBefore(loc, claim, cover, best, bestClaim, bestCover)) {
        best = loc;
        bestClaim = claim;
        bestCover = cover;
      }
    }
    if (best === null) break;
    const taken: number[] = [];
    for (let i = 0; i < lowers.length; i++) {
      if (open[i] === true && isEndorsed(best, lowers[i] ?? '')) {
        open[i] = false;
        taken.push(i);
      }
    }
    remaining -= taken.length;
    parts.push({ loc: best, claim: bestClaim, taken });
  }
  return parts;
}

