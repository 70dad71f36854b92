/**
 * A small seeded generator (mulberry32), so every run of the benchmark measures the same data and
 * two runs can be compared. Not for anything that needs real randomness.
 */
export class Prng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One item, with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T {
    let total = 0;
    for (const item of items) total += weightOf(item);
    let r = this.next() * total;
    for (const item of items) {
      r -= weightOf(item);
      if (r < 0) return item;
    }
    return this.pick(items);
  }

  /**
   * `k` distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis
   * keys), so popular workloads and big countries come up more often without repeats.
   */
  sample<T>(items: readonly T[], k: number, weightOf: (item: T) => number): T[] {
    return items
      .map((item) => ({ item, key: Math.pow(this.next(), 1 / Math.max(1e-9, weightOf(item))) }))
      .sort((a, b) => b.key - a.key)
      .slice(0, k)
      .map((x) => x.item);
  }

  /** Log-uniform in [min, max]: as many customers of 150–1,500 seats as of 15,000–150,000. */
  logUniform(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))));
  }
}
