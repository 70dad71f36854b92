import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { startNotificationStandIn } from '../../bench/notification-stand-in.ts';
import { PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';

const KEY = 'operations-test-key-0123456789';

function message(serviceUrl: string, text: string, id: string): Record<string, unknown> {
  return {
    type: 'message',
    id,
    text,
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:alex', aadObjectId: PLAYGROUND_USERS.alex },
    recipient: { id: '28:bot' },
    conversation: { id: 'ops-test-chat', conversationType: 'personal', tenantId: PLAYGROUND_TENANT },
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
  };
}

describe('bot operations: request logs and graceful shutdown (real server)', function () {
  this.timeout(30_000);

  it('logs every request with a request id, and never the message text or a secret at info level', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ops-logs-'));
    const standIn = await startNotificationStandIn();
    const logger = memoryLogger();
    const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', INTAKE_API_KEY: KEY }, process.cwd()), logger);
    try {
      const port = await listen(app.server, 0);
      const secretQuestion = 'how long can we pause referrals for the Zanzibar project';
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(standIn.serviceUrl, secretQuestion, 'a1')) });
      assert.equal(res.status, 200);
      await fetch(`http://127.0.0.1:${port}/api/referrals`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: '{}' });
      const requests = logger.entries.filter((e) => e.message === 'request');
      assert.ok(requests.length >= 2, 'one line per request');
      for (const r of requests) assert.match(String(r.context?.['reqId']), /^[0-9a-f-]{36}$/, 'a request id');
      assert.deepEqual(
        requests.map((r) => [r.context?.['method'], r.context?.['path'], r.context?.['status']]),
        [
          ['POST', '/api/messages', 200],
          ['POST', '/api/referrals', 400],
        ],
      );
      const info = JSON.stringify(logger.entries.filter((e) => e.level === 'info'));
      assert.ok(!info.includes('Zanzibar'), 'no message text at info level');
      assert.ok(!info.includes(KEY), 'no secret at info level');
    } finally {
      await app.close();
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shutdown lets a turn in flight finish and answer before the store is closed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ops-drain-'));
    // The connector answers the bot's reply after 1.5 s, so the turn is still running when close() starts.
    const standIn = await startNotificationStandIn(() => ({ status: 201, delayMs: 1_500 }));
    const logger = memoryLogger();
    const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0' }, process.cwd()), logger);
    try {
      const port = await listen(app.server, 0);
      const turn = fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(standIn.serviceUrl, 'help', 'a2')) });
      for (let waited = 0; standIn.posts.length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(standIn.posts.length, 1, 'the reply is at the connector, waiting for its answer');
      let closed = false;
      const closing = app.close().then(() => {
        closed = true;
      });
      const res = await turn;
      assert.equal(res.status, 200, 'the turn finished normally');
      await closing;
      assert.ok(closed);
      assert.ok(!logger.entries.some((e) => /still running/.test(e.message)));
    } finally {
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
