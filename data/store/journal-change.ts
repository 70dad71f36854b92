import { z } from 'zod';

/** A step into the data: an object key or an array index. */
export type PathSegment = string | number;
/** Where a change applies, from the root of the data; plain JSON so it can be journaled. */
export type Path = readonly PathSegment[];

/**
 * One change to the store's data, small enough to append to the journal as JSON. The same
 * {@link applyChange} runs it live and on replay, so memory and a restart cannot disagree.
 *
 * - `set` / `unset`: a property of an object (a top-level field, or an entry of a record).
 * - `put`: the array element at `at`, or a new one when `at` is the array's length. `key` names
 *   fields the replaced element must have (its id), so a journal that does not belong to the
 *   snapshot is refused instead of writing over the wrong record.
 * - `append` / `dropFirst`: grow an array at the end, shrink it at the front (capped logs).
 *
 * `value` is optional only because JSON drops an undefined value; the builders always give one.
 */
export type Change =
  | { readonly op: 'set'; readonly path: Path; readonly value?: unknown }
  | { readonly op: 'unset'; readonly path: Path }
  | { readonly op: 'put'; readonly path: Path; readonly at: number; readonly key: Readonly<Record<string, string>>; readonly value?: unknown }
  | { readonly op: 'append'; readonly path: Path; readonly values: readonly unknown[] }
  | { readonly op: 'dropFirst'; readonly path: Path; readonly count: number };

/** One journal line: the changes of one `update`, numbered so a snapshot can say which it holds. */
export interface JournalLine {
  readonly seq: number;
  readonly changes: readonly Change[];
}

const path = z.array(z.union([z.string(), z.number().int().min(0)]));
const index = z.number().int().min(0);

/** What a journal line read back from disk must look like before it is applied. */
export const journalLineSchema: z.ZodType<JournalLine, z.ZodTypeDef, unknown> = z.object({
  seq: z.number().int().min(1),
  changes: z.array(
    z.discriminatedUnion('op', [
      z.object({ op: z.literal('set'), path, value: z.unknown() }),
      z.object({ op: z.literal('unset'), path }),
      z.object({ op: z.literal('put'), path, at: index, key: z.record(z.string()), value: z.unknown() }),
      z.object({ op: z.literal('append'), path, values: z.array(z.unknown()) }),
      z.object({ op: z.literal('dropFirst'), path, count: index }),
    ]),
  ),
});

/** A change that does not fit the data it is applied to: a bug, or a journal from another snapshot. */
export class ChangeError extends Error {
  constructor(change: Change, reason: string) {
    super(`${change.op} at ${JSON.stringify(change.path)}: ${reason}`);
    this.name = 'ChangeError';
  }
}

/** Puts back what one change did. */
export type Undo = () => void;

/** Names that would reach Object.prototype; a journal is a file and is not trusted that far. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function step(at: unknown, segment: PathSegment, change: Change): unknown {
  if (Array.isArray(at)) {
    if (typeof segment !== 'number' || segment >= at.length) throw new ChangeError(change, `no element ${String(segment)}`);
    return at[segment];
  }
  if (!isObject(at) || typeof segment !== 'string' || FORBIDDEN.has(segment) || !Object.hasOwn(at, segment)) {
    throw new ChangeError(change, `no field ${String(segment)}`);
  }
  return at[segment];
}

function resolve(root: unknown, segments: Path, change: Change): unknown {
  let at = root;
  for (const segment of segments) at = step(at, segment, change);
  return at;
}

function arrayAt(root: unknown, change: Change): unknown[] {
  const found = resolve(root, change.path, change);
  if (!Array.isArray(found)) throw new ChangeError(change, 'not an array');
  return found;
}

/** The object holding the field a set/unset names, and the field's name. */
function fieldAt(root: unknown, change: Change): { parent: Obj; name: string } {
  const name = change.path.at(-1);
  if (typeof name !== 'string' || FORBIDDEN.has(name)) throw new ChangeError(change, 'the path must end in a field name');
  const parent = resolve(root, change.path.slice(0, -1), change);
  if (!isObject(parent)) throw new ChangeError(change, 'the parent is not an object');
  return { parent, name };
}

/**
 * Applies one change to `root` in place and returns how to undo it. Throws {@link ChangeError},
 * leaving `root` untouched, when the change does not fit.
 */
export function applyChange(root: unknown, change: Change): Undo {
  switch (change.op) {
    case 'set': {
      const { parent, name } = fieldAt(root, change);
      const had = Object.hasOwn(parent, name);
      const before = parent[name];
      parent[name] = change.value;
      return () => {
        if (had) parent[name] = before;
        else delete parent[name];
      };
    }
    case 'unset': {
      const { parent, name } = fieldAt(root, change);
      if (!Object.hasOwn(parent, name)) return () => undefined;
      const before = parent[name];
      delete parent[name];
      return () => {
        parent[name] = before;
      };
    }
    case 'put': {
      const list = arrayAt(root, change);
      const length = list.length;
      if (!Number.isInteger(change.at) || change.at < 0 || change.at > length) throw new ChangeError(change, `position ${change.at} is outside 0..${length}`);
      for (const [field, value] of Object.entries(change.key)) {
        if (!isObject(change.value) || change.value[field] !== value) throw new ChangeError(change, `the new value's ${field} is not ${value}`);
        if (change.at < length) {
          const current = list[change.at];
          if (!isObject(current) || current[field] !== value) throw new ChangeError(change, `element ${change.at} has another ${field} than ${value}`);
        }
      }
      if (change.at === length) {
        list.push(change.value);
        return () => {
          list.length = length;
        };
      }
      const before = list[change.at];
      list[change.at] = change.value;
      return () => {
        list[change.at] = before;
      };
    }
    case 'append': {
      const list = arrayAt(root, change);
      const length = list.length;
      // A loop, not push(...values): a history import can append more values than a call takes arguments.
      for (const value of change.values) list.push(value);
      return () => {
        list.length = length;
      };
    }
    case 'dropFirst': {
      const list = arrayAt(root, change);
      if (!Number.isInteger(change.count) || change.count < 0 || change.count > list.length) throw new ChangeError(change, `cannot drop ${change.count} of ${list.length}`);
      const dropped = list.splice(0, change.count);
      return () => {
        const rest = list.splice(0, list.length);
        for (const value of dropped) list.push(value);
        for (const value of rest) list.push(value);
      };
    }
  }
}

/**
 * Applies the changes of one update in order; all or nothing: if one does not fit, the ones
 * before it are undone and the error is thrown. Returns the undos, in the order they must run.
 */
export function applyChanges(root: unknown, changes: readonly Change[]): Undo[] {
  const undos: Undo[] = [];
  try {
    for (const change of changes) undos.push(applyChange(root, change));
  } catch (err) {
    undoAll(undos.reverse());
    throw err;
  }
  return undos.reverse();
}

/** Runs undos in the order given. */
export function undoAll(undos: readonly Undo[]): void {
  for (const undo of undos) undo();
}
