import { Matcher } from './matcher.ts';
import type { MatchOptions, Scenario, ScenarioOutcome } from './types.ts';

/**
 * The `match` command as a function: one batch over the scenario's referrals, in input order,
 * with counters starting from each location's `referralsReceived`. Explanations are on unless
 * `options.explain` is false.
 *
 * @throws DomainError for dates that do not parse, repeated MPN IDs or empty workloads.
 */
export function matchScenario(scenario: Scenario, options: MatchOptions = {}): ScenarioOutcome {
  const matcher = new Matcher(scenario);
  return { asOf: scenario.asOf, results: matcher.matchAll(scenario.referrals, options) };
}
