import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const examples = new URL('../../../shared/contracts/examples/', import.meta.url);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/acceptance.ts'], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const offer = { type: 'offered', referralId: 'R-1', mpnId: '4100001', at: '2026-10-02T09:00:00Z' };

function doc(fields: Record<string, unknown>): string {
  return JSON.stringify({ asOf: '2026-11-25T12:00:00Z', events: [offer], ...fields });
}

describe('acceptance command', function () {
  this.timeout(60_000);

  it('prints the contract example output for its input', async () => {
    const run = await runCli(readFileSync(new URL('quarter-basic.in.json', examples), 'utf8'));
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
    assert.deepEqual(JSON.parse(run.stdout), JSON.parse(readFileSync(new URL('quarter-basic.out.json', examples), 'utf8')));
  });

  it('applies the defaults: fiscal-july quarters, target 0.8', async () => {
    const events = [offer, { ...offer, type: 'accepted', at: '2026-10-03T09:00:00Z' }];
    const run = await runCli(JSON.stringify({ asOf: '2026-11-25T12:00:00Z', events }));
    assert.equal(run.status, 0);
    assert.deepEqual(JSON.parse(run.stdout), {
      asOf: '2026-11-25T12:00:00Z',
      rates: [
        { mpnId: '4100001', quarter: 'FY27-Q2', offered: 1, accepted: 1, declined: 0, expired: 0, pending: 0, rate: 1, meetsTarget: true, acceptNeeded: 0 },
      ],
    });
  });

  const bad: { name: string; stdin: string; names: RegExp }[] = [
    { name: 'not JSON', stdin: '{"asOf": ', names: /JSON/ },
    { name: 'a missing asOf', stdin: JSON.stringify({ events: [] }), names: /^asOf/ },
    { name: 'a missing events list', stdin: JSON.stringify({ asOf: '2026-11-25T12:00:00Z' }), names: /^events/ },
    { name: 'a target of the wrong type', stdin: doc({ target: '0.8' }), names: /^target/ },
    { name: 'a target above 1', stdin: doc({ target: 1.2 }), names: /^target/ },
    { name: 'an unknown quarter scheme', stdin: doc({ quarters: 'fiscal-october' }), names: /^quarters/ },
    { name: 'an asOf that is not a date', stdin: doc({ asOf: '25/11/2026' }), names: /^asOf/ },
    { name: 'an event date that does not parse', stdin: doc({ events: [{ ...offer, at: '2026-02-30T00:00:00Z' }] }), names: /events\[0\]\.at.*R-1/ },
    { name: 'an unknown event type', stdin: doc({ events: [offer, { ...offer, type: 'withdrawn' }] }), names: /events\[1\]\.type/ },
    { name: 'an event without mpnId', stdin: doc({ events: [{ type: 'offered', referralId: 'R-1', at: offer.at }] }), names: /events\[0\]\.mpnId/ },
    {
      name: 'a second answer to the same offer',
      stdin: doc({ events: [offer, { ...offer, type: 'accepted' }, { ...offer, type: 'declined' }] }),
      names: /R-1/,
    },
    { name: 'an answer without offer', stdin: doc({ events: [offer, { ...offer, referralId: 'R-2', type: 'expired' }] }), names: /R-2/ },
  ];
  for (const { name, stdin, names } of bad) {
    it(`exits 2 with one line on stderr and nothing on stdout for ${name}`, async () => {
      const run = await runCli(stdin);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^[^\n]+\n$/);
      assert.match(run.stderr, names);
    });
  }
});
