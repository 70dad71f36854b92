import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ZodType, ZodTypeDef } from 'zod';

export class StoreFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`The store file ${file} cannot be used: ${reason}. It was left exactly as it was; fix or move it, then start again.`);
    this.name = 'StoreFileError';
  }
}

/**
 * One lowdb file behind a serialized, validated, group-committed API.
 *
 * - Mutations run one at a time, so a read-check-write inside `update` is atomic for this process.
 * - Each `update` resolves only after a write that contains it reached the disk (steno writes a temp
 *   file and renames it, so a crash never leaves half a file).
 * - Mutations that arrive while a write is in flight share the next write: the JSON is serialized
 *   once per write, not once per mutation, which is what keeps persisted throughput high on a big
 *   file.
 * - If a write fails, memory is reloaded from the file, so memory is never ahead of disk.
 *
 * One store file serves one process: there is no cross-process locking.
 */
export class JsonStore<T> {
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private draining: Promise<void> | null = null;
  private readonly reloadListeners: Array<(data: T) => void> = [];
  private broken: StoreFileError | null = null;

  private constructor(
    private readonly db: Low<T>,
    readonly file: string,
    private readonly schema: ZodType<T, ZodTypeDef, unknown>,
  ) {}

  /**
   * Opens (or creates with `initial`) the file and validates its content. A file that is not JSON
   * or does not match the schema is refused with {@link StoreFileError}, and never rewritten.
   */
  static async open<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown>, initial: () => T): Promise<JsonStore<T>> {
    await mkdir(path.dirname(file), { recursive: true });
    let raw: string | null;
    try {
      raw = await readFile(file, 'utf-8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreFileError(file, String(err));
      raw = null;
    }
    const db = new Low<T>(new JSONFile<T>(file), initial());
    const store = new JsonStore(db, file, schema);
    if (raw === null || raw.trim() === '') {
      await db.write();
      return store;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new StoreFileError(file, `it is not valid JSON (${(err as Error).message})`);
    }
    db.data = store.validate(json);
    return store;
  }

  private validate(json: unknown): T {
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
      throw new StoreFileError(this.file, `its content does not match the expected shape (${where})`);
    }
    return parsed.data;
  }

  /** The current data. Treat it as read-only; change it only inside {@link update}. */
  get data(): Readonly<T> {
    return this.db.data;
  }

  /**
   * Runs `fn` on the data, alone, then resolves once the change is on disk. A throw inside `fn`
   * must leave the data untouched: check before you mutate.
   */
  update<R>(fn: (data: T) => R): Promise<R> {
    const applied = this.queue.then(() => {
      if (this.broken !== null) throw this.broken;
      const result = fn(this.db.data);
      // Registered in the same tick as the change, so no write can miss it.
      return { result, persisted: this.persist() };
    });
    this.queue = applied.catch(() => undefined);
    return applied.then(async ({ result, persisted }) => {
      await persisted;
      return result;
    });
  }

  /** Called after memory was reloaded from the file, so indexes built on the data can be rebuilt. */
  onReload(listener: (data: T) => void): void {
    this.reloadListeners.push(listener);
  }

  /** Waits for every queued mutation and write. */
  async flush(): Promise<void> {
    await this.queue;
    await this.draining;
  }

  private persist(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = null;
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await this.db.write();
        for (const w of batch) w.resolve();
      } catch (err) {
        // Memory must never be ahead of disk: go back to the file, and fail every change that the
        // reload just discarded, including those applied while the write was in flight.
        const lost = [...batch, ...this.waiting.splice(0)];
        try {
          this.db.data = this.validate(JSON.parse(readFileSync(this.file, 'utf-8')));
          for (const listener of this.reloadListeners) listener(this.db.data);
        } catch (reloadError) {
          // Neither memory nor the file can be trusted now: refuse every later change.
          this.broken = new StoreFileError(this.file, `a write failed (${String(err)}) and the file could not be read back (${String(reloadError)})`);
        }
        for (const w of lost) w.reject(err);
      }
    }
  }
}
