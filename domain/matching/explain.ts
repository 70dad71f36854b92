import { describeLocationRule, describeNotEndorsed, firstFailingLocationRule, isEndorsed } from './eligibility.ts';
import { MAX_SPLIT_LOCATIONS } from './assignment.ts';
import type { PreparedLocation } from './prepared.ts';
import type { Customer } from './types.ts';
import type { RequestedWorkloads } from './workloads.ts';

/** How the matcher placed the referral, as far as explanations need to know. */
export type Decision =
  | { readonly kind: 'single'; readonly winner: number; readonly winnerClaim: boolean }
  | { readonly kind: 'split' };

/** Everything about one matched referral that the explanation texts rely on, before counters move. */
export interface ExplainContext {
  readonly locations: readonly PreparedLocation[];
  /** Counters as they stood when the referral was matched, by location index. */
  readonly received: Float64Array;
  /** Indices of the locations that received a part. */
  readonly picked: readonly number[];
  readonly workloads: RequestedWorkloads;
  readonly customer: Customer;
  readonly exclude: ReadonlySet<string>;
  /** MPN IDs holding a CPOR claim on the customer. */
  readonly claims: ReadonlySet<string>;
  /** Per workload of W: true when it went to the FastTrack Center. */
  readonly open: readonly boolean[];
  readonly decision: Decision;
  /** `customer-country` summarises locations in other countries in one line. */
  readonly scope: 'all' | 'customer-country';
}

interface Named {
  readonly name: string;
  readonly lower: string;
}

function whyWinnerRanksFirst(loc: PreparedLocation, ctx: ExplainContext, winnerIndex: number, winnerClaim: boolean): string {
  const winner = ctx.locations[winnerIndex]?.mpnId ?? '';
  if (winnerClaim && !ctx.claims.has(loc.mpnId)) return `${winner} holds a CPOR claim on the customer`;
  const theirs = ctx.received[winnerIndex] ?? 0;
  const mine = ctx.received[loc.index] ?? 0;
  if (theirs < mine) return `${winner} has received fewer referrals (${theirs} vs ${mine})`;
  return `${winner} has as many referrals (${theirs}) and a smaller MPN ID`;
}

/**
 * Why one location got nothing. Rule 1 comes first when the location is endorsed for none of W;
 * otherwise the first of rules 2–7 it fails; otherwise it was eligible for some of W and the
 * text says what it lost to. Each branch states only facts that held when the referral was
 * matched, which is why this runs before the counters are incremented.
 */
function explainOne(loc: PreparedLocation, ctx: ExplainContext, all: readonly Named[]): string {
  const { customer, decision } = ctx;
  let unendorsed = 0;
  for (const w of all) if (!isEndorsed(loc, w.lower)) unendorsed++;
  if (unendorsed === all.length) return describeNotEndorsed(loc, all);
  const rule = firstFailingLocationRule(loc, customer, ctx.exclude);
  if (rule !== null) return describeLocationRule(rule, loc, customer);

  if (decision.kind === 'single') {
    if (unendorsed > 0) return describeNotEndorsed(loc, all.filter((w) => !isEndorsed(loc, w.lower)));
    return `eligible, but ${whyWinnerRanksFirst(loc, ctx, decision.winner, decision.winnerClaim)}`;
  }
  const eligible = all.filter((w) => isEndorsed(loc, w.lower));
  const names = eligible.map((w) => w.name).join(', ');
  // A candidate left with open workloads it could take means the rounds ran out, not candidates.
  const toFtc = all.some((w, i) => ctx.open[i] === true && isEndorsed(loc, w.lower));
  if (toFtc) return `eligible for ${names}, but the split already reached ${MAX_SPLIT_LOCATIONS} locations`;
  return `eligible for ${names}, but each went to a location ranked above it`;
}

/**
 * One line per location that received nothing, in input order, as `mpnId: reason`. Covers every
 * location, including those in other countries, so each is accounted for.
 */
export function explainLeftOut(ctx: ExplainContext): string[] {
  const { names, lowers } = ctx.workloads;
  const all: Named[] = names.map((name, i) => ({ name, lower: lowers[i] ?? '' }));
  const lines: string[] = [];
  let elsewhere = 0;
  for (const loc of ctx.locations) {
    if (ctx.picked.includes(loc.index)) continue;
    if (ctx.scope === 'customer-country' && loc.country !== ctx.customer.country) {
      elsewhere++;
      continue;
    }
    lines.push(`${loc.mpnId}: ${explainOne(loc, ctx, all)}`);
  }
  if (elsewhere > 0) {
    lines.push(`${elsewhere} other location${elsewhere === 1 ? '' : 's'}: not in the customer's country (${ctx.customer.country})`);
  }
  return lines;
}
