import { popcount, type LocationTable } from './table.ts';

/** The contract caps a split at three locations; the rest goes to the FastTrack Center. */
export const MAX_SPLIT_LOCATIONS = 3;

/**
 * Orders candidates: CPOR claim first, then most workloads covered, then fewest referrals
 * received, then smallest MPN ID compared as a string. MPN IDs are unique, so the order is total
 * and the result does not depend on the order locations are scanned in.
 */
export function ranksBefore(
  table: LocationTable,
  a: number,
  aClaim: boolean,
  aCover: number,
  b: number,
  bClaim: boolean,
  bCover: number,
): boolean {
  if (aClaim !== bClaim) return aClaim;
  if (aCover !== bCover) return aCover > bCover;
  const aReceived = table.received[a] ?? 0;
  const bReceived = table.received[b] ?? 0;
  if (aReceived !== bReceived) return aReceived < bReceived;
  return (table.mpnIds[a] ?? '') < (table.mpnIds[b] ?? '');
}

/** How many workloads of `wanted` (a mask of `table.words` words) the location is endorsed for. */
export function coverOf(table: LocationTable, location: number, wanted: Uint32Array): number {
  const { masks, words } = table;
  const base = location * table.words;
  let cover = 0;
  for (let k = 0; k < words; k++) cover += popcount((masks[base + k] ?? 0) & (wanted[k] ?? 0));
  return cover;
}

/** Whether the location is endorsed for the workload with this bit; unknown workloads (-1) never are. */
export function hasBit(table: LocationTable, location: number, bit: number): boolean {
  if (bit < 0) return false;
  return (((table.masks[location * table.words + (bit >>> 5)] ?? 0) >>> (bit & 31)) & 1) === 1;
}

export interface SplitPart {
  readonly location: number;
  readonly claim: boolean;
  /** Indices into W, ascending, so the part keeps the referral's order. */
  readonly taken: number[];
}

/**
 * The contract's split: up to three rounds, each picking the best remaining candidate for what
 * is still open and giving it every open workload it is eligible for. `candidates` already pass
 * rules 2–7. Clears what it assigns in `openMask` and `open`; whatever stays open goes to the
 * FastTrack Center.
 */
export function splitAmong(
  table: LocationTable,
  candidates: Int32Array,
  candidateCount: number,
  bits: readonly number[],
  open: boolean[],
  openMask: Uint32Array,
  claims: ReadonlySet<string>,
): SplitPart[] {
  const parts: SplitPart[] = [];
  while (parts.length < MAX_SPLIT_LOCATIONS) {
    let best = -1;
    let bestClaim = false;
    let bestCover = 0;
    for (let j = 0; j < candidateCount; j++) {
      const loc = candidates[j] ?? -1;
      if (parts.some((part) => part.location === loc)) continue;
      const cover = coverOf(table, loc, openMask);
      if (cover === 0) continue;
      const claim = claims.has(table.mpnIds[loc] ?? '');
      if (best < 0 || ranksBefore(table, loc, claim, cover, best, bestClaim, bestCover)) {
        best = loc;
        bestClaim = claim;
        bestCover = cover;
      }
    }
    if (best < 0) break;
    const taken: number[] = [];
    bits.forEach((bit, i) => {
      if (open[i] === true && hasBit(table, best, bit)) {
        open[i] = false;
        openMask[bit >>> 5] = (openMask[bit >>> 5] ?? 0) & ~(1 << (bit & 31));
        taken.push(i);
      }
    });
    parts.push({ location: best, claim: bestClaim, taken });
  }
  return parts;
}
