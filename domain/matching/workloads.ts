import { DomainError } from '../errors.ts';

/** The requested workloads W, with the referral's spelling for output and lower case for comparing. */
export interface RequestedWorkloads {
  readonly names: readonly string[];
  readonly lowers: readonly string[];
}

/**
 * W for one referral. Names compare case-insensitively, so a workload named twice ("Teams",
 * "teams") is one workload, spelled as it first appears; it is assigned once.
 */
export function requestedWorkloads(workloads: readonly string[], referralId: string): RequestedWorkloads {
  const names: string[] = [];
  const lowers: string[] = [];
  for (const name of workloads) {
    const lower = name.toLowerCase();
    if (!lowers.includes(lower)) {
      names.push(name);
      lowers.push(lower);
    }
  }
  if (names.length === 0) {
    throw new DomainError('matching.no-workloads', `referral ${referralId}: workloads must not be empty`, { referralId });
  }
  return { names, lowers };
}
