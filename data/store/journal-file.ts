import fs from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Makes a file's content, and a rename or creation in its directory, survive a power cut: steno
 * (lowdb's writer) renames without syncing, and a journal is only emptied once the snapshot that
 * replaces it is really on disk.
 */
export async function syncFileAndDir(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory to sync it; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

const fsAsync = {
  open: promisify(fs.open),
  write: promisify(fs.write),
  fdatasync: promisify(fs.fdatasync),
  fstat: promisify(fs.fstat),
  ftruncate: promisify(fs.ftruncate),
  close: promisify(fs.close),
};

/**
 * The append side of the journal: one file descriptor opened in append mode, each append followed
 * by `fdatasync`, so an append that resolved survives a crash. Remembers how many bytes are known
 * good, so a failed append can be cut off before anything is appended after it.
 *
 * A plain descriptor rather than a FileHandle: a store that is dropped without flush (a test, a
 * crash drill) must not have its journal closed by the garbage collector, which Node warns about
 * and will turn into an error.
 */
export class JournalFile {
  private fd: number | null = null;
  /** Bytes of complete, synced lines; the store empties the journal at start-up, so it starts at 0. */
  private good = 0;
  /** An append started since the last good size: the file may hold bytes after it. */
  private dirty = false;

  constructor(readonly file: string) {}

  /** Bytes of complete, synced lines. */
  get size(): number {
    return this.good;
  }

  /** Appends `bytes` and resolves once they are on disk. */
  async append(bytes: Buffer): Promise<void> {
    const fd = await this.opened();
    this.dirty = true;
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await fsAsync.write(fd, bytes, done, bytes.length - done);
      done += bytesWritten;
    }
    await fsAsync.fdatasync(fd);
    // An open descriptor still writes to a file that was deleted (or whose folder was): that is not saved.
    if ((await fsAsync.fstat(fd)).nlink === 0) throw new Error(`the journal ${this.file} was deleted while open`);
    this.good += bytes.length;
    this.dirty = false;
  }

  /**
   * After a failed append: cuts the file back to the last good size and drops the descriptor, so
   * the next append starts on a clean line. Throws when that cannot be done; the file may then
   * hold part of the failed append, and nothing may be appended after it.
   */
  async discardFailedAppend(): Promise<void> {
    await this.close().catch((err: unknown) => {
      // The descriptor is dropped either way; the truncation below decides whether the file is usable.
      process.emitWarning(`closing the journal ${this.file} after a failed append failed too: ${String(err)}`);
    });
    if (!this.dirty) return;
    await truncate(this.file, this.good);
    this.dirty = false;
  }

  /** Empties the journal: its lines are all in a snapshot that is on disk. */
  async empty(): Promise<void> {
    if (this.fd !== null) await fsAsync.ftruncate(this.fd, 0);
    else if (await exists(this.file)) await truncate(this.file, 0);
    this.good = 0;
  }

  /** Releases the descriptor; the next append opens the file again. */
  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await fsAsync.close(fd);
  }

  private async opened(): Promise<number> {
    if (this.fd !== null) return this.fd;
    const created = !(await exists(this.file));
    const fd = await fsAsync.open(this.file, 'a');
    try {
      if (created) await syncDir(path.dirname(this.file));
    } catch (err) {
      await fsAsync.close(fd);
      throw err;
    }
    this.fd = fd;
    return fd;
  }
}
