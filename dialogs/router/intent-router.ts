import type { FaqTopic } from '../../domain/faq/topic.ts';
import { SpellingCorrector } from './spelling.ts';
import { canonicalWord } from './synonyms.ts';
import { SoftmaxClassifier } from './softmax-classifier.ts';
import { TfidfIndex, type LabelledFeatures } from './tfidf-index.ts';
import { contentStems, featuresOf, isStopword, words } from './text-features.ts';

/** What a message asks for, as the bot acts on it. */
export type Intent =
  | { readonly kind: 'faq'; readonly topicId: string }
  | { readonly kind: 'command'; readonly name: string }
  | { readonly kind: 'none' };

/** One routing decision: the label, score and alternatives of the classify contract, and the intent. */
export interface RouteResult {
  readonly label: string;
  readonly intent: Intent;
  readonly score: number;
  readonly alternatives: readonly string[];
}

export interface RouterTraining {
  readonly topics: readonly FaqTopic[];
  readonly commands: ReadonlyArray<{ readonly id: string; readonly examples: readonly string[] }>;
  /** Questions outside the program, learnt as their own class so near-misses abstain. */
  readonly outOfScope: readonly string[];
  /**
   * The command a message spells out literally, checked before any statistics so that "help"
   * never turns into a topic and "pending" never abstains.
   */
  readonly exact: (text: string) => string | undefined;
}

export interface RouterOptions {
  /** Below this confidence the router abstains. Calibrated by `npm run eval -- --calibrate`. */
  readonly threshold: number;
  /** Share of the nearest-text cosine in the similarity; the rest is the centroid cosine. */
  readonly nearestWeight: number;
  /** Share of the classifier's probability in the score; the rest is the similarity. */
  readonly classifierWeight: number;
}

export const DEFAULT_ROUTER_OPTIONS: RouterOptions = { threshold: 0.2, nearestWeight: 0.6, classifierWeight: 0.5 };

export const NONE = 'none';
const OUT_OF_SCOPE = '#out-of-scope';
const MAX_ALTERNATIVES = 3;
const MIN_ALTERNATIVE_SCORE = 0.08;

/**
 * Routes a message to an FAQ topic, a command or `none`.
 *
 * The technique: exact command grammar first; then a TF-IDF model over Porter stems and stem
 * pairs, with synonyms folded to the program's own words and misspellings corrected against the
 * training vocabulary. Each label is scored by its nearest training text and by its centroid.
 * Out-of-scope questions are a class of their own, and a calibrated threshold makes the router
 * abstain rather than guess.
 */
export class IntentRouter {
  private readonly index: TfidfIndex;
  private readonly speller: SpellingCorrector;
  private readonly classifier: SoftmaxClassifier;
  private readonly exact: RouterTraining['exact'];
  /** Label → intent, built with the labels, so nothing downstream parses label text. */
  private readonly intents = new Map<string, Intent>([[NONE, { kind: 'none' }]]);

  constructor(
    training: RouterTraining,
    private readonly options: RouterOptions = DEFAULT_ROUTER_OPTIONS,
  ) {
    this.exact = training.exact;
    const docs: Array<LabelledFeatures & { readonly text: string }> = [];
    const vocabulary: string[] = [];
    const add = (label: string, text: string) => {
      for (const w of words(text)) if (!isStopword(w)) vocabulary.push(canonicalWord(w));
      const features = featuresOf(contentStems(text, canonicalWord));
      if (features.length > 0) docs.push({ label, features, text });
    };
    for (const t of training.topics) {
      const label = `faq:${t.id}`;
      this.intents.set(label, { kind: 'faq', topicId: t.id });
      add(label, t.title);
      add(label, t.question);
      for (const p of t.phrasings) add(label, p);
      if (t.keywords.length > 0) add(label, t.keywords.join(' '));
    }
    for (const c of training.commands) {
      this.intents.set(commandLabel(c.id), { kind: 'command', name: c.id });
      for (const e of c.examples) add(commandLabel(c.id), e);
    }
    for (const q of training.outOfScope) add(OUT_OF_SCOPE, q);
    this.index = new TfidfIndex(docs);
    this.speller = new SpellingCorrector(vocabulary);
    this.classifier = new SoftmaxClassifier(
      docs.map((d) => ({ label: d.label, x: withShape(this.index.vector(d.features, false), d.text) })),
    );
  }

  private analyse(text: string): string[] {
    return featuresOf(contentStems(text, (w) => canonicalWord(this.speller.correct(canonicalWord(w)))));
  }

  /** Every label with its combined score, best first. */
  private rank(text: string): Array<{ label: string; score: number }> {
    const features = this.analyse(text);
    if (features.length === 0) return [];
    const probs = this.classifier.predict(withShape(this.index.vector(features, true), text));
    const w = this.options.nearestWeight;
    const b = this.options.classifierWeight;
    return this.index
      .score(features)
      .map((s) => {
        const similarity = w * s.nearest + (1 - w) * s.centroid;
        return { label: s.label, score: b * (probs.get(s.label) ?? 0) + (1 - b) * similarity };
      })
      .sort((x, y) => y.score - x.score || x.label.localeCompare(y.label));
  }

  private intentOf(label: string): Intent {
    return this.intents.get(label) ?? { kind: 'none' };
  }

  route(text: string): RouteResult {
    const command = this.exact(text);
    if (command !== undefined) return { label: commandLabel(command), intent: { kind: 'command', name: command }, score: 1, alternatives: [] };

    const ranked = this.rank(text);
    const real = ranked.filter((r) => r.label !== OUT_OF_SCOPE);
    const top = ranked[0];
    const bestReal = real[0];
    if (top === undefined || bestReal === undefined) return { label: NONE, intent: { kind: 'none' }, score: 1, alternatives: [] };

    const abstain = top.label === OUT_OF_SCOPE || bestReal.score < this.options.threshold;
    const chosen = abstain ? NONE : bestReal.label;
    const alternatives = real
      .filter((r) => r.label !== chosen && r.score >= MIN_ALTERNATIVE_SCORE)
      .slice(0, MAX_ALTERNATIVES)
      .map((r) => r.label);
    const score = abstain ? 1 - bestReal.score : bestReal.score;
    return { label: chosen, intent: this.intentOf(chosen), score: round(clamp01(score)), alternatives };
  }

  /** The closest FAQ topics to a text, best first: the buttons offered when the bot abstains. */
  closestTopics(text: string, limit: number): string[] {
    return this.rank(text)
      .flatMap((s) => {
        const intent = this.intentOf(s.label);
        return intent.kind === 'faq' ? [intent.topicId] : [];
      })
      .slice(0, limit);
  }
}

/** The classify contract's label for a command. */
function commandLabel(name: string): string {
  return `cmd:${name}`;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const QUESTION_START = /^(how|what|whats|why|when|where|who|which|can|could|is|are|do|does|will|would|should|if)\b/;
const OWN = /\b(our|my|we|us|me)\b/;
const PERIOD = /\b(\d+|one|two|three|four|a|next)\s+(day|days|week|weeks|month|months)\b|\b(until|till|til|through)\b/;

/**
 * Sentence-shape signals the bag of stems cannot see: a question about a rule ("how long can we
 * pause") reads differently from an instruction ("pause us for two weeks").
 */
function withShape(vec: Map<string, number>, text: string): Map<string, number> {
  const t = text.trim().toLowerCase();
  const out = new Map(vec);
  if (QUESTION_START.test(t) || t.endsWith('?')) out.set('#question', 0.5);
  if (OWN.test(t)) out.set('#own', 0.5);
  if (PERIOD.test(t)) out.set('#period', 0.5);
  return out;
}
