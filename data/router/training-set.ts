import { readFileSync } from 'node:fs';

/** Questions outside the program, one per line (`#` starts a comment), learnt so near-misses abstain. */
export function loadOutOfScope(file: URL = new URL('./out-of-scope.txt', import.meta.url)): string[] {
  return readFileSync(file, 'utf-8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
