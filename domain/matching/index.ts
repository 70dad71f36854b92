/**
 * The referral matching module (shared/contracts/matching.md): pure, deterministic, no clock.
 * Build a {@link Matcher} once per batch; use {@link matchScenario} for whole scenario files.
 */
export { Matcher, type MatcherInput } from './matcher.ts';
export { MAX_SPLIT_LOCATIONS } from './assignment.ts';
export { matchScenario } from './scenario.ts';
export { rematchDeclined, type DeclinedPart } from './reassign.ts';
export { isContractDate, tryParseDay, formatDay } from './dates.ts';
export {
  contractDateSchema,
  customerSchema,
  formatIssuePath,
  locationSchema,
  parseScenario,
  partnerSchema,
  referralRequestSchema,
  scenarioSchema,
  type ScenarioParse,
} from './scenario-schema.ts';
export type * from './types.ts';
