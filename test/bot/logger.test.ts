import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { consoleLogger } from '../../bot/logger.ts';

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

  it('redacts secrets and user text however deep they sit, inside arrays too, whatever the key’s case', () => {
    const written: string[] = [];
    const log = consoleLogger({ destination: { write: (line: string) => void written.push(line) } });
    log.error('turn failed', {
      activity: { from: { id: 'u1' }, value: { action: { data: { reasonText: 'they went with a rival', note: 'kept' } } }, text: 'my question' },
      request: { headers: { Authorization: 'Bearer deep.secret', 'X-Api-Key': 'intake-secret-key' } },
      attachments: [{ content: { body: [{ type: 'TextBlock', text: 'card text' }] } }],
      credentials: { microsoftAppPassword: 'app-password', clientSecret: 'client-secret', accessToken: 'eyJ.deep' },
      status: 500,
    });
    assert.equal(written.length, 1);
    const line = JSON.parse(written[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(line['activity'], { from: { id: 'u1' }, value: { action: { data: { reasonText: '[redacted]', note: 'kept' } } }, text: '[redacted]' });
    assert.deepEqual(line['request'], { headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]' } });
    assert.deepEqual(line['attachments'], [{ content: { body: '[redacted]' } }]);
    assert.deepEqual(line['credentials'], { microsoftAppPassword: '[redacted]', clientSecret: '[redacted]', accessToken: '[redacted]' });
    assert.equal(line['status'], 500, 'other keys are kept');
    for (const leak of ['rival', 'my question', 'deep.secret', 'intake-secret-key', 'card text', 'app-password', 'client-secret', 'eyJ.deep']) {
      assert.ok(!written[0]?.includes(leak), `"${leak}" leaked`);
    }
  });

  it('cuts a context deeper than it walks, and never overflows on one', () => {
    const written: string[] = [];
    const log = consoleLogger({ destination: { write: (line: string) => void written.push(line) } });
    let deep: Record<string, unknown> = { token: 'bottom-secret' };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    log.warn('deep', { deep });
    assert.equal(written.length, 1);
    assert.ok(!written[0]?.includes('bottom-secret'));
    assert.match(written[0] ?? '', /\[too deep\]/);
  });
});
