import { text } from 'node:stream/consumers';
import { isDomainError } from '../domain/errors.ts';
import { matchScenario, parseScenario } from '../domain/matching/index.ts';

/**
 * `npm run --silent match < scenario.json`: one JSON document on stdout, or, for bad input,
 * exit status 2 with exactly one stderr line naming the field and nothing on stdout
 * (shared/contracts/matching.md).
 */

const INVALID_INPUT = 2;

/** `problem` starts with the field it is about, e.g. `referrals[0].workloads: must not be empty`. */
function reject(problem: string): void {
  process.stderr.write(`invalid input: ${problem.replace(/\s+/g, ' ')}\n`);
  process.exitCode = INVALID_INPUT;
}

async function main(): Promise<void> {
  const raw = await text(process.stdin);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    reject(`input: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return;
  }
  const parsed = parseScenario(data);
  if (!parsed.ok) {
    reject(`${parsed.field}: ${parsed.message}`);
    return;
  }
  try {
    process.stdout.write(`${JSON.stringify(matchScenario(parsed.scenario), null, 2)}\n`);
  } catch (e) {
    // The schema already refuses what the domain would; this keeps the one-line contract if not.
    if (!isDomainError(e)) throw e;
    reject(e.message);
  }
}

await main();
