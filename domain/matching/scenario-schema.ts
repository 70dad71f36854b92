import { z } from 'zod';
import { isContractDate } from './dates.ts';
import type { Scenario } from './types.ts';

/**
 * Validation of the matching contract's input, shared by the `match` command and the intake
 * API. Every field of the contract is required except `minSeats`/`maxSeats`, which the contract
 * lets be absent. Unknown fields are dropped rather than rejected, so a richer record (a location
 * with a display name, say) can be passed as is.
 */

const text = z.string().min(1, 'must not be empty');

/** A contract date: `YYYY-MM-DD` or an ISO 8601 timestamp, and a real calendar day. */
export const contractDateSchema = z
  .string()
  .refine(isContractDate, 'not a valid date (expected YYYY-MM-DD or an ISO 8601 timestamp)');

const count = z.number().int('must be a whole number').nonnegative('must not be negative');
const seatBound = count.nullable().optional();

export const locationSchema = z.object({
  mpnId: text,
  partnerId: text,
  country: text,
  languages: z.array(text),
  minSeats: seatBound,
  maxSeats: seatBound,
  industries: z.array(text),
  status: z.enum(['active', 'departed']),
  pausedUntil: contractDateSchema.nullable(),
  referralsReceived: count,
});

export const partnerSchema = z.object({
  partnerId: text,
  specializations: z.array(z.object({ workload: text, expires: contractDateSchema })),
});

export const customerSchema = z.object({
  country: text,
  language: text,
  seats: count,
  industry: z.string(),
  cporClaims: z.array(z.object({ mpnId: text, workload: text })),
});

export const referralRequestSchema = z.object({
  id: text,
  type: z.enum(['Standard', 'Benefit']),
  workloads: z.array(text).min(1, 'must not be empty'),
  customer: customerSchema,
  exclude: z.array(text),
});

export const scenarioSchema = z
  .object({
    asOf: contractDateSchema,
    locations: z.array(locationSchema),
    partners: z.array(partnerSchema),
    referrals: z.array(referralRequestSchema),
  })
  .superRefine((scenario, ctx) => {
    const seen = new Set<string>();
    scenario.locations.forEach((loc, i) => {
      if (seen.has(loc.mpnId)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['locations', i, 'mpnId'], message: `duplicate MPN ID ${loc.mpnId}` });
      }
      seen.add(loc.mpnId);
    });
  });

/** Short, single-line messages for the issues zod words at length or per type. */
const errorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.code === z.ZodIssueCode.invalid_type) {
    return { message: issue.received === 'undefined' ? 'required' : `expected ${issue.expected}, got ${issue.received}` };
  }
  if (issue.code === z.ZodIssueCode.invalid_enum_value) {
    return { message: `expected one of ${issue.options.join(', ')}` };
  }
  return { message: ctx.defaultError };
};

/** `referrals[0].workloads`-style path of an issue; the whole document is `input`. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out === '' ? 'input' : out;
}

export type ScenarioParse =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly field: string; readonly message: string };

/**
 * Validates a parsed JSON value as a scenario. On failure it reports the first problem only,
 * as `field` and `message`, because the command prints exactly one line naming one field.
 */
export function parseScenario(data: unknown): ScenarioParse {
  const result = scenarioSchema.safeParse(data, { errorMap });
  if (result.success) return { ok: true, scenario: result.data };
  const issue = result.error.issues[0];
  if (issue === undefined) return { ok: false, field: 'input', message: 'invalid' };
  return { ok: false, field: formatIssuePath(issue.path), message: issue.message.replace(/\s+/g, ' ') };
}
