/** A labelled training text, already turned into features. */
export interface LabelledFeatures {
  readonly label: string;
  readonly features: readonly string[];
}

export interface LabelScore {
  readonly label: string;
  /** Cosine with the label's closest training text. */
  readonly nearest: number;
  /** Cosine with the label's centroid (all its texts together). */
  readonly centroid: number;
}

type Posting = { readonly id: number; readonly weight: number };

/** Pairs count for less than words: they confirm a match more than they make one. */
const BIGRAM_WEIGHT = 0.6;

/**
 * TF-IDF vectors with an inverted index, scored two ways: nearest neighbour among the training
 * texts (precise on close paraphrases) and the label centroid (robust when a question mixes the
 * vocabulary of several texts of one topic).
 */
export class TfidfIndex {
  private readonly idf = new Map<string, number>();
  private readonly docPostings = new Map<string, Posting[]>();
  private readonly centroidPostings = new Map<string, Posting[]>();
  private readonly docLabel: string[] = [];
  readonly labels: readonly string[];
  private readonly unseenIdf: number;

  constructor(docs: readonly LabelledFeatures[]) {
    const df = new Map<string, number>();
    for (const d of docs) for (const f of new Set(d.features)) df.set(f, (df.get(f) ?? 0) + 1);
    const n = docs.length;
    for (const [f, c] of df) this.idf.set(f, Math.log(1 + n / c));
    this.unseenIdf = Math.log(1 + n);

    const labels = [...new Set(docs.map((d) => d.label))];
    this.labels = labels;
    const centroids = new Map<string, Map<string, number>>(labels.map((l) => [l, new Map()]));
    docs.forEach((d, id) => {
      this.docLabel.push(d.label);
      const vec = this.vector(d.features, false);
      const centroid = centroids.get(d.label);
      for (const [f, w] of vec) {
        push(this.docPostings, f, { id, weight: w });
        if (centroid !== undefined) centroid.set(f, (centroid.get(f) ?? 0) + w);
      }
    });
    labels.forEach((label, id) => {
      const c = centroids.get(label) ?? new Map<string, number>();
      const norm = Math.sqrt([...c.values()].reduce((s, w) => s + w * w, 0)) || 1;
      for (const [f, w] of c) push(this.centroidPostings, f, { id, weight: w / norm });
    });
  }

  knows(feature: string): boolean {
    return this.idf.has(feature);
  }

  /**
   * Unit vector of a text. For a query, words never seen in training still weigh in the norm, so
   * a question that is mostly about something else scores low instead of matching on one word.
   */
  vector(features: readonly string[], query: boolean): Map<string, number> {
    const vec = new Map<string, number>();
    for (const f of features) {
      const bigram = f.includes('_');
      const known = this.idf.get(f);
      if (known === undefined && (!query || bigram)) continue;
      const w = (known ?? this.unseenIdf) * (bigram ? BIGRAM_WEIGHT : 1);
      vec.set(f, w);
    }
    const norm = Math.sqrt([...vec.values()].reduce((s, w) => s + w * w, 0)) || 1;
    for (const [f, w] of vec) vec.set(f, w / norm);
    return vec;
  }

  score(features: readonly string[]): LabelScore[] {
    const q = this.vector(features, true);
    const docDots = new Map<number, number>();
    const centroidDots = new Map<number, number>();
    for (const [f, w] of q) {
      for (const p of this.docPostings.get(f) ?? []) docDots.set(p.id, (docDots.get(p.id) ?? 0) + w * p.weight);
      for (const p of this.centroidPostings.get(f) ?? []) {
        centroidDots.set(p.id, (centroidDots.get(p.id) ?? 0) + w * p.weight);
      }
    }
    const nearest = new Map<string, number>();
    for (const [id, dot] of docDots) {
      const label = this.docLabel[id] ?? '';
      if (dot > (nearest.get(label) ?? 0)) nearest.set(label, dot);
    }
    return this.labels.map((label, id) => ({
      label,
      nearest: nearest.get(label) ?? 0,
      centroid: centroidDots.get(id) ?? 0,
    }));
  }
}

function push(index: Map<string, Posting[]>, key: string, p: Posting): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [p]);
  else list.push(p);
}
