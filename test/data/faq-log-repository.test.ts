import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { UnansweredQuestion } from '../../domain/faq/topic.ts';
import { JsonStore, readStoreFiles } from '../../data/store/json-store.ts';
import { LowdbFaqLog, LowdbGreetings } from '../../data/store/faq-log-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';

function question(text: string, at = '2026-11-25T12:00:00.000Z'): UnansweredQuestion {
  return { text, userId: 'u1', tenantId: 't1', closest: ['capacity-pause'], score: 0.2, at };
}

/** What a restart would find: the snapshot with the journal replayed. */
function onDisk(file: string): StoreData {
  return readStoreFiles(file, storeSchema, emptyStore).data;
}

describe('data/store faq-log-repository', () => {
  let dir: string;
  let file: string;
  let store: JsonStore<StoreData>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faq-log-test-'));
    file = path.join(dir, 'db.json');
    store = await JsonStore.open(file, storeSchema, emptyStore);
  });

  afterEach(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  describe('LowdbFaqLog', () => {
    it('records feedback on disk', async () => {
      const log = new LowdbFaqLog(store);
      const feedback = {
        topicId: 'round-robin',
        helpful: true,
        userId: 'u1',
        tenantId: 't1',
        conversationId: 'c1',
        at: '2026-11-25T12:00:00.000Z',
      };
      await log.recordFeedback(feedback);
      assert.deepEqual(onDisk(file).faqFeedback, [feedback]);
    });

    it('records unanswered questions with the text cut to 500 characters', async () => {
      const log = new LowdbFaqLog(store);
      await log.recordUnanswered(question('x'.repeat(800)));
      const saved = onDisk(file).unanswered[0];
      assert.ok(saved);
      assert.equal(saved.text.length, 500);
      assert.deepEqual(saved.closest, ['capacity-pause']);
    });

    it('does not keep a reference to the caller’s closest array', async () => {
      const log = new LowdbFaqLog(store);
      const closest = ['a'];
      await log.recordUnanswered({ ...question('q'), closest });
      closest.push('b');
      assert.deepEqual(store.data.unanswered[0]?.closest, ['a']);
    });

    it('keeps only the newest 5000 unanswered questions', async () => {
      const log = new LowdbFaqLog(store);
      await Promise.all(Array.from({ length: 5003 }, (_, i) => log.recordUnanswered(question(`q${i}`))));
      const saved = onDisk(file).unanswered;
      assert.equal(saved.length, 5000);
      assert.equal(saved[0]?.text, 'q3');
      assert.equal(saved.at(-1)?.text, 'q5002');
    });

    it('lists the most recent unanswered questions first, up to the limit', async () => {
      const log = new LowdbFaqLog(store);
      for (const t of ['first', 'second', 'third']) await log.recordUnanswered(question(t));
      assert.deepEqual((await log.recentUnanswered(2)).map((q) => q.text), ['third', 'second']);
      assert.deepEqual((await log.recentUnanswered(10)).map((q) => q.text), ['third', 'second', 'first']);
    });

    it('lists nothing for a limit of 0 or less', async () => {
      const log = new LowdbFaqLog(store);
      for (const t of ['first', 'second']) await log.recordUnanswered(question(t));
      assert.deepEqual(await log.recentUnanswered(0), []);
      assert.deepEqual(await log.recentUnanswered(-1), []);
    });
  });

  describe('LowdbGreetings', () => {
    it('greets a conversation once, even when the twin install events race', async () => {
      const greetings = new LowdbGreetings(store);
      const results = await Promise.all([
        greetings.markGreeted('c1', '2026-11-25T12:00:00.000Z'),
        greetings.markGreeted('c1', '2026-11-25T12:00:01.000Z'),
      ]);
      assert.deepEqual(results, [true, false]);
      assert.deepEqual(onDisk(file).greetedConversations, [{ conversationId: 'c1', at: '2026-11-25T12:00:00.000Z' }]);
      assert.equal(await greetings.markGreeted('c2', '2026-11-25T12:00:02.000Z'), true);
    });

    it('greets again after forget (bot removed then reinstalled)', async () => {
      const greetings = new LowdbGreetings(store);
      assert.equal(await greetings.markGreeted('c1', '2026-11-25T12:00:00.000Z'), true);
      assert.equal(await greetings.markGreeted('c2', '2026-11-25T12:00:00.000Z'), true);
      await greetings.forget('c1');
      assert.deepEqual(onDisk(file).greetedConversations.map((g) => g.conversationId), ['c2']);
      assert.equal(await greetings.markGreeted('c1', '2026-11-25T13:00:00.000Z'), true);
    });
  });
});
