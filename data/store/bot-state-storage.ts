import type { Storage, StoreItems } from 'botbuilder';
import { changesTo } from './change-builders.ts';
import type { JsonStore } from './json-store.ts';
import type { StoreData } from './schema.ts';

const journal = changesTo<StoreData>();

export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`LowdbStorage.write(): eTag conflict on "${key}": the item changed since it was read`);
    this.name = 'ETagConflictError';
  }
}

/**
 * botbuilder's `Storage` on the lowdb file, so dialog state survives a restart. Writes honour
 * eTags like botbuilder's own stores: an item written with a stale eTag is refused and nothing
 * in that write is applied; `*` or no eTag overwrites.
 */
export class LowdbStorage implements Storage {
  private counter = 0;

  constructor(
    private readonly store: JsonStore<StoreData>,
    private readonly now: () => Date,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const item = this.store.data.botState[key];
      if (item !== undefined) items[key] = { ...structuredClone(item.value), eTag: item.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await this.store.update((d) => {
      for (const [key, change] of Object.entries(changes)) {
        const given = (change as { eTag?: unknown }).eTag;
        const current = d.botState[key];
        if (typeof given === 'string' && given !== '*' && current !== undefined && current.eTag !== given) {
          throw new ETagConflictError(key);
        }
      }
      const at = this.now().toISOString();
      const sets = Object.entries(changes).map(([key, change]) => {
        const { eTag: _ignored, ...value } = change as Record<string, unknown>;
        this.counter++;
        return journal.setEntry('botState', key, { eTag: `${Date.now().toString(36)}-${this.counter}`, value, updatedAt: at });
      });
      return { result: undefined, changes: sets };
    });
  }

  async delete(keys: string[]): Promise<void> {
    await this.store.update((d) => ({
      result: undefined,
      changes: keys.filter((key) => d.botState[key] !== undefined).map((key) => journal.unsetEntry('botState', key)),
    }));
  }
}
