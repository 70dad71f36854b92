import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = new URL('../../../shared/contracts/examples/', import.meta.url);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runMatch(stdin: string): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/match.ts'], {
    cwd: REPO,
    input: stdin,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function example(name: string, kind: 'in' | 'out'): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.${kind}.json`, EXAMPLES), 'utf8')) as Record<string, unknown>;
}

function assertRejected(run: Run, field: string, message?: string): void {
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(lines[0]?.startsWith(`invalid input: ${field}: `), lines[0]);
  if (message !== undefined) assert.equal(lines[0], `invalid input: ${field}: ${message}`);
}

describe('scripts/match (command line)', function () {
  this.timeout(60_000);

  it('prints one JSON document matching the example', () => {
    const run = runMatch(JSON.stringify(example('split-with-ftc', 'in')));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const out = JSON.parse(run.stdout) as { asOf: string; results: { explanation: string[] }[] };
    for (const result of out.results) {
      assert.deepEqual(result.explanation, ['4400001: eligible for Defender, but the split already reached 3 locations']);
    }
    const stripped = { ...out, results: out.results.map(({ explanation: _e, ...rest }) => rest) };
    assert.deepEqual(stripped, example('split-with-ftc', 'out'));
  });

  it('matches a batch in input order', () => {
    const run = runMatch(JSON.stringify(example('paused-expired-and-batch', 'in')));
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { results: { explanation?: string[] }[] };
    for (const result of out.results) delete result.explanation;
    assert.deepEqual(out, example('paused-expired-and-batch', 'out'));
  });

  it('refuses input that is not JSON', () => {
    assertRejected(runMatch('{ "asOf": '), 'input');
  });

  it('refuses a missing asOf', () => {
    const input = example('single-round-robin', 'in');
    delete input['asOf'];
    assertRejected(runMatch(JSON.stringify(input)), 'asOf', 'required');
  });

  it('refuses empty workloads', () => {
    const input = example('single-round-robin', 'in') as { referrals: { workloads: string[] }[] };
    const first = input.referrals[0];
    assert.ok(first);
    first.workloads = [];
    assertRejected(runMatch(JSON.stringify(input)), 'referrals[0].workloads', 'must not be empty');
  });

  it('refuses a date that does not parse', () => {
    const input = example('single-round-robin', 'in') as { locations: { pausedUntil: string | null }[] };
    const second = input.locations[1];
    assert.ok(second);
    second.pausedUntil = '2026-11-31';
    assertRejected(runMatch(JSON.stringify(input)), 'locations[1].pausedUntil');
  });

  it('refuses a field of the wrong type', () => {
    const input = example('single-round-robin', 'in') as { referrals: { customer: { seats: unknown } }[] };
    const first = input.referrals[0];
    assert.ok(first);
    first.customer.seats = '800';
    assertRejected(runMatch(JSON.stringify(input)), 'referrals[0].customer.seats', 'expected number, got string');
  });
});
