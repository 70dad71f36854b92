/**
 * Words partners use for the program's own terms, folded before stemming so that an unseen
 * synonym lands on the vocabulary the knowledge base was written in. Only unambiguous mappings
 * belong here: a word with two meanings in this program stays as it is.
 */
const SYNONYMS: Readonly<Record<string, string>> = {
  rfa: 'referral',
  rfas: 'referrals',
  referal: 'referral',
  referals: 'referrals',
  mpnid: 'mpn',
  licence: 'license',
  licences: 'licenses',
  licensed: 'license',
  seat: 'license',
  seats: 'licenses',
  certification: 'specialization',
  certifications: 'specialization',
  certified: 'specialization',
  specialisation: 'specialization',
  specialisations: 'specialization',
  endorsment: 'endorsement',
  organisation: 'organization',
  percent: 'percent',
  pct: 'percent',
};

export function canonicalWord(word: string): string {
  return SYNONYMS[word] ?? word;
}
