import type { Changeset, JsonStore } from '../data/store/json-store.ts';
import { applyChanges } from '../data/store/journal-change.ts';
import type { StoreData } from '../data/store/schema.ts';

/**
 * A JsonStore stand-in that applies updates in memory and never serialises or writes, so the
 * reassign section can measure what a decline costs without persistence (matcher, explanations,
 * the repository's buffered transaction) and attribute the rest to the journal. It keeps the
 * properties the repository relies on: updates run one at a time, in order, and their changes are
 * applied by the same function as the real store's.
 *
 * JsonStore has private members, so TypeScript will not accept a structural look-alike; the cast
 * is confined here and covers exactly the members LowdbProgramRepository calls (data, update,
 * onReload).
 */
export function memoryStore(data: StoreData): JsonStore<StoreData> {
  let queue: Promise<unknown> = Promise.resolve();
  const store = {
    data,
    file: '(memory)',
    update<R>(fn: (d: StoreData) => Changeset<R>): Promise<R> {
      const applied = queue.then(() => {
        const { result, changes } = fn(data);
        applyChanges(data, changes);
        return result;
      });
      queue = applied.catch(() => undefined);
      return applied;
    },
    onReload(): void {},
    async flush(): Promise<void> {
      await queue;
    },
  };
  return store as unknown as JsonStore<StoreData>;
}
