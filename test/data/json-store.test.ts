import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { changesTo } from '../../data/store/change-builders.ts';
import { JsonStore, journalFileOf, StoreFileError } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema } from '../../data/store/schema.ts';
import { add, durableItems, openList, snapshotOnDisk as onDisk, type ListData } from '../helpers/list-store.ts';

const change = changesTo<ListData>();

/** Awaits a promise that must reject and returns the reason. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the promise to reject');
}

describe('data/store JsonStore', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'json-store-test-'));
    file = path.join(dir, 'nested', 'db.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('open', () => {
    it('creates a new file (and its directory) holding the initial data', async () => {
      const store = await openList(file);
      assert.deepEqual(store.data, { items: [], journalSeq: 0 });
      assert.deepEqual(onDisk(file), { items: [], journalSeq: 0 });
      assert.equal(store.file, file);
    });

    it('treats an empty (or blank) file as new and writes the initial data', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, '  \n');
      const store = await openList(file);
      assert.deepEqual(store.data, { items: [], journalSeq: 0 });
      assert.deepEqual(onDisk(file), { items: [], journalSeq: 0 });
    });

    it('persists across a reopen', async () => {
      const first = await openList(file);
      await add(first, 7, 8);
      await first.flush();
      const second = await openList(file);
      assert.deepEqual(second.data.items, [7, 8]);
    });

    it('refuses a file that is not JSON with a clear StoreFileError, and leaves its bytes unchanged', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      const bytes = Buffer.from('{"items": [1, 2,\u0000 oops not json');
      await writeFile(file, bytes);
      const err = await rejection(openList(file));
      assert.ok(err instanceof StoreFileError, String(err));
      assert.equal(err.name, 'StoreFileError');
      assert.equal(err.file, file);
      assert.ok(err.message.includes(file), err.message);
      assert.match(err.message, /not valid JSON/);
      assert.match(err.message, /left exactly as it was/);
      assert.deepEqual(await readFile(file), bytes);
    });

    it('refuses a file of the wrong shape, names the problem, and leaves it unchanged', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      const text = '{"items":[1,"two",3]}';
      await writeFile(file, text);
      const err = await rejection(openList(file));
      assert.ok(err instanceof StoreFileError, String(err));
      assert.match(err.message, /does not match the expected shape/);
      assert.match(err.message, /items\.1/);
      assert.equal(await readFile(file, 'utf-8'), text);
    });

    for (const text of ['[]', '42', 'null', '"items"', '{"things":[]}']) {
      it(`refuses the wrong-shaped JSON ${text} and leaves the file unchanged`, async () => {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text);
        const err = await rejection(openList(file));
        assert.ok(err instanceof StoreFileError, String(err));
        assert.equal(await readFile(file, 'utf-8'), text);
      });
    }

    it('refuses a path it cannot read (a directory) with StoreFileError', async () => {
      await mkdir(file, { recursive: true });
      const err = await rejection(openList(file));
      assert.ok(err instanceof StoreFileError, String(err));
    });

    it('opens a store file written before newer collections existed, with them empty', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      const old = { version: 1, faqFeedback: [] };
      await writeFile(file, JSON.stringify(old));
      const store = await JsonStore.open(file, storeSchema, emptyStore);
      assert.deepEqual(store.data, emptyStore());
      assert.deepEqual(onDisk(file), old, 'opening does not rewrite the file');
    });

    it('refuses a store file with an unknown version', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify({ ...emptyStore(), version: 2 }));
      const err = await rejection(JsonStore.open(file, storeSchema, emptyStore));
      assert.ok(err instanceof StoreFileError, String(err));
      assert.match(err.message, /version/);
    });
  });

  describe('update', () => {
    it('returns what the function returns, and the change is on disk (journal) when it resolves', async () => {
      const store = await openList(file);
      const result = await add(store, 1);
      assert.equal(result, 1);
      assert.deepEqual(durableItems(file), [1]);
      assert.deepEqual(onDisk(file), { items: [], journalSeq: 0 }, 'the snapshot is not rewritten per update');
      await store.flush();
      assert.deepEqual(onDisk(file), { items: [1], journalSeq: 1 }, 'flush writes the snapshot');
    });

    it('lands 200 concurrent updates, in order, each on disk when it resolves, and all after a reopen', async () => {
      const store = await openList(file);
      const n = 200;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          add(store, i).then((length) => {
            assert.ok(durableItems(file).includes(i), `item ${i} is on disk when its update resolves`);
            return length;
          }),
        ),
      );
      const expected = Array.from({ length: n }, (_, i) => i);
      assert.deepEqual(results, expected.map((i) => i + 1), 'each update saw the ones before it');
      assert.deepEqual(store.data.items, expected);
      await store.flush();
      assert.deepEqual(onDisk(file), { items: expected, journalSeq: n });
      const reopened = await openList(file);
      assert.deepEqual(reopened.data.items, expected);
    });

    it('runs read-check-write updates one at a time', async () => {
      const store = await openList(file);
      // Each update appends the next number only if the previous one is there: interleaving would break the chain.
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.update((d) => ({ result: undefined, changes: [change.append('items', [(d.items.at(-1) ?? -1) + 1])] })),
        ),
      );
      assert.deepEqual(store.data.items, Array.from({ length: 50 }, (_, i) => i));
    });

    it('a throwing update rejects with its error, leaves the data unchanged, and later updates still work', async () => {
      const store = await openList(file);
      await add(store, 1);
      const boom = new Error('refused by the check');
      const err = await rejection(
        store.update((d) => {
          if (d.items.includes(1)) throw boom;
          return { result: undefined, changes: [change.append('items', [2])] };
        }),
      );
      assert.equal(err, boom);
      assert.deepEqual(store.data.items, [1]);
      assert.deepEqual(durableItems(file), [1]);
      await add(store, 3);
      assert.deepEqual(store.data.items, [1, 3]);
      assert.deepEqual(durableItems(file), [1, 3]);
    });

    it('a throwing update among concurrent ones fails alone', async () => {
      const store = await openList(file);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.update(() => {
            if (i === 4) throw new Error('no four');
            return { result: undefined, changes: [change.append('items', [i])] };
          }),
        ),
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        outcomes.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
      );
      await store.flush();
      assert.deepEqual(onDisk(file), { items: [0, 1, 2, 3, 5, 6, 7, 8, 9], journalSeq: 9 });
    });

    it('flush waits for queued updates and their write', async () => {
      const store = await openList(file);
      const pending = add(store, 42);
      await store.flush();
      assert.deepEqual(onDisk(file), { items: [42], journalSeq: 1 });
      await pending;
    });
  });

  describe('a failed journal append', () => {
    const journal = () => journalFileOf(file);
    /**
     * flush() releases the journal's handle; a directory where the journal should be then makes
     * the next append fail (EISDIR) even for root, while the snapshot stays readable.
     */
    async function blockAppends(store: JsonStore<ListData>): Promise<void> {
      await store.flush();
      await rm(journal(), { force: true });
      await mkdir(journal());
    }
    async function unblockAppends(): Promise<void> {
      await rm(journal(), { recursive: true });
    }

    it('rejects the update and sets memory back, so memory is never ahead of disk', async () => {
      const store = await openList(file);
      await add(store, 1);
      await blockAppends(store);
      const err = await rejection(add(store, 2));
      assert.ok(err instanceof Error);
      assert.deepEqual(store.data.items, [1], 'memory went back to what is on disk');
      assert.deepEqual(onDisk(file), { items: [1], journalSeq: 1 });
    });

    it('fails every change that was not saved, including those applied while the append was in flight', async () => {
      const store = await openList(file);
      await add(store, 1);
      await blockAppends(store);
      const outcomes = await Promise.allSettled([2, 3, 4].map((n) => add(store, n)));
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'rejected', 'rejected'],
      );
      assert.deepEqual(store.data.items, [1]);
      assert.deepEqual(onDisk(file), { items: [1], journalSeq: 1 });
    });

    it('keeps working once the disk is writable again, with no gap in the journal', async () => {
      const store = await openList(file);
      await add(store, 1);
      await blockAppends(store);
      await rejection(add(store, 2));
      await unblockAppends();
      await add(store, 3);
      assert.deepEqual(store.data.items, [1, 3]);
      assert.deepEqual(durableItems(file), [1, 3]);
      const reopened = await openList(file);
      assert.deepEqual(reopened.data.items, [1, 3]);
    });

    it('tells onReload listeners that memory was set back', async () => {
      const store = await openList(file);
      const seen: number[][] = [];
      store.onReload((d) => seen.push([...d.items]));
      await add(store, 1);
      await blockAppends(store);
      await rejection(add(store, 2));
      assert.deepEqual(seen, [[1]]);
    });

    it('rejects the update (does not hang) when the directory has gone, and never reports an unsaved change as saved', async () => {
      const store = await openList(file);
      await add(store, 1);
      await rm(path.dirname(file), { recursive: true });
      const outcome = await Promise.race([
        add(store, 2).then(
          () => 'resolved' as const,
          () => 'rejected' as const,
        ),
        new Promise<'unsettled'>((resolve) => setTimeout(() => resolve('unsettled'), 2000)),
      ]);
      assert.equal(outcome, 'rejected', 'an update whose append failed must reject, not hang');
      // Whatever the store does next, it must never report a change as saved that is not on disk.
      const later = await Promise.race([
        add(store, 3).then(
          () => 'resolved' as const,
          () => 'rejected' as const,
        ),
        new Promise<'unsettled'>((resolve) => setTimeout(() => resolve('unsettled'), 2000)),
      ]);
      assert.notEqual(later, 'unsettled', 'a later update must settle');
      if (later === 'resolved') assert.ok(durableItems(file).includes(3));
    });
  });

  describe('a failed snapshot write', () => {
    /**
     * steno writes `.db.json.tmp` beside the file and renames it over the file. A directory at the
     * temp path makes that write fail (EISDIR) even for root, while the real file stays readable.
     */
    const tmp = () => path.join(path.dirname(file), `.${path.basename(file)}.tmp`);

    it('rejects flush but loses nothing: the journal still holds every change', async () => {
      const store = await openList(file);
      await mkdir(tmp());
      await add(store, 1);
      await add(store, 2);
      assert.ok((await rejection(store.flush())) instanceof Error);
      assert.deepEqual(onDisk(file), { items: [], journalSeq: 0 });
      assert.deepEqual(durableItems(file), [1, 2]);
      await add(store, 3);
      await rm(tmp(), { recursive: true });
      await store.flush();
      assert.deepEqual(onDisk(file), { items: [1, 2, 3], journalSeq: 3 });
      assert.equal(await readFile(journalFileOf(file), 'utf-8'), '');
    });
  });
});
