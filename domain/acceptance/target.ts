import { DomainError } from '../errors.ts';

/** The contract's default target: each location must accept at least 80% of its referrals. */
export const DEFAULT_TARGET = 0.8;

/**
 * A target as the exact fraction of the decimal that was written: `0.8` is 4/5 here, not the
 * binary double just above 0.8. Comparing `accepted * den >= num * settled` in integers makes
 * exactly 80% meet a target of 0.8, with no epsilon to tune.
 */
export interface TargetFraction {
  readonly num: bigint;
  readonly den: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/**
 * Converts a target in [0, 1] to the fraction of its shortest decimal form (the form JSON and
 * `String()` print). Throws `DomainError('acceptance.bad-target')` outside [0, 1].
 */
export function targetFraction(target: number): TargetFraction {
  const match = Number.isFinite(target) && target >= 0 && target <= 1 ? DECIMAL.exec(String(target)) : null;
  if (match === null) {
    throw new DomainError('acceptance.bad-target', `The target must be a number from 0 to 1, not ${target}.`, {
      target: String(target),
    });
  }
  const fraction = match[2] ?? '';
  const exponent = Number(match[3] ?? '0') - fraction.length;
  const mantissa = BigInt(`${match[1] ?? '0'}${fraction}`);
  return exponent >= 0
    ? { num: mantissa * 10n ** BigInt(exponent), den: 1n }
    : { num: mantissa, den: 10n ** BigInt(-exponent) };
}

/** Whether accepted / settled >= target, exactly. `settled` must be positive. */
export function meetsTarget(accepted: number, settled: number, target: TargetFraction): boolean {
  return BigInt(accepted) * target.den >= target.num * BigInt(settled);
}

/**
 * The smallest n >= 0 with (accepted + n) / (settled + n) >= target: how many more acceptances, on
 * new offers, bring the rate to the target. 0 when it is already met. null when no number of
 * acceptances can reach it, which only happens with a target of 1 after a miss.
 */
export function acceptNeeded(accepted: number, settled: number, target: TargetFraction): number | null {
  const deficit = target.num * BigInt(settled) - BigInt(accepted) * target.den;
  if (deficit <= 0n) return 0;
  const gainPerAcceptance = target.den - target.num;
  if (gainPerAcceptance <= 0n) return null;
  return Number((deficit + gainPerAcceptance - 1n) / gainPerAcceptance);
}

/**
 * accepted / settled rounded half-up to 4 decimals. Dividing `accepted * 10000` (an exact integer)
 * rounds once, so a ratio such as 1/32 = 0.03125 becomes 0.0313 rather than drifting with binary
 * error. `settled` must be positive.
 */
export function roundRate(accepted: number, settled: number): number {
  return Math.round((accepted * 10_000) / settled) / 10_000;
}
