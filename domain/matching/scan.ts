import { coverOf, ranksBefore } from './assignment.ts';
import { popcount, type LocationTable } from './table.ts';
import type { Customer } from './types.ts';

/**
 * What the scan of one referral found: the best location eligible for all of W, if any, and
 * otherwise the split candidates (locations eligible for at least one workload of W). Reused
 * across referrals so the scan allocates nothing.
 */
export class ScanResult {
  readonly candidates: Int32Array;
  count = 0;
  /** Index of the best location eligible for all of W, or -1 when there is none. */
  winner = -1;
  winnerClaim = false;

  constructor(size: number) {
    this.candidates = new Int32Array(size);
  }
}

/** The referral as the scan needs it: the customer, W as table bits and mask, and its sets. */
export interface ScanQuery {
  readonly customer: Customer;
  readonly exclude: ReadonlySet<string>;
  readonly claims: ReadonlySet<string>;
  /** Table bit of each workload of W, -1 for one no partner is endorsed for. */
  readonly bits: readonly number[];
  /** The bits of W as a mask of `table.words` words. */
  readonly wanted: Uint32Array;
}

/**
 * Rules 2–7 for a location already known to be available in the customer's country and
 * language: seats, industry, exclude. Departed, paused, country and language are settled by
 * which list the location is in.
 */
function passesRules(table: LocationTable, loc: number, customer: Customer, exclude: ReadonlySet<string>): boolean {
  const seats = customer.seats;
  if (seats < (table.minSeats[loc] ?? 0) || seats > (table.maxSeats[loc] ?? 0)) return false;
  const served = table.industries[loc];
  if (served && !served.has(customer.industry)) return false;
  return exclude.size === 0 || !exclude.has(table.mpnIds[loc] ?? '');
}

function coverAt(table: LocationTable, loc: number, wanted: Uint32Array, oneWord: boolean, wanted0: number): number {
  return oneWord ? popcount((table.masks[loc] ?? 0) & wanted0) : coverOf(table, loc, wanted);
}

/**
 * The linear scan: rules 1–7 over every available location of the customer's country and
 * language, keeping the best that takes all of W and, failing that, collecting split candidates.
 * O(locations in the country and language) per referral, so the matcher uses it only where the
 * round-robin index cannot answer: a seat count that is NaN (which every seat bound lets pass),
 * or counters that are not whole numbers; the contract's input has neither.
 * It must agree with `eligibility.ts`, which explanations use; the property tests check that it
 * does.
 */
export function scanAvailable(table: LocationTable, query: ScanQuery, out: ScanResult): void {
  const { customer, exclude, claims, bits, wanted } = query;
  // One 32-bit word covers up to 32 workloads, the usual case; its shortcut skips the word loop.
  const oneWord = table.words === 1;
  const wanted0 = wanted[0] ?? 0;
  const total = bits.length;
  out.count = 0;
  out.winner = -1;
  out.winnerClaim = false;
  if (bits.every((bit) => bit >= 0)) {
    const available = table.availableFor(customer.country, customer.language);
    let winner = -1;
    let winnerClaim = false;
    for (let j = 0; j < available.length; j++) {
      const loc = available[j] ?? 0;
      if (coverAt(table, loc, wanted, oneWord, wanted0) !== total) continue;
      if (!passesRules(table, loc, customer, exclude)) continue;
      const claim = claims.size !== 0 && claims.has(table.mpnIds[loc] ?? '');
      if (winner < 0 || ranksBefore(table, loc, claim, total, winner, winnerClaim, total)) {
        winner = loc;
        winnerClaim = claim;
      }
    }
    out.winner = winner;
    out.winnerClaim = winnerClaim;
    if (winner >= 0) return;
  }
  collectCandidates(table, query, out);
}

/**
 * The split candidates: available locations of the customer's country and language that pass
 * rules 2–7 and are endorsed for at least one workload of W. Only needed when no single location
 * takes all of W, which is rare, so a scan of the country and language is affordable here.
 */
export function collectCandidates(table: LocationTable, query: ScanQuery, out: ScanResult): void {
  const { customer, exclude, wanted } = query;
  const oneWord = table.words === 1;
  const wanted0 = wanted[0] ?? 0;
  const available = table.availableFor(customer.country, customer.language);
  let count = 0;
  for (let j = 0; j < available.length; j++) {
    const loc = available[j] ?? 0;
    if (coverAt(table, loc, wanted, oneWord, wanted0) === 0) continue;
    if (!passesRules(table, loc, customer, exclude)) continue;
    out.candidates[count++] = loc;
  }
  out.count = count;
}
