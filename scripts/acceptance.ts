/**
 * `npm run --silent acceptance < events.json`: the acceptance contract's command
 * (shared/contracts/acceptance.md). Prints one JSON report on stdout; bad input exits 2 with one
 * line on stderr naming the field or the referral, and nothing on stdout.
 */
import { computeAcceptance } from '../domain/acceptance/compute.ts';
import { parseAcceptanceInput } from '../domain/acceptance/schema.ts';
import { isDomainError } from '../domain/errors.ts';

const BAD_INPUT = 2;

/** Input that is not JSON at all; every other refusal arrives as a DomainError. */
class NotJson extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NotJson(`input: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function main(): Promise<number> {
  try {
    const report = computeAcceptance(parseAcceptanceInput(parseJson(await readStdin())));
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof NotJson || isDomainError(error)) {
      process.stderr.write(`${error.message.replace(/\s+/g, ' ').trim()}\n`);
      return BAD_INPUT;
    }
    throw error;
  }
}

process.exitCode = await main();
