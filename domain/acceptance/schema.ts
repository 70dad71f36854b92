import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { parseInstant } from './instant.ts';
import { DEFAULT_QUARTER_SCHEME, QUARTER_SCHEMES } from './quarters.ts';
import { DEFAULT_TARGET } from './target.ts';
import { ACCEPTANCE_EVENT_TYPES } from './types.ts';

const NOT_A_DATE = 'is not a date (expected ISO 8601, e.g. 2026-11-25T12:00:00Z)';

/** An ISO 8601 instant as `parseInstant` reads it, so validation and computation agree. */
export const instantSchema = z.string().refine((text) => !Number.isNaN(parseInstant(text)), NOT_A_DATE);

const eventFields = {
  type: z.enum(ACCEPTANCE_EVENT_TYPES),
  referralId: z.string().min(1),
  mpnId: z.string().min(1),
};

/**
 * The acceptance contract's input document (shared/contracts/acceptance.md), with its defaults:
 * `quarters` fiscal-july and `target` 0.8. Unknown fields are dropped, not refused, so a caller
 * may send extra context. Reuse this schema wherever the same document arrives (CLI, HTTP).
 *
 * Event dates are checked by one refinement over the whole list rather than one per event: zod
 * runs a per-item refinement several times slower than the item itself, which turned a
 * million-event document into a ten-second validation.
 */
export const acceptanceInputSchema = z
  .object({
    asOf: instantSchema,
    quarters: z.enum(QUARTER_SCHEMES).default(DEFAULT_QUARTER_SCHEME),
    target: z.number().min(0).max(1).default(DEFAULT_TARGET),
    events: z.array(z.object({ ...eventFields, at: z.string() })),
  })
  .superRefine((input, ctx) => {
    const index = input.events.findIndex((event) => Number.isNaN(parseInstant(event.at)));
    if (index >= 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['events', index, 'at'], message: NOT_A_DATE });
  });

export type AcceptanceInput = z.infer<typeof acceptanceInputSchema>;

/**
 * Validates a parsed JSON document against {@link acceptanceInputSchema}. Throws
 * `DomainError('acceptance.bad-input')` whose message is one line naming the first bad field,
 * e.g. `events[3].at (referral R-2): is not a date …`, and `details.field` holds that path.
 */
export function parseAcceptanceInput(raw: unknown): AcceptanceInput {
  const result = acceptanceInputSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue === undefined ? 'input' : fieldPath(issue.path);
  const referral = issue === undefined ? undefined : referralOf(raw, issue.path);
  const where = referral === undefined ? field : `${field} (referral ${referral})`;
  const message = issue === undefined ? 'is not valid' : describe(issue);
  throw new DomainError('acceptance.bad-input', `${where}: ${message}`.replace(/\s+/g, ' '), { field });
}

function fieldPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'input';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** The referral ID of the event an issue is in, when the event has a readable one. */
function referralOf(raw: unknown, path: readonly (string | number)[]): string | undefined {
  const [head, index] = path;
  if (head !== 'events' || typeof index !== 'number' || typeof raw !== 'object' || raw === null) return undefined;
  const events: unknown = (raw as { events?: unknown }).events;
  if (!Array.isArray(events)) return undefined;
  const event: unknown = events[index];
  if (typeof event !== 'object' || event === null) return undefined;
  const id: unknown = (event as { referralId?: unknown }).referralId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function describe(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? 'is missing' : `must be ${issue.expected}, not ${issue.received}`;
    case 'invalid_enum_value':
      return `must be one of ${issue.options.join(', ')}, not ${JSON.stringify(issue.received)}`;
    case 'too_small':
      return issue.type === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}
