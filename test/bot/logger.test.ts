import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

describe('bot/logger consoleLogger (pino, in a child process so its stdout can be read)', () => {
  it('writes one JSON line per event, with a level name, an ISO time, and secrets and user text redacted', () => {
    const script = [
      "import { consoleLogger } from './bot/logger.ts';",
      'const log = consoleLogger();',
      "log.info('request', { reqId: 'r-1', status: 200 });",
      "log.warn('refused', { token: 'eyJ.secret', context: { authorization: 'Bearer x', text: 'my question' } });",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf-8', cwd: process.cwd() });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    assert.deepEqual([lines[0]?.['level'], lines[0]?.['msg'], lines[0]?.['reqId']], ['info', 'request', 'r-1']);
    assert.match(String(lines[0]?.['time']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(lines[1]?.['level'], 'warn');
    assert.equal(lines[1]?.['token'], '[redacted]');
    assert.deepEqual(lines[1]?.['context'], { authorization: '[redacted]', text: '[redacted]' });
    assert.ok(!run.stdout.includes('eyJ.secret') && !run.stdout.includes('my question'));
  });
});
