import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { JsonStore, StoreFileError } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema } from '../../data/store/schema.ts';

const listSchema = z.object({ items: z.array(z.number()) });
type ListData = z.infer<typeof listSchema>;
const emptyList = (): ListData => ({ items: [] });

function openList(file: string): Promise<JsonStore<ListData>> {
  return JsonStore.open(file, listSchema, emptyList);
}

function onDisk(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf-8')) as unknown;
}

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
      assert.deepEqual(store.data, { items: [] });
      assert.deepEqual(onDisk(file), { items: [] });
      assert.equal(store.file, file);
    });

    it('treats an empty (or blank) file as new and writes the initial data', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, '  \n');
      const store = await openList(file);
      assert.deepEqual(store.data, { items: [] });
      assert.deepEqual(onDisk(file), { items: [] });
    });

    it('persists across a reopen', async () => {
      const first = await openList(file);
      await first.update((d) => {
        d.items.push(7, 8);
      });
      await first.flush();
      const second = await openList(file);
      assert.deepEqual(second.data, { items: [7, 8] });
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
    it('returns what the function returns, and the change is on disk when it resolves', async () => {
      const store = await openList(file);
      const result = await store.update((d) => {
        d.items.push(1);
        return d.items.length;
      });
      assert.equal(result, 1);
      assert.deepEqual(onDisk(file), { items: [1] });
    });

    it('lands 200 concurrent updates, in order, each on disk when it resolves, and all after a reopen', async () => {
      const store = await openList(file);
      const n = 200;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store
            .update((d) => {
              d.items.push(i);
              return d.items.length;
            })
            .then((length) => {
              const persisted = onDisk(file) as ListData;
              assert.ok(persisted.items.includes(i), `item ${i} is on disk when its update resolves`);
              return length;
            }),
        ),
      );
      const expected = Array.from({ length: n }, (_, i) => i);
      assert.deepEqual(results, expected.map((i) => i + 1), 'each update saw the ones before it');
      assert.deepEqual(store.data.items, expected);
      await store.flush();
      assert.deepEqual(onDisk(file), { items: expected });
      const reopened = await openList(file);
      assert.deepEqual(reopened.data.items, expected);
    });

    it('runs read-check-write updates one at a time', async () => {
      const store = await openList(file);
      // Each update appends the next number only if the previous one is there: interleaving would break the chain.
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.update((d) => {
            const last = d.items.at(-1) ?? -1;
            d.items.push(last + 1);
          }),
        ),
      );
      assert.deepEqual(store.data.items, Array.from({ length: 50 }, (_, i) => i));
    });

    it('a throwing update rejects with its error, leaves the data unchanged, and later updates still work', async () => {
      const store = await openList(file);
      await store.update((d) => {
        d.items.push(1);
      });
      const boom = new Error('refused by the check');
      const err = await rejection(
        store.update((d) => {
          if (d.items.includes(1)) throw boom;
          d.items.push(2);
        }),
      );
      assert.equal(err, boom);
      assert.deepEqual(store.data.items, [1]);
      assert.deepEqual(onDisk(file), { items: [1] });
      await store.update((d) => {
        d.items.push(3);
      });
      assert.deepEqual(store.data.items, [1, 3]);
      assert.deepEqual(onDisk(file), { items: [1, 3] });
    });

    it('a throwing update among concurrent ones fails alone', async () => {
      const store = await openList(file);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.update((d) => {
            if (i === 4) throw new Error('no four');
            d.items.push(i);
          }),
        ),
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        outcomes.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
      );
      await store.flush();
      assert.deepEqual(onDisk(file), { items: [0, 1, 2, 3, 5, 6, 7, 8, 9] });
    });

    it('flush waits for queued updates and their write', async () => {
      const store = await openList(file);
      const pending = store.update((d) => {
        d.items.push(42);
      });
      await store.flush();
      assert.deepEqual(onDisk(file), { items: [42] });
      await pending;
    });
  });

  describe('a failed write', () => {
    /**
     * steno writes `.db.json.tmp` beside the file and renames it over the file. A directory at the
     * temp path makes that write fail (EISDIR) even for root, while the real file stays readable.
     */
    async function blockWrites(): Promise<void> {
      await mkdir(path.join(path.dirname(file), `.${path.basename(file)}.tmp`));
    }
    async function unblockWrites(): Promise<void> {
      await rm(path.join(path.dirname(file), `.${path.basename(file)}.tmp`), { recursive: true });
    }

    it('rejects the update and reloads memory from disk, so memory is never ahead of disk', async () => {
      const store = await openList(file);
      await store.update((d) => {
        d.items.push(1);
      });
      await blockWrites();
      const err = await rejection(
        store.update((d) => {
          d.items.push(2);
        }),
      );
      assert.ok(err instanceof Error);
      assert.deepEqual(store.data.items, [1], 'memory went back to the file');
      assert.deepEqual(onDisk(file), { items: [1] });
    });

    it('fails every change the reload discarded, including those applied while the write was in flight', async () => {
      const store = await openList(file);
      await store.update((d) => {
        d.items.push(1);
      });
      await blockWrites();
      const outcomes = await Promise.allSettled(
        [2, 3, 4].map((n) =>
          store.update((d) => {
            d.items.push(n);
          }),
        ),
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'rejected', 'rejected'],
      );
      assert.deepEqual(store.data.items, [1]);
      assert.deepEqual(onDisk(file), { items: [1] });
      await store.flush();
    });

    it('keeps working once the disk is writable again', async () => {
      const store = await openList(file);
      await store.update((d) => {
        d.items.push(1);
      });
      await blockWrites();
      await rejection(
        store.update((d) => {
          d.items.push(2);
        }),
      );
      await unblockWrites();
      await store.update((d) => {
        d.items.push(3);
      });
      assert.deepEqual(store.data.items, [1, 3]);
      assert.deepEqual(onDisk(file), { items: [1, 3] });
      const reopened = await openList(file);
      assert.deepEqual(reopened.data.items, [1, 3]);
    });

    it('rejects the update (does not hang) when the directory has gone, and never reports an unsaved change as saved', async () => {
      const store = await openList(file);
      await store.update((d) => {
        d.items.push(1);
      });
      await rm(path.dirname(file), { recursive: true });
      const outcome = await Promise.race([
        store
          .update((d) => {
            d.items.push(2);
          })
          .then(
            () => 'resolved' as const,
            () => 'rejected' as const,
          ),
        new Promise<'unsettled'>((resolve) => setTimeout(() => resolve('unsettled'), 2000)),
      ]);
      assert.equal(outcome, 'rejected', 'an update whose write failed must reject, not hang');
      // Whatever the store does next, it must never report a change as saved that is not on disk.
      const later = await Promise.race([
        store
          .update((d) => {
            d.items.push(3);
          })
          .then(
            () => 'resolved' as const,
            () => 'rejected' as const,
          ),
        new Promise<'unsettled'>((resolve) => setTimeout(() => resolve('unsettled'), 2000)),
      ]);
      assert.notEqual(later, 'unsettled', 'a later update must settle');
      if (later === 'resolved') assert.ok((onDisk(file) as ListData).items.includes(3));
    });
  });
});
