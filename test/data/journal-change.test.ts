import assert from 'node:assert/strict';
import { applyChange, applyChanges, ChangeError, journalLineSchema, undoAll, type Change } from '../../data/store/journal-change.ts';

interface Doc {
  list: Array<{ id: string; n: number }>;
  log: number[];
  map: Record<string, number>;
  flag: string | null;
}

const doc = (): Doc => ({ list: [{ id: 'a', n: 1 }, { id: 'b', n: 2 }], log: [1, 2, 3], map: { x: 1 }, flag: null });

/** Applies one change, checks the result, then checks that its undo gives back the original. */
function roundTrip(change: Change, expected: Doc): void {
  const d = doc();
  const undo = applyChange(d, change);
  assert.deepEqual(d, expected);
  undo();
  assert.deepEqual(d, doc());
}

describe('data/store journal changes', () => {
  it('set replaces a top-level field or adds a record entry, and undoes either', () => {
    roundTrip({ op: 'set', path: ['flag'], value: 'on' }, { ...doc(), flag: 'on' });
    roundTrip({ op: 'set', path: ['map', 'y'], value: 2 }, { ...doc(), map: { x: 1, y: 2 } });
    roundTrip({ op: 'set', path: ['map', 'x'], value: 5 }, { ...doc(), map: { x: 5 } });
  });

  it('unset deletes a record entry (nothing when absent), and undoes it', () => {
    roundTrip({ op: 'unset', path: ['map', 'x'] }, { ...doc(), map: {} });
    roundTrip({ op: 'unset', path: ['map', 'nope'] }, doc());
  });

  it('put replaces the element with the same key, or adds one at the end', () => {
    roundTrip({ op: 'put', path: ['list'], at: 1, key: { id: 'b' }, value: { id: 'b', n: 9 } }, { ...doc(), list: [{ id: 'a', n: 1 }, { id: 'b', n: 9 }] });
    roundTrip({ op: 'put', path: ['list'], at: 2, key: { id: 'c' }, value: { id: 'c', n: 3 } }, { ...doc(), list: [...doc().list, { id: 'c', n: 3 }] });
  });

  it('put refuses a position holding another key, a value with another key, or a position past the end', () => {
    const d = doc();
    assert.throws(() => applyChange(d, { op: 'put', path: ['list'], at: 0, key: { id: 'b' }, value: { id: 'b', n: 0 } }), ChangeError);
    assert.throws(() => applyChange(d, { op: 'put', path: ['list'], at: 0, key: { id: 'a' }, value: { id: 'z', n: 0 } }), ChangeError);
    assert.throws(() => applyChange(d, { op: 'put', path: ['list'], at: 3, key: { id: 'c' }, value: { id: 'c', n: 0 } }), ChangeError);
    assert.deepEqual(d, doc());
  });

  it('append and dropFirst grow and shrink an array, and undo', () => {
    roundTrip({ op: 'append', path: ['log'], values: [4, 5] }, { ...doc(), log: [1, 2, 3, 4, 5] });
    roundTrip({ op: 'dropFirst', path: ['log'], count: 2 }, { ...doc(), log: [3] });
    assert.throws(() => applyChange(doc(), { op: 'dropFirst', path: ['log'], count: 4 }), ChangeError);
  });

  it('refuses paths that do not exist, are of the wrong kind, or reach the prototype', () => {
    const d = doc();
    assert.throws(() => applyChange(d, { op: 'append', path: ['nope'], values: [1] }), /no field nope/);
    assert.throws(() => applyChange(d, { op: 'append', path: ['map'], values: [1] }), /not an array/);
    assert.throws(() => applyChange(d, { op: 'set', path: ['log', 0], value: 1 }), /field name/);
    assert.throws(() => applyChange(d, { op: 'set', path: ['__proto__', 'polluted'], value: 1 }), ChangeError);
    assert.throws(() => applyChange(d, { op: 'set', path: ['map', '__proto__'], value: { polluted: 1 } }), ChangeError);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(d, doc());
  });

  it('applies an update’s changes all or nothing, and undoes them newest first', () => {
    const d = doc();
    const changes: Change[] = [
      { op: 'append', path: ['log'], values: [4] },
      { op: 'dropFirst', path: ['log'], count: 1 },
      { op: 'set', path: ['flag'], value: 'x' },
    ];
    const undos = applyChanges(d, changes);
    assert.deepEqual(d, { ...doc(), log: [2, 3, 4], flag: 'x' });
    undoAll(undos);
    assert.deepEqual(d, doc());
    assert.throws(() => applyChanges(d, [...changes, { op: 'append', path: ['nope'], values: [] }]), ChangeError);
    assert.deepEqual(d, doc(), 'the changes before the failing one were undone');
  });

  it('validates journal lines read back from disk', () => {
    assert.equal(journalLineSchema.safeParse({ seq: 1, changes: [{ op: 'append', path: ['log'], values: [1] }] }).success, true);
    assert.equal(journalLineSchema.safeParse({ seq: 0, changes: [] }).success, false);
    assert.equal(journalLineSchema.safeParse({ seq: 1, changes: [{ op: 'drop', path: ['log'] }] }).success, false);
    assert.equal(journalLineSchema.safeParse({ seq: 1, changes: [{ op: 'put', path: ['list'], at: -1, key: {}, value: 1 }] }).success, false);
  });
});
