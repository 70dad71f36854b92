import type { PreparedLocation } from './prepared.ts';

/**
 * The locations laid out as parallel typed arrays indexed by location, plus lists of the
 * locations that can receive work at all (active, not paused) per country and language, which
 * the split path scans. Finding a single location goes through the round-robin index instead
 * (ranked-index.ts), which reads the counters kept here.
 *
 * Endorsements are bit masks: each workload any partner is endorsed for gets a bit, and a
 * location's mask has the bits of its partner's valid workloads. `words` masks of 32 bits are
 * kept per location, so the number of workloads is not limited.
 */
export class LocationTable {
  readonly size: number;
  readonly mpnIds: readonly string[];
  readonly minSeats: Float64Array;
  readonly maxSeats: Float64Array;
  readonly industries: readonly (ReadonlySet<string> | null)[];
  readonly words: number;
  /** How many workloads have a bit: those some partner is endorsed for on `asOf`. */
  readonly workloadCount: number;
  readonly masks: Uint32Array;
  /** The round-robin counters, moved as the batch hands out referrals. */
  readonly received: Float64Array;
  private readonly bits: ReadonlyMap<string, number>;
  private readonly available: ReadonlyMap<string, ReadonlyMap<string, Int32Array>>;

  constructor(locations: readonly PreparedLocation[]) {
    const bits = new Map<string, number>();
    for (const loc of locations) {
      for (const workload of loc.endorsements.valid) if (!bits.has(workload)) bits.set(workload, bits.size);
    }
    this.bits = bits;
    this.size = locations.length;
    this.words = Math.max(1, Math.ceil(bits.size / 32));
    this.workloadCount = bits.size;
    this.mpnIds = locations.map((loc) => loc.mpnId);
    this.minSeats = Float64Array.from(locations, (loc) => loc.minSeats);
    this.maxSeats = Float64Array.from(locations, (loc) => loc.maxSeats);
    this.industries = locations.map((loc) => loc.industries);
    this.received = Float64Array.from(locations, (loc) => loc.referralsReceived);
    this.masks = new Uint32Array(this.size * this.words);
    for (const loc of locations) {
      for (const workload of loc.endorsements.valid) {
        const bit = bits.get(workload) ?? 0;
        const at = loc.index * this.words + (bit >>> 5);
        this.masks[at] = (this.masks[at] ?? 0) | (1 << (bit & 31));
      }
    }
    this.available = indexAvailable(locations);
  }

  /** The bit of a lower-cased workload, or -1 when no partner is endorsed for it. */
  bitOf(workloadLower: string): number {
    return this.bits.get(workloadLower) ?? -1;
  }

  /** Locations that are active, not paused, in `country` and speak `language`. */
  availableFor(country: string, language: string): Int32Array {
    return this.available.get(country)?.get(language) ?? EMPTY;
  }

  /** The bits of the workloads the location is endorsed for, ascending. */
  bitsOf(loc: number): number[] {
    const out: number[] = [];
    for (let bit = 0; bit < this.workloadCount; bit++) {
      if ((((this.masks[loc * this.words + (bit >>> 5)] ?? 0) >>> (bit & 31)) & 1) === 1) out.push(bit);
    }
    return out;
  }

  /** Whether the location is endorsed for every workload in `wanted`, a mask of `words` words. */
  covers(loc: number, wanted: Uint32Array): boolean {
    const base = loc * this.words;
    for (let k = 0; k < this.words; k++) if (((wanted[k] ?? 0) & ~(this.masks[base + k] ?? 0)) !== 0) return false;
    return true;
  }
}

const EMPTY = new Int32Array(0);

function indexAvailable(locations: readonly PreparedLocation[]): Map<string, Map<string, Int32Array>> {
  const lists = new Map<string, Map<string, number[]>>();
  for (const loc of locations) {
    if (loc.departed || loc.pausedUntil !== null) continue;
    let byLanguage = lists.get(loc.country);
    if (byLanguage === undefined) {
      byLanguage = new Map();
      lists.set(loc.country, byLanguage);
    }
    for (const language of loc.languageList) {
      const list = byLanguage.get(language);
      if (list === undefined) byLanguage.set(language, [loc.index]);
      else list.push(loc.index);
    }
  }
  const index = new Map<string, Map<string, Int32Array>>();
  for (const [country, byLanguage] of lists) {
    index.set(country, new Map([...byLanguage].map(([language, list]) => [language, Int32Array.from(list)])));
  }
  return index;
}

/** Number of set bits, for counting covered workloads in a mask. */
export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
