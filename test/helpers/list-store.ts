import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { changesTo } from '../../data/store/change-builders.ts';
import { JsonStore, journalFileOf, readStoreFiles, type StoreOptions } from '../../data/store/json-store.ts';

/** The smallest store shape: a list of numbers, plus the journal seq every store carries. */
export const listSchema = z.object({ items: z.array(z.number()), journalSeq: z.number().int().min(0).default(0) });
export type ListData = z.infer<typeof listSchema>;
export const emptyList = (): ListData => ({ items: [], journalSeq: 0 });

const change = changesTo<ListData>();

export function openList(file: string, options: StoreOptions = {}): Promise<JsonStore<ListData>> {
  return JsonStore.open(file, listSchema, emptyList, options);
}

/** Appends `values` to the list; resolves with the list's length after them, once on disk. */
export function add(store: JsonStore<ListData>, ...values: number[]): Promise<number> {
  return store.update((d) => ({ result: d.items.length + values.length, changes: [change.append('items', values)] }));
}

/** The snapshot file (`db.json`) as JSON, exactly as lowdb last wrote it. */
export function snapshotOnDisk(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf-8')) as unknown;
}

/** What a restart would see: the snapshot with the journal replayed, read without writing anything. */
export function durableItems(file: string): number[] {
  return readStoreFiles(file, listSchema, emptyList).data.items;
}

/** The journal's complete lines, parsed. */
export function journalLines(file: string): Array<{ seq: number; changes: unknown[] }> {
  let text: string;
  try {
    text = readFileSync(journalFileOf(file), 'utf-8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { seq: number; changes: unknown[] });
}
