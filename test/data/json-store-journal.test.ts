import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { changesTo } from '../../data/store/change-builders.ts';
import { journalFileOf, StoreFileError } from '../../data/store/json-store.ts';
import { add, durableItems, journalLines, openList, snapshotOnDisk, type ListData } from '../helpers/list-store.ts';
import { rejection } from '../helpers/program-fixture.ts';

const change = changesTo<ListData>();
const line = (seq: number, ...values: number[]) => `${JSON.stringify({ seq, changes: [change.append('items', values)] })}\n`;

describe('data/store JsonStore journal', () => {
  let dir: string;
  let file: string;
  let journal: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'json-journal-test-'));
    file = path.join(dir, 'db.json');
    journal = journalFileOf(file);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one compact line per update, with consecutive seqs, and leaves the snapshot alone', async () => {
    const store = await openList(file);
    await add(store, 1);
    await add(store, 2, 3);
    assert.deepEqual(journalLines(file), [
      { seq: 1, changes: [{ op: 'append', path: ['items'], values: [1] }] },
      { seq: 2, changes: [{ op: 'append', path: ['items'], values: [2, 3] }] },
    ]);
    assert.deepEqual(snapshotOnDisk(file), { items: [], journalSeq: 0 });
    assert.deepEqual(store.stats, { appends: 2, lines: 2, snapshots: 1 });
    await store.flush();
  });

  it('survives a reopen without any snapshot write (as after a crash), then folds the journal into the snapshot', async () => {
    const store = await openList(file);
    for (let i = 1; i <= 5; i++) await add(store, i);
    // No flush: the first store is simply abandoned, as a killed process would be.
    assert.deepEqual(snapshotOnDisk(file), { items: [], journalSeq: 0 });
    const reopened = await openList(file);
    assert.deepEqual(reopened.data.items, [1, 2, 3, 4, 5]);
    assert.deepEqual(snapshotOnDisk(file), { items: [1, 2, 3, 4, 5], journalSeq: 5 }, 'start-up writes the snapshot after a replay');
    assert.equal((await stat(journal)).size, 0, 'and empties the journal');
    await add(reopened, 6);
    assert.deepEqual(journalLines(file).map((l) => l.seq), [6], 'seqs continue after the snapshot');
    await reopened.flush();
  });

  it('keeps what was acknowledged when the process is killed with SIGKILL', async function () {
    this.timeout(30000);
    const storeModule = pathToFileURL(fileURLToPath(new URL('../helpers/list-store.ts', import.meta.url))).href;
    const script = `
      const { add, openList } = await import(${JSON.stringify(storeModule)});
      const store = await openList(${JSON.stringify(file)});
      await Promise.all(Array.from({ length: 50 }, (_, i) => add(store, i)));
      process.stdout.write('acknowledged\\n');
      setInterval(() => add(store, 1000), 1);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('acknowledged')) setTimeout(resolve, 50);
      });
      child.on('exit', (code) => reject(new Error(`the child exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const reopened = await openList(file);
    const expected = Array.from({ length: 50 }, (_, i) => i);
    assert.deepEqual(reopened.data.items.slice(0, 50).sort((a, b) => a - b), expected);
    assert.ok(reopened.data.items.slice(50).every((n) => n === 1000));
  });

  it('ignores an unfinished last line with a warning, empties the journal, and appends cleanly after it', async () => {
    const store = await openList(file);
    await add(store, 1);
    await add(store, 2);
    await appendFile(journal, '{"seq":3,"changes":[{"op":"append","pa');
    const warnings: string[] = [];
    const reopened = await openList(file, { warn: (m) => warnings.push(m) });
    assert.deepEqual(reopened.data.items, [1, 2]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /line \(3\)|\(3\)/);
    assert.equal((await stat(journal)).size, 0);
    await add(reopened, 3);
    assert.deepEqual((await openList(file)).data.items, [1, 2, 3]);
  });

  it('ignores a last line that ends in a newline but does not parse (a torn group append)', async () => {
    await writeFile(file, JSON.stringify({ items: [], journalSeq: 0 }));
    await writeFile(journal, `${line(1, 1)}{"seq":2,"chan\n`);
    const warnings: string[] = [];
    const store = await openList(file, { warn: (m) => warnings.push(m) });
    assert.deepEqual(store.data.items, [1]);
    assert.equal(warnings.length, 1);
  });

  it('refuses a corrupt line in the middle, naming it, and leaves both files untouched', async () => {
    const snapshot = JSON.stringify({ items: [0], journalSeq: 0 });
    const lines = `${line(1, 1)}{"seq":2,"changes":[oops\n${line(3, 3)}`;
    await writeFile(file, snapshot);
    await writeFile(journal, lines);
    const err = await rejection(openList(file));
    assert.ok(err instanceof StoreFileError, String(err));
    assert.equal(err.file, journal);
    assert.match(err.message, /line 2 of the journal is not valid JSON/);
    assert.match(err.message, /left exactly as it was/);
    assert.equal(await readFile(file, 'utf-8'), snapshot);
    assert.equal(await readFile(journal, 'utf-8'), lines);
  });

  it('refuses a journal with a gap after the snapshot (changes are missing), untouched', async () => {
    const snapshot = JSON.stringify({ items: [1, 2], journalSeq: 2 });
    await writeFile(file, snapshot);
    await writeFile(journal, line(4, 4));
    const err = await rejection(openList(file));
    assert.ok(err instanceof StoreFileError, String(err));
    assert.match(err.message, /line 1 of the journal has seq 4 where 3 was expected/);
    assert.equal(await readFile(file, 'utf-8'), snapshot);
    assert.equal(await readFile(journal, 'utf-8'), line(4, 4));
  });

  it('refuses a line that does not fit the data, or data that no longer matches the schema after replay', async () => {
    await writeFile(file, JSON.stringify({ items: [], journalSeq: 0 }));
    await writeFile(journal, `${JSON.stringify({ seq: 1, changes: [{ op: 'append', path: ['things'], values: [1] }] })}\n${line(2, 2)}`);
    assert.match(String(await rejection(openList(file))), /line 1 of the journal does not fit the data/);
    await writeFile(journal, `${JSON.stringify({ seq: 1, changes: [{ op: 'append', path: ['items'], values: ['one'] }] })}\n`);
    assert.match(String(await rejection(openList(file))), /after replaying it onto .*items\.0/);
  });

  it('skips lines the snapshot already holds (a crash between the snapshot write and emptying the journal)', async () => {
    const store = await openList(file);
    await add(store, 1);
    await add(store, 2);
    const before = await readFile(journal);
    await store.flush();
    assert.deepEqual(snapshotOnDisk(file), { items: [1, 2], journalSeq: 2 });
    // Put back what the journal held before the snapshot, as if the truncation never happened,
    // then the line the process appended next.
    await writeFile(journal, Buffer.concat([before, Buffer.from(line(3, 3))]));
    assert.deepEqual(durableItems(file), [1, 2, 3]);
    const reopened = await openList(file);
    assert.deepEqual(reopened.data.items, [1, 2, 3], 'seq 1 and 2 were not applied a second time');
    assert.deepEqual(snapshotOnDisk(file), { items: [1, 2, 3], journalSeq: 3 });
  });

  it('lands concurrent updates in call order, sharing appends (group commit)', async () => {
    const store = await openList(file);
    const n = 300;
    await Promise.all(Array.from({ length: n }, (_, i) => add(store, i)));
    const expected = Array.from({ length: n }, (_, i) => i);
    assert.deepEqual(store.data.items, expected);
    assert.deepEqual(journalLines(file).map((l) => l.seq), expected.map((i) => i + 1));
    assert.deepEqual(durableItems(file), expected);
    const { appends, lines } = store.stats;
    assert.equal(lines, n);
    assert.ok(appends < n / 4, `${appends} appends for ${n} updates`);
    await store.flush();
  });

  it('writes no line for an update without changes, but still waits for the ones before it', async () => {
    const store = await openList(file);
    const first = add(store, 1);
    const seen = await store.update((d) => ({ result: [...d.items], changes: [] }));
    assert.deepEqual(seen, [1]);
    await first;
    assert.equal(store.stats.lines, 1);
  });

  it('rewrites the snapshot and empties the journal after the configured number of entries', async () => {
    const store = await openList(file, { snapshotEveryEntries: 10 });
    for (let i = 0; i < 25; i++) await add(store, i);
    assert.deepEqual(snapshotOnDisk(file), { items: Array.from({ length: 20 }, (_, i) => i), journalSeq: 20 });
    assert.deepEqual(journalLines(file).map((l) => l.seq), [21, 22, 23, 24, 25]);
    assert.equal(store.stats.snapshots, 3, 'at creation, after 10 and after 20');
    assert.deepEqual((await openList(file)).data.items, Array.from({ length: 25 }, (_, i) => i));
  });

  it('rewrites the snapshot after the configured number of journal bytes, also under concurrent load', async () => {
    const store = await openList(file, { snapshotEveryBytes: 2_000 });
    for (let round = 0; round < 40; round++) await Promise.all(Array.from({ length: 10 }, (_, i) => add(store, round * 10 + i)));
    assert.ok(store.stats.snapshots > 5, `${store.stats.snapshots} snapshots`);
    assert.ok((await stat(journal)).size < 2_000 + 10 * 100);
    assert.deepEqual(durableItems(file), Array.from({ length: 400 }, (_, i) => i));
    await store.flush();
  });
});
