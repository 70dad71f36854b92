import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Example utterances per command, and the out-of-scope questions used to calibrate abstention. */
export interface CommandExamples {
  readonly id: string;
  readonly examples: readonly string[];
}

const commandsSchema = z.object({
  commands: z.array(z.object({ id: z.string().min(1), examples: z.array(z.string().min(1)).min(1) })),
});

export function loadCommandExamples(file: URL = new URL('./commands.json', import.meta.url)): CommandExamples[] {
  return commandsSchema.parse(JSON.parse(readFileSync(file, 'utf-8'))).commands;
}

export function loadOutOfScope(file: URL = new URL('./out-of-scope.txt', import.meta.url)): string[] {
  return readFileSync(file, 'utf-8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
