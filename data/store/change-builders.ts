import type { Change } from './journal-change.ts';

/** Top-level fields of `T` that hold arrays. */
export type ArrayField<T> = { [K in keyof T & string]: T[K] extends readonly unknown[] ? K : never }[keyof T & string];
/** Top-level fields of `T` that hold string-keyed records (not arrays). */
export type RecordField<T> = { [K in keyof T & string]: T[K] extends readonly unknown[] ? never : string extends keyof T[K] ? K : never }[keyof T & string];

type Item<A> = A extends readonly (infer U)[] ? U : never;
type Entry<R> = R extends Readonly<Record<string, infer V>> ? V : never;

/**
 * Typed constructors of {@link Change}s for a store shaped `T`, so a repository cannot journal a
 * value of the wrong type for a field or a collection. Values are checked by the compiler here and
 * by the store's schema after a replay.
 */
export interface ChangeBuilder<T> {
  /** Replaces a top-level field. */
  set<K extends keyof T & string>(field: K, value: T[K]): Change;
  /** Sets one entry of a top-level record. */
  setEntry<K extends RecordField<T>>(field: K, key: string, value: Entry<T[K]>): Change;
  /** Deletes one entry of a top-level record (nothing if it is absent). */
  unsetEntry<K extends RecordField<T>>(field: K, key: string): Change;
  /** Replaces the element at `at` (which must have `key`'s fields), or adds one when `at` is the length. */
  put<K extends ArrayField<T>>(field: K, at: number, key: Readonly<Record<string, string>>, value: Item<T[K]>): Change;
  /** Adds elements at the end. */
  append<K extends ArrayField<T>>(field: K, values: readonly Item<T[K]>[]): Change;
  /** Removes the first `count` elements. */
  dropFirst<K extends ArrayField<T>>(field: K, count: number): Change;
}

/** The {@link ChangeBuilder} for a store shaped `T`. */
export function changesTo<T>(): ChangeBuilder<T> {
  return {
    set: (field, value) => ({ op: 'set', path: [field], value }),
    setEntry: (field, key, value) => ({ op: 'set', path: [field, key], value }),
    unsetEntry: (field, key) => ({ op: 'unset', path: [field, key] }),
    put: (field, at, key, value) => ({ op: 'put', path: [field], at, key, value }),
    append: (field, values) => ({ op: 'append', path: [field], values }),
    dropFirst: (field, count) => ({ op: 'dropFirst', path: [field], count }),
  };
}
