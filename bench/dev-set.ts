import { readFileSync } from 'node:fs';

export interface DevRow {
  readonly q: string;
  readonly expect: readonly string[];
}

export type Kind = 'faq' | 'cmd' | 'none';

/** The shared development set; bench/ sits beside scripts/, so the same relative path holds. */
export const DEV_SET = new URL('../../shared/eval/intents-dev.jsonl', import.meta.url);

export function readDevSet(file: URL = DEV_SET): DevRow[] {
  return readFileSync(file, 'utf-8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DevRow);
}

export function kindOf(row: DevRow): Kind {
  const first = row.expect[0] ?? 'none';
  return first === 'none' ? 'none' : first.startsWith('cmd:') ? 'cmd' : 'faq';
}
