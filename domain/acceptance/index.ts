export { computeAcceptance } from './compute.ts';
export { parseInstant, formatInstant, formatUtcDate } from './instant.ts';
export {
  DEFAULT_QUARTER_SCHEME,
  QUARTER_SCHEMES,
  parseQuarterLabel,
  previousQuarter,
  quarterContaining,
  quarterFromOrdinal,
  quarterLabel,
  quarterOrdinalOfMs,
  quarterStartMs,
} from './quarters.ts';
export type { Quarter, QuarterScheme } from './quarters.ts';
export { acceptanceInputSchema, instantSchema, parseAcceptanceInput } from './schema.ts';
export type { AcceptanceInput } from './schema.ts';
export { DEFAULT_TARGET, acceptNeeded, meetsTarget, roundRate, targetFraction } from './target.ts';
export type { TargetFraction } from './target.ts';
export { ACCEPTANCE_EVENT_TYPES } from './types.ts';
export type {
  AcceptanceEvent,
  AcceptanceEventType,
  AcceptanceQuery,
  AcceptanceReport,
  AcceptanceRow,
  AnswerType,
  LoggedEvent,
} from './types.ts';
