import type { DeclineReason } from '../domain/referrals/types.ts';

const PATTERNS: ReadonlyArray<readonly [RegExp, DeclineReason['code']]> = [
  [/\b(no|not enough|lack of|without)\s+(capacity|bandwidth|people|staff|resources)\b|\bcapacity\b|\bfully booked\b|\bswamped\b/, 'no-capacity'],
  [/\b(can ?not|can't|cannot|unable to)\s+(support|deliver|do)\b|\bworkload\b|\bnot (skilled|able)\b/, 'cannot-support-workload'],
  [/\b(not|un)\s*reachable\b|\bcan(no|')?t reach\b|\bno (answer|response)\b|\bunresponsive\b/, 'customer-unreachable'],
];

/**
 * The decline reason a user typed after the referral id, or undefined when it is not clear: the
 * bot then asks with the choice list instead of guessing. Anything else typed becomes "other".
 */
export function declineReasonIn(text: string, options: { readonly freeTextIsOther: boolean } = { freeTextIsOther: true }): DeclineReason | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  for (const [re, code] of PATTERNS) if (re.test(t)) return { code, text: null };
  const other = /^other\b[:\s-]*(.*)$/.exec(t);
  if (other !== null) return (other[1] ?? '').trim() === '' ? undefined : { code: 'other', text: text.trim().replace(/^other\b[:\s-]*/i, '') };
  return options.freeTextIsOther && t.split(/\s+/).length >= 3 ? { code: 'other', text: text.trim() } : undefined;
}

export const DECLINE_REASON_LABELS: Readonly<Record<DeclineReason['code'], string>> = {
  'no-capacity': 'No capacity',
  'cannot-support-workload': 'Location cannot support the workload',
  'customer-unreachable': 'Customer not reachable',
  other: 'Other',
};
