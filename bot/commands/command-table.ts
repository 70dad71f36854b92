import { words } from '../../dialogs/router/text-features.ts';
import type { Command } from './command.ts';
import { GENERAL_COMMANDS } from './general-commands.ts';
import { LOCATION_COMMANDS } from './location-commands.ts';
import { NOTIFICATION_COMMANDS } from './notification-commands.ts';
import { OPERATIONS_COMMANDS } from './operations-commands.ts';

/** Every command the bot has, in the order help lists them. Adding a command is one entry here. */
export const COMMANDS: readonly Command[] = [...GENERAL_COMMANDS, ...LOCATION_COMMANDS, ...NOTIFICATION_COMMANDS, ...OPERATIONS_COMMANDS];

/** The command a message spells out literally, or undefined. A command word must start the message. */
export function typedCommand(text: string): string | undefined {
  const raw = text.trim();
  const w = words(raw);
  if (w.length === 0 && raw !== '?') return undefined;
  return COMMANDS.find((c) => c.typed(w, raw))?.name;
}

/** What the router learns from the table: each command's everyday phrasings. */
export function commandExamples(): Array<{ readonly id: string; readonly examples: readonly string[] }> {
  return COMMANDS.filter((c) => c.examples.length > 0).map((c) => ({ id: c.name, examples: c.examples }));
}
