/** A training example: sparse feature weights and its label. */
export interface SparseExample {
  readonly label: string;
  readonly x: ReadonlyMap<string, number>;
}

export interface SoftmaxOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty; keeps rare words from dominating a class. */
  readonly l2: number;
}

const DEFAULTS: SoftmaxOptions = { epochs: 60, learningRate: 0.5, l2: 1e-4 };

/**
 * Multinomial logistic regression over sparse features, trained by plain SGD with a fixed seed
 * order so that training is deterministic. It learns which words separate topics that share
 * vocabulary (the centroid model only knows which words they share), and its probabilities give a
 * calibrated confidence to abstain on.
 */
export class SoftmaxClassifier {
  readonly labels: readonly string[];
  private readonly weights = new Map<string, Float64Array>();
  private readonly bias: Float64Array;

  constructor(examples: readonly SparseExample[], options: Partial<SoftmaxOptions> = {}) {
    const o = { ...DEFAULTS, ...options };
    this.labels = [...new Set(examples.map((e) => e.label))].sort();
    const k = this.labels.length;
    this.bias = new Float64Array(k);
    const labelIndex = new Map(this.labels.map((l, i) => [l, i]));
    const order = examples.map((_, i) => i);
    const probs = new Float64Array(k);
    let seed = 12345;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      // Deterministic shuffle (LCG): same model on every start and in every test.
      for (let i = order.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      const lr = o.learningRate / (1 + epoch * 0.1);
      for (const idx of order) {
        const ex = examples[idx];
        if (ex === undefined) continue;
        const y = labelIndex.get(ex.label) ?? 0;
        this.probabilities(ex.x, probs);
        for (let c = 0; c < k; c++) {
          const g = (probs[c] ?? 0) - (c === y ? 1 : 0);
          this.bias[c] = (this.bias[c] ?? 0) - lr * g;
          for (const [f, v] of ex.x) {
            const w = this.row(f);
            w[c] = (w[c] ?? 0) * (1 - lr * o.l2) - lr * g * v;
          }
        }
      }
    }
  }

  private row(feature: string): Float64Array {
    let w = this.weights.get(feature);
    if (w === undefined) {
      w = new Float64Array(this.labels.length);
      this.weights.set(feature, w);
    }
    return w;
  }

  private probabilities(x: ReadonlyMap<string, number>, out: Float64Array): void {
    const k = this.labels.length;
    for (let c = 0; c < k; c++) out[c] = this.bias[c] ?? 0;
    for (const [f, v] of x) {
      const w = this.weights.get(f);
      if (w === undefined) continue;
      for (let c = 0; c < k; c++) out[c] = (out[c] ?? 0) + (w[c] ?? 0) * v;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[c] ?? 0);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((out[c] ?? 0) - max);
      out[c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[c] = (out[c] ?? 0) / sum;
  }

  /** Probability of every label for one input. */
  predict(x: ReadonlyMap<string, number>): Map<string, number> {
    const out = new Float64Array(this.labels.length);
    this.probabilities(x, out);
    return new Map(this.labels.map((l, i) => [l, out[i] ?? 0]));
  }
}
