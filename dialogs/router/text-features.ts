import { stemmer } from 'stemmer';

/**
 * Words that carry no topic signal in partners' questions. Question words are kept out of this
 * list on purpose where they separate a rule question ("how long can we pause") from a command
 * ("pause for 10 days"): those are handled as features, not dropped.
 */
const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for from with about as into onto than too very ' +
    'i me my mine we us our ours you your yours he she it its they them their this that these those ' +
    'is am are was were be been being do does did doing have has had having will would shall should ' +
    'can could may might must just also there here any some all own same such only please pls plz ' +
    'hi hello hey thanks thank ok okay ' +
    'get got gets getting want wants need needs like know tell let lets really actually still now ' +
    'im ive id youre were weve theyre its thats whats whos'
  ).split(/\s+/),
);

const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan['’]t\b/g, 'can not'],
  [/\bwon['’]t\b/g, 'will not'],
  [/\bain['’]t\b/g, 'is not'],
  [/n['’]t\b/g, ' not'],
  [/['’](re|ve|ll|d|m|s)\b/g, ''],
];

/** Lower-cases, folds accents and contractions, and splits into word tokens. */
export function words(text: string): string[] {
  let t = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  t = t.replace(/(\d+)\s*%/g, '$1 percent');
  return t.match(/[a-z0-9]+/g) ?? [];
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Words whose Porter stem collides with a command word ("helpful" would become "help"). */
const KEEP_WHOLE = new Set(['helpful', 'helpfull', 'unhelpful']);

/** Porter stem; numbers stay as they are so "80" and "300" keep their meaning. */
export function stem(word: string): string {
  return /^\d+$/.test(word) || KEEP_WHOLE.has(word) ? word : stemmer(word);
}

/** Content tokens of a text: stopwords dropped, everything stemmed. */
export function contentStems(text: string, rewrite: (word: string) => string = (w) => w): string[] {
  const out: string[] = [];
  for (const raw of words(text)) {
    for (const w of rewrite(raw).split(' ')) {
      if (w === '' || isStopword(w)) continue;
      out.push(stem(w));
    }
  }
  return out;
}

/** Unigrams plus adjacent pairs, so "round robin" or "acceptance rate" count more than their parts. */
export function featuresOf(stems: readonly string[]): string[] {
  const out = [...stems];
  for (let i = 0; i + 1 < stems.length; i++) out.push(`${stems[i]}_${stems[i + 1]}`);
  return out;
}
