import { readFileSync } from 'node:fs';
import type { ZodType, ZodTypeDef } from 'zod';
import { JournalError, replayJournal, type ReplayResult } from './journal-replay.ts';

/** A snapshot or journal that cannot be used; start-up stops rather than guess, and never rewrites it. */
export class StoreFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`The store file ${file} cannot be used: ${reason}. It was left exactly as it was; fix or move it, then start again.`);
    this.name = 'StoreFileError';
  }
}

/**
 * The field every store's data carries: the seq of the last journal line the data holds. Written
 * into the snapshot, it lets a restart skip journal lines that a crash left behind after the
 * snapshot was written. The store maintains it; updates must not change it.
 */
export interface Journaled {
  journalSeq: number;
}

/** The journal beside a snapshot file: `db.json` → `db.json.journal`. */
export function journalFileOf(file: string): string {
  return `${file}.journal`;
}

/** The zod schema of a store's data: what a snapshot, and the data after a replay, must match. */
export type StoreSchema<T> = ZodType<T, ZodTypeDef, unknown>;

/** What is durable for a store: its snapshot with the journal replayed onto it. */
export interface StoreFiles<T> {
  readonly data: T;
  /** The snapshot file is missing or blank: a new store. */
  readonly newSnapshot: boolean;
  /** Bytes in the journal file (0 when there is none). */
  readonly journalBytes: number;
  readonly replay: ReplayResult;
}

function validate<T>(file: string, schema: StoreSchema<T>, json: unknown, what: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new StoreFileError(file, `${what} does not match the expected shape (${where})`);
  }
  return parsed.data;
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreFileError(file, String(err));
  }
}

/**
 * Reads the snapshot and replays the journal onto it, validating both, and never writes: a file
 * that cannot be used is refused with {@link StoreFileError} and left as it is. The store opens
 * with this, and tests use it to see what a restart would see.
 */
export function readStoreFiles<T extends Journaled>(file: string, schema: StoreSchema<T>, initial: () => T): StoreFiles<T> {
  const raw = readOrNull(file)?.toString('utf-8') ?? null;
  const journalFile = journalFileOf(file);
  const journal = readOrNull(journalFile) ?? Buffer.alloc(0);
  const newSnapshot = raw === null || raw.trim() === '';
  let data: T;
  if (newSnapshot) {
    data = initial();
  } else {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new StoreFileError(file, `it is not valid JSON (${(err as Error).message})`);
    }
    data = validate(file, schema, json, 'its content');
  }
  let replay: ReplayResult;
  try {
    replay = replayJournal(data, data.journalSeq, journal);
  } catch (err) {
    if (err instanceof JournalError) throw new StoreFileError(journalFile, `${err.message}; the snapshot ${file} was not changed either`);
    throw err;
  }
  if (replay.applied > 0) {
    data.journalSeq = replay.seq;
    data = validate(journalFile, schema, data, `the data after replaying it onto ${file}`);
  }
  return { data, newSnapshot, journalBytes: journal.length, replay };
}
