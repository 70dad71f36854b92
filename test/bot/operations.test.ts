import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { consoleLogger, memoryLogger } from '../../bot/logger.ts';
import { startNotificationStandIn, type NotificationStandIn, type StandInScript } from '../../bench/notification-stand-in.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';

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

interface LoggedApp {
  readonly app: App;
  readonly port: number;
  readonly standIn: NotificationStandIn;
  /** Every JSON line the real (pino) logger wrote so far. */
  lines(): Array<Record<string, unknown>>;
}

/** buildApp with the real console logger writing into memory, on a fresh DATA_DIR; cleaned up after `body`. */
async function withLoggedApp(script: StandInScript, body: (t: LoggedApp) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ops-reqid-'));
  const standIn = await startNotificationStandIn(script);
  const written: string[] = [];
  const logger = consoleLogger({ destination: { write: (line: string) => void written.push(line) } });
  const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', INTAKE_API_KEY: KEY }, process.cwd()), logger);
  try {
    const port = await listen(app.server, 0);
    await body({ app, port, standIn, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) });
  } finally {
    await app.close();
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('bot operations: request logs (real server)', function () {
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

  it('the real logger writes the request id on every line a request caused: the turn’s refusal, a rejected body, onTurnError, a route’s refusal', async () => {
    await withLoggedApp(() => ({ status: 201 }), async ({ app, port, standIn, lines }) => {
      const startedAt = lines().length;
      let requests = 0;
      /** Sends one request and waits for its own `request` line, so each request's lines stay together. */
      const send = async (url: string, init: RequestInit): Promise<void> => {
        await (await fetch(`http://127.0.0.1:${port}${url}`, init)).arrayBuffer();
        requests++;
        await waitFor(`request line ${requests}`, () => lines().filter((l) => l['msg'] === 'request').length >= requests);
      };

      // Alex is a program admin, not FastTrack operations: the command is refused inside the turn.
      await send('/api/messages', json(message(standIn.serviceUrl, 'unanswered', 'r1')));
      await send('/api/messages', json({}));
      const run = app.bot.run.bind(app.bot);
      app.bot.run = () => Promise.reject(new Error('boom: a handler failed'));
      await send('/api/messages', json(message(standIn.serviceUrl, 'help', 'r2')));
      app.bot.run = run;
      await send('/api/referrals', json({}, { 'x-api-key': 'not-the-key-at-all' }));

      const segments: Array<{ reqId: unknown; lines: Array<Record<string, unknown>> }> = [];
      let current: Array<Record<string, unknown>> = [];
      for (const line of lines().slice(startedAt)) {
        // The tab's bundle is built in the background at start-up: no request caused it.
        if (String(line['msg']).startsWith('dashboard tab asset')) {
          assert.equal(line['reqId'], undefined, 'background work carries no request id');
          continue;
        }
        if (line['msg'] !== 'request') {
          current.push(line);
          continue;
        }
        assert.match(String(line['reqId']), /^[0-9a-f-]{36}$/);
        segments.push({ reqId: line['reqId'], lines: current });
        current = [];
      }
      assert.equal(segments.length, 4);
      assert.deepEqual(current, [], 'nothing logged after the last request');
      assert.deepEqual(
        segments.map((seg) => seg.lines.map((l) => l['msg'])),
        [['refused'], ['rejected inbound activity'], ['turn failed'], ['intake refused: bad or missing x-api-key']],
      );
      for (const seg of segments) for (const l of seg.lines) assert.equal(l['reqId'], seg.reqId, `"${String(l['msg'])}" carries its request's id`);
      assert.equal(new Set(segments.map((seg) => seg.reqId)).size, 4, 'each request has its own id');
    });
  });

  it('background work that a request only woke (the notification worker’s retry) carries no request id', async () => {
    const failing: StandInScript = (post) => (post.referralIds.includes('R-8801') ? { status: 503 } : { status: 201 });
    await withLoggedApp(failing, async ({ app, port, standIn, lines }) => {
      app.startBackground();
      // Alex's personal chat, so Contoso US's new referral is notified there.
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/messages`, json(message(standIn.serviceUrl, 'help', 'w1')))).status, 200);
      const intake = await fetch(
        `http://127.0.0.1:${port}/api/referrals`,
        json(
          { id: 'R-8801', type: 'Standard', workloads: ['Teams'], customer: { name: 'Worker log', country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [{ mpnId: DEMO_MPN.contosoUs, workload: 'Teams' }] } },
          { 'x-api-key': KEY },
        ),
      );
      assert.equal(intake.status, 201);
      await waitFor('the worker logged the retry', () => lines().some((l) => l['msg'] === 'notification will be retried'));
      const retry = lines().find((l) => l['msg'] === 'notification will be retried');
      assert.equal(retry?.['reqId'], undefined, JSON.stringify(retry));
      assert.ok(lines().filter((l) => l['msg'] === 'request').every((l) => typeof l['reqId'] === 'string'), 'control: request lines do carry ids');
    });
  });
});
