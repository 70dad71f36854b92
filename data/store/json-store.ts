import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { applyChanges, undoAll, type Change, type Undo } from './journal-change.ts';
import { JournalFile, syncFileAndDir } from './journal-file.ts';
import { journalFileOf, readStoreFiles, StoreFileError, type Journaled, type StoreSchema } from './store-files.ts';

export { StoreFileError, journalFileOf, readStoreFiles, type Journaled } from './store-files.ts';

/** What an update decides: its result, and the changes to make (none for a pure check). */
export interface Changeset<R> {
  readonly result: R;
  readonly changes: readonly Change[];
}

/** Tuning and reporting for a store; the defaults suit the bot. */
export interface StoreOptions {
  /** Rewrite the snapshot once the journal holds this many entries. Default 5,000. */
  readonly snapshotEveryEntries?: number;
  /** … or this many bytes. Default 32 MiB. */
  readonly snapshotEveryBytes?: number;
  /** Where problems that do not stop the store are reported (an unfinished last journal line, a failed snapshot). */
  readonly warn?: (message: string) => void;
}

/** Counters since the store was opened. */
export interface StoreStats {
  /** Journal appends: one write + datasync each, holding one or more lines (group commit). */
  readonly appends: number;
  /** Journal lines appended: one per update that changed something. */
  readonly lines: number;
  /** Snapshots written by lowdb, start-up included. */
  readonly snapshots: number;
}

/**
 * Default snapshot cadence. A snapshot of a 15 MB store costs a few hundred ms during which updates
 * wait; every 5,000 entries keeps that under a tenth of the time at 1,000+ updates/s, and 32 MB
 * bounds the journal (and the replay at start-up) when entries are large.
 */
export const SNAPSHOT_EVERY_ENTRIES = 5_000;
/** See {@link SNAPSHOT_EVERY_ENTRIES}. */
export const SNAPSHOT_EVERY_BYTES = 32 * 1024 * 1024;

interface Pending {
  readonly line: Buffer | null;
  readonly seq: number;
  readonly undos: readonly Undo[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * A lowdb snapshot (`db.json`) plus a write-ahead journal beside it (`db.json.journal`), behind a
 * serialized, validated, group-committed API.
 *
 * - Updates run one at a time, so a read-check-write inside `update` is atomic for this process.
 * - An update says what it changes as {@link Change}s; the store applies them to memory and appends
 *   them as one JSON line to the journal. The same function applies them on replay, so memory and
 *   a restart cannot disagree.
 * - Each `update` resolves only after the append holding it was synced to disk. Updates that arrive
 *   while an append is in flight share the next one (group commit): one write + datasync for all.
 * - The snapshot is rewritten by lowdb only every {@link SNAPSHOT_EVERY_ENTRIES} entries or
 *   {@link SNAPSHOT_EVERY_BYTES}, on {@link flush}, and at start-up after a replay; then the
 *   journal is emptied. Its `journalSeq` says which lines it holds, so lines that a crash left in
 *   the journal after the snapshot are skipped, never applied twice.
 * - If an append fails, the changes that were not saved are undone in memory and their updates
 *   rejected, so memory is never ahead of disk.
 *
 * One store serves one process: there is no cross-process locking.
 */
export class JsonStore<T extends Journaled> {
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: Pending[] = [];
  private draining: Promise<void> | null = null;
  private readonly reloadListeners: Array<(data: T) => void> = [];
  private broken: StoreFileError | null = null;
  /** Seq of the last change applied in memory, and of the last one synced to the journal. */
  private seq: number;
  private durableSeq: number;
  private entriesSinceSnapshot = 0;
  /** Entries and journal bytes at which the next snapshot is due; pushed further after a failed one. */
  private nextSnapshotAt: { entries: number; bytes: number };
  private snapshotQueued = false;
  private readonly every: { entries: number; bytes: number };
  private readonly counters = { appends: 0, lines: 0, snapshots: 0 };
  private readonly warn: (message: string) => void;

  private constructor(
    private readonly db: Low<T>,
    readonly file: string,
    private readonly journal: JournalFile,
    options: StoreOptions,
    seq: number,
  ) {
    this.seq = this.durableSeq = seq;
    this.every = { entries: options.snapshotEveryEntries ?? SNAPSHOT_EVERY_ENTRIES, bytes: options.snapshotEveryBytes ?? SNAPSHOT_EVERY_BYTES };
    this.nextSnapshotAt = { ...this.every };
    this.warn = options.warn ?? ((message) => console.warn(message));
  }

  /**
   * Opens (or creates with `initial`) the snapshot, validates it, replays the journal onto it and
   * validates the result. A snapshot or journal that cannot be used is refused with
   * {@link StoreFileError} and neither file is touched. An unfinished last journal line (the
   * process died mid-append) is ignored with a warning. If the journal held anything, the snapshot
   * is rewritten and the journal emptied before the store is returned.
   */
  static async open<T extends Journaled>(file: string, schema: StoreSchema<T>, initial: () => T, options: StoreOptions = {}): Promise<JsonStore<T>> {
    await mkdir(path.dirname(file), { recursive: true });
    const found = readStoreFiles(file, schema, initial);
    const db = new Low<T>(new JSONFile<T>(file), found.data);
    const { replay } = found;
    const store = new JsonStore(db, file, new JournalFile(journalFileOf(file)), options, replay.seq);
    if (replay.tornLine !== null) {
      store.warn(`${store.journal.file}: ignored its last line (${replay.tornLine}), which a crash left unfinished; that change was never reported as saved`);
    }
    if (found.newSnapshot || replay.applied > 0) await store.writeSnapshot(replay.seq);
    // Strictly here: appending after an unfinished line would make it a corrupt line in the middle.
    if (found.journalBytes > 0) await store.journal.empty();
    return store;
  }

  /** The current data. Read-only: change it only through {@link update}. */
  get data(): Readonly<T> {
    return this.db.data;
  }

  /**
   * Runs `fn` on the data, alone, applies the changes it returns, and resolves with its result
   * once they are on disk. `fn` must not mutate the data. An update without changes still waits
   * for (and fails with) the changes before it, since its result may depend on them.
   */
  update<R>(fn: (data: Readonly<T>) => Changeset<R>): Promise<R> {
    const applied = this.queue.then(() => {
      if (this.broken !== null) throw this.broken;
      const { result, changes } = fn(this.db.data);
      // Registered in the same tick as the change, so no append or snapshot can miss it.
      return { result, persisted: this.record(changes) };
    });
    this.queue = applied.catch(() => undefined);
    return applied.then(async ({ result, persisted }) => {
      await persisted;
      return result;
    });
  }

  /** How many appends, lines and snapshots this store wrote: for benchmarks and operations. */
  /** Whether the store accepts writes; after an append it could not undo, it refuses them (see discard). */
  get health(): { readonly ok: boolean; readonly problem: string | null } {
    return { ok: this.broken === null, problem: this.broken?.message ?? null };
  }

  get stats(): StoreStats {
    return { ...this.counters };
  }

  /** Called after memory was set back (a failed append), so indexes built on the data can be rebuilt. */
  onReload(listener: (data: T) => void): void {
    this.reloadListeners.push(listener);
  }

  /**
   * Waits for every queued update and its append, then rewrites the snapshot if the journal holds
   * anything and empties the journal; call it before the process exits. Rejects if the snapshot
   * could not be written (the journal still holds every change then).
   */
  async flush(): Promise<void> {
    await this.snapshotInQueue(true);
  }

  /** Applies `changes` to memory now, and returns the promise of their append. */
  private record(changes: readonly Change[]): Promise<void> {
    let line: Buffer | null = null;
    let undos: Undo[] = [];
    if (changes.length > 0) {
      const seq = this.seq + 1;
      try {
        if (changes.some((c) => c.path[0] === 'journalSeq')) throw new Error('journalSeq belongs to the store; an update cannot change it');
        const text = `${JSON.stringify({ seq, changes })}\n`;
        // Memory gets exactly what the journal holds, as a replay would build it.
        undos = applyChanges(this.db.data, (JSON.parse(text) as { changes: Change[] }).changes);
        line = Buffer.from(text, 'utf-8');
      } catch (err) {
        // Memory is as it was, but `fn` may have updated state derived from it.
        this.notifyReload();
        throw err;
      }
      this.seq = seq;
      this.setSeq(seq);
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ line, seq: this.seq, undos, resolve, reject });
      this.startDrain();
    });
  }

  private startDrain(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      // A change recorded after the loop's last check but before this ran must not wait for the next one.
      if (this.waiting.length > 0) this.startDrain();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      const lines = batch.flatMap((p) => (p.line === null ? [] : [p.line]));
      try {
        if (this.broken !== null) throw this.broken;
        if (lines.length > 0) await this.journal.append(lines.length === 1 && lines[0] !== undefined ? lines[0] : Buffer.concat(lines));
        this.durableSeq = batch.at(-1)?.seq ?? this.durableSeq;
        this.entriesSinceSnapshot += lines.length;
        if (lines.length > 0) this.counters.appends++;
        this.counters.lines += lines.length;
        for (const p of batch) p.resolve();
      } catch (err) {
        await this.discard([...batch, ...this.waiting.splice(0)], err);
      }
    }
    if (this.entriesSinceSnapshot >= this.nextSnapshotAt.entries || this.journal.size >= this.nextSnapshotAt.bytes) {
      this.snapshotInQueue(false).catch((err: unknown) => this.warn(`${this.file}: the snapshot could not be written (${String(err)}); the journal keeps every change and it is tried again later`));
    }
  }

  /**
   * Memory must never be ahead of disk: undo everything not synced (the failed batch and all
   * applied since), newest first, cut the journal back to its last good line, and fail those
   * updates. If the journal cannot be cut back, it may hold part of the failed append, so no
   * later change is accepted.
   */
  private async discard(lost: readonly Pending[], err: unknown): Promise<void> {
    for (let i = lost.length - 1; i >= 0; i--) undoAll(lost[i]?.undos ?? []);
    this.seq = this.durableSeq;
    this.setSeq(this.durableSeq);
    if (lost.some((p) => p.undos.length > 0)) this.notifyReload();
    if (this.broken === null) {
      try {
        await this.journal.discardFailedAppend();
      } catch (cutError) {
        this.broken = new StoreFileError(this.journal.file, `an append failed (${String(err)}) and the journal could not be cut back to its last good line (${String(cutError)})`);
      }
    }
    for (const p of lost) p.reject(err);
  }

  /** The data says which journal line it is at, so a snapshot of it says which lines it holds. */
  private setSeq(seq: number): void {
    const data: Journaled = this.db.data;
    data.journalSeq = seq;
  }

  private notifyReload(): void {
    for (const listener of this.reloadListeners) listener(this.db.data);
  }

  /** Queues a snapshot behind every update so far; updates queued after it wait for it. */
  private snapshotInQueue(always: boolean): Promise<void> {
    if (!always) {
      if (this.snapshotQueued) return Promise.resolve();
      this.snapshotQueued = true;
    }
    const done = this.queue.then(async () => {
      try {
        // Nothing new is applied meanwhile, so once the appends drain, memory is exactly what is synced.
        while (this.draining !== null) await this.draining;
        if (this.broken !== null) throw this.broken;
        if (this.entriesSinceSnapshot > 0 || this.journal.size > 0) {
          try {
            await this.writeSnapshot(this.durableSeq);
          } catch (err) {
            this.nextSnapshotAt = { entries: this.entriesSinceSnapshot + this.every.entries, bytes: this.journal.size + this.every.bytes };
            throw err;
          }
          await this.journal.empty().catch((err: unknown) => {
            // Harmless for correctness: every line left is at or below the snapshot's seq, so replay skips it.
            this.warn(`${this.journal.file}: could not be emptied after a snapshot (${String(err)}); replay skips its lines`);
          });
        }
        if (always) await this.journal.close();
      } finally {
        if (!always) this.snapshotQueued = false;
      }
    });
    this.queue = done.catch(() => undefined);
    return done;
  }

  /**
   * Writes memory (which must be at `seq`, all synced) as the snapshot with lowdb and syncs it, so
   * the journal may be emptied after it.
   */
  private async writeSnapshot(seq: number): Promise<void> {
    this.setSeq(seq);
    await this.db.write();
    await syncFileAndDir(this.file);
    this.counters.snapshots++;
    this.entriesSinceSnapshot = 0;
    this.nextSnapshotAt = { ...this.every };
  }
}
