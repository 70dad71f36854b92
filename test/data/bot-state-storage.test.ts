import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JsonStore } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { ETagConflictError, LowdbStorage } from '../../data/store/bot-state-storage.ts';

describe('LowdbStorage (botbuilder Storage on lowdb)', () => {
  let dir: string;
  let file: string;
  let store: JsonStore<StoreData>;
  let storage: LowdbStorage;
  const now = () => new Date('2026-11-25T12:00:00Z');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'storage-'));
    file = path.join(dir, 'db.json');
    store = await JsonStore.open(file, storeSchema, emptyStore);
    storage = new LowdbStorage(store, now);
  });
  afterEach(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back what it wrote, with an eTag, and nothing for unknown keys', async () => {
    await storage.write({ a: { step: 'confirm-pause', until: '2026-12-09' } });
    const items = await storage.read(['a', 'missing']);
    assert.deepEqual(Object.keys(items), ['a']);
    assert.equal(items['a']?.step, 'confirm-pause');
    assert.equal(typeof items['a']?.eTag, 'string');
  });

  it('survives a restart: a new store on the same file sees the state', async () => {
    await storage.write({ flow: { step: 'decline-reason', referralId: 'R-1001' } });
    await store.flush();
    const reopened = new LowdbStorage(await JsonStore.open(file, storeSchema, emptyStore), now);
    const items = await reopened.read(['flow']);
    assert.equal(items['flow']?.referralId, 'R-1001');
  });

  it('refuses a write with a stale eTag and applies nothing of that write', async () => {
    await storage.write({ a: { n: 1 } });
    const first = await storage.read(['a']);
    const second = await storage.read(['a']);
    await storage.write({ a: { ...first['a'], n: 2 } });
    await assert.rejects(storage.write({ a: { ...second['a'], n: 3 }, b: { n: 9 } }), ETagConflictError);
    const now2 = await storage.read(['a', 'b']);
    assert.equal(now2['a']?.n, 2);
    assert.equal(now2['b'], undefined);
  });

  it('overwrites with "*" or without an eTag', async () => {
    await storage.write({ a: { n: 1 } });
    await storage.write({ a: { n: 2, eTag: '*' } });
    await storage.write({ a: { n: 3 } });
    assert.equal((await storage.read(['a']))['a']?.n, 3);
  });

  it('deletes', async () => {
    await storage.write({ a: { n: 1 } });
    await storage.delete(['a']);
    assert.deepEqual(await storage.read(['a']), {});
  });

  it('of two concurrent writers holding the same eTag, exactly one wins', async () => {
    await storage.write({ a: { n: 0 } });
    const read = await storage.read(['a']);
    const results = await Promise.allSettled([
      storage.write({ a: { ...read['a'], n: 1 } }),
      storage.write({ a: { ...read['a'], n: 2 } }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
  });
});
