import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const ALLOWED_TENANT = 'aaaaaaaa-1111-2222-3333-444444444444';
const OTHER_TENANT = 'bbbbbbbb-1111-2222-3333-444444444444';

interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** A raw request through node:http, so headers (Content-Encoding, chunking) are sent exactly as given. */
function request(
  port: number,
  method: string,
  urlPath: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else req.end(body);
  });
}

function post(port: number, body: string | Buffer, headers: Record<string, string> = JSON_HEADERS): Promise<HttpResult> {
  return request(port, 'POST', '/api/messages', body, headers);
}

async function assertHealthy(port: number): Promise<void> {
  const res = await request(port, 'GET', '/healthz');
  assert.equal(res.status, 200, 'the server still answers /healthz');
  const body = JSON.parse(res.body) as { status: string; store?: { ok: boolean } };
  assert.equal(body.status, 'ok');
  assert.equal(body.store?.ok, true, 'the store accepts writes');
}

/** A 4xx body must be a plain {code, message} with nothing from the inside of the process. */
function assertNoInternals(body: string): void {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).sort(), ['code', 'message'], body);
  assert.equal(typeof parsed['message'], 'string');
  assert.doesNotMatch(body, /stack/i);
  assert.doesNotMatch(body, /\n\s*at |\bat [\w.<>]+ \(/, 'no stack frames');
  assert.doesNotMatch(body, /ZodError/);
  assert.doesNotMatch(body, /node_modules|\.ts\b|\.js\b|\/work\/|file:\/\//);
}

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/** A stand-in for the Bot Framework connector: records what the bot sends back. */
async function startConnector(): Promise<{ url: string; received: Recorded[]; close(): Promise<void> }> {
  const received: Recorded[] = [];
  let counter = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const known = req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/.test(url);
      const text = Buffer.concat(chunks).toString('utf-8');
      received.push({ method: req.method ?? '', url, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
      res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(known ? { id: `reply-${++counter}` } : { error: 'unknown route' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

interface CardElementJson {
  readonly type?: string;
  readonly text?: string;
}

function cardTexts(activity: unknown): string {
  const attachments = (activity as { attachments?: Array<{ contentType?: string; content?: { body?: CardElementJson[] } }> })
    .attachments;
  const attachment = attachments?.[0];
  assert.ok(attachment, `expected an attachment in ${JSON.stringify(activity)}`);
  assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
  const body = attachment.content?.body ?? [];
  return body.map((b) => (b.type === 'TextBlock' ? (b.text ?? '') : '')).join('\n');
}

function messageActivity(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    text: 'How long can we pause referrals?',
    id: '1',
    channelId: 'msteams',
    serviceUrl,
    from: { id: 'u1', aadObjectId: '00000000-0000-0000-0000-000000000020' },
    recipient: { id: 'bot' },
    conversation: { id: 'c1', conversationType: 'personal' },
    channelData: { tenant: { id: 't1' } },
    ...overrides,
  };
}

async function startApp(env: Record<string, string>): Promise<{
  app: App;
  port: number;
  dir: string;
  logger: ReturnType<typeof memoryLogger>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'http-test-'));
  const logger = memoryLogger();
  const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', ...env }, process.cwd()), logger);
  const port = await listen(app.server, 0);
  return { app, port, dir, logger };
}

describe('bot/http server (real restify server from buildApp)', function () {
  this.timeout(20000);

  let app: App;
  let port: number;
  let dir: string;
  let logger: ReturnType<typeof memoryLogger>;

  // One app for the block (building the router takes a moment); every test ends by checking it is still up.
  before(async () => {
    ({ app, port, dir, logger } = await startApp({}));
  });

  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    logger.entries.length = 0;
  });

  it('GET /healthz answers 200 {status: ok}', async () => {
    await assertHealthy(port);
  });

  it('uses a free port when asked for port 0', () => {
    assert.ok(Number.isInteger(port) && port > 0, `bound port ${port}`);
  });

  it('refuses malformed JSON with 400 and keeps serving', async () => {
    const res = await post(port, '{"type":"message",');
    assert.equal(res.status, 400);
    assertNoInternals(res.body);
    await assertHealthy(port);
  });

  it('refuses {} with 400, a reason, and no internals', async () => {
    const res = await post(port, '{}');
    assert.equal(res.status, 400);
    assertNoInternals(res.body);
    assert.doesNotMatch(res.body, /\bat /);
    const parsed = JSON.parse(res.body) as { code: string; message: string };
    assert.equal(parsed.code, 'BadRequest');
    assert.match(parsed.message, /type/);
    await assertHealthy(port);
  });

  for (const body of ['[]', '"x"', '42', 'null', 'true', '[{"type":"message"}]']) {
    it(`refuses the non-object JSON body ${body} with 400`, async () => {
      const res = await post(port, body);
      assert.equal(res.status, 400);
      assertNoInternals(res.body);
      await assertHealthy(port);
    });
  }

  it('refuses a wrongly typed activity field with 400, not a 500 from botbuilder', async () => {
    for (const body of ['{"type":5}', '{"type":""}', '{"type":"message","from":{"id":5}}', '{"type":"message","conversation":"c1"}']) {
      const res = await post(port, body);
      assert.equal(res.status, 400, body);
      assertNoInternals(res.body);
    }
    await assertHealthy(port);
  });

  it('refuses a non-JSON content type with 400', async () => {
    const res = await post(port, 'hello', { 'content-type': 'text/plain' });
    assert.equal(res.status, 400);
    assertNoInternals(res.body);
    await assertHealthy(port);
  });

  it('logs a warning for a rejected body', async () => {
    await post(port, '{}');
    const warning = logger.entries.find((e) => e.level === 'warn' && e.message === 'rejected inbound activity');
    assert.ok(warning, JSON.stringify(logger.entries));
    assert.match(String(warning.context?.['reason']), /type/);
  });

  it('refuses a body over 256 KB with 413 and keeps serving', async () => {
    const body = JSON.stringify({ type: 'message', text: 'a'.repeat(300 * 1024) });
    const res = await post(port, body);
    assert.equal(res.status, 413);
    assertNoInternals(res.body);
    await assertHealthy(port);
  });

  it('refuses a chunked body over 256 KB (no Content-Length) with 413', async () => {
    const body = JSON.stringify({ type: 'message', text: 'a'.repeat(300 * 1024) });
    const res = await post(port, body, { ...JSON_HEADERS, 'transfer-encoding': 'chunked' });
    assert.equal(res.status, 413);
    await assertHealthy(port);
  });

  it('accepts a body just under the limit as far as the size check goes', async () => {
    // Valid JSON, not an object: refused as 400 by the activity check, which proves the size guard let it through.
    const body = JSON.stringify('a'.repeat(200 * 1024));
    const res = await post(port, body);
    assert.equal(res.status, 400);
    await assertHealthy(port);
  });

  it('refuses Content-Encoding: gzip with a body that is not gzip (415) and does not crash', async () => {
    const res = await post(port, '{"type":"message"}', { ...JSON_HEADERS, 'content-encoding': 'gzip' });
    assert.equal(res.status, 415);
    assertNoInternals(res.body);
    await assertHealthy(port);
  });

  it('refuses a real gzip body with 415', async () => {
    const res = await post(port, gzipSync(JSON.stringify(messageActivity('http://127.0.0.1:9'))), {
      ...JSON_HEADERS,
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 415);
    assertNoInternals(res.body);
    await assertHealthy(port);
  });

  /** A form with one file part, as a browser or curl -F sends it. */
  function multipartBody(boundary: string): string {
    return [`--${boundary}`, 'Content-Disposition: form-data; name="upload"; filename="big.bin"', 'Content-Type: application/octet-stream', '', 'x'.repeat(64 * 1024), `--${boundary}--`, ''].join('\r\n');
  }
  const uploads = async (): Promise<string[]> => (await readdir(os.tmpdir())).filter((f) => f.startsWith('upload_'));

  for (const [route, type] of [
    ['/api/messages', 'multipart/form-data; boundary=b1'],
    ['/api/referrals', 'multipart/form-data; boundary=b1'],
    ['/api/messages', 'Multipart/Form-Data; boundary=b1'],
  ] as const) {
    it(`refuses a multipart body on ${route} (${type.split(';')[0] ?? ''}) with 415 before any parser writes its file to disk`, async () => {
      const before = await uploads();
      const res = await request(port, 'POST', route, multipartBody('b1'), { 'content-type': type });
      assert.equal(res.status, 415, res.body);
      assertNoInternals(res.body);
      assert.deepEqual((await uploads()).filter((f) => !before.includes(f)), [], 'no uploaded file was written to the temp folder');
      await assertHealthy(port);
    });
  }

  for (const encoding of ['deflate', 'br', 'GZIP', 'identity, gzip']) {
    it(`refuses Content-Encoding: ${encoding} with 415`, async () => {
      const res = await post(port, 'not compressed', { ...JSON_HEADERS, 'content-encoding': encoding });
      assert.equal(res.status, 415);
      await assertHealthy(port);
    });
  }

  describe('with a stub Bot Framework connector', () => {
    let connector: Awaited<ReturnType<typeof startConnector>>;

    beforeEach(async () => {
      connector = await startConnector();
    });

    afterEach(async () => {
      await connector.close();
    });

    it('answers a message: 200, and the reply card carries the capacity-pause answer', async () => {
      const res = await post(port, JSON.stringify(messageActivity(connector.url)));
      assert.equal(res.status, 200, res.body);
      assert.equal(connector.received.length, 1, JSON.stringify(connector.received));
      const reply = connector.received[0];
      assert.ok(reply);
      assert.equal(reply.method, 'POST');
      assert.match(reply.url, /^\/v3\/conversations\/c1\/activities(\/1)?$/);
      const texts = cardTexts(reply.body);
      assert.match(texts, /30 days/);
      assert.match(texts, /Program Admin/);
      const activity = reply.body as { type?: string; replyToId?: string; conversation?: { id?: string } };
      assert.equal(activity.type, 'message');
      assert.equal(activity.conversation?.id, 'c1');
      await assertHealthy(port);
    });
  });
});

describe('bot/http server with ALLOWED_TENANTS', function () {
  this.timeout(20000);

  let app: App;
  let port: number;
  let dir: string;
  let logger: ReturnType<typeof memoryLogger>;
  let connector: Awaited<ReturnType<typeof startConnector>>;

  before(async () => {
    ({ app, port, dir, logger } = await startApp({ ALLOWED_TENANTS: ALLOWED_TENANT }));
  });

  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    logger.entries.length = 0;
    connector = await startConnector();
  });

  afterEach(async () => {
    await connector.close();
  });

  it('refuses an activity from another tenant with 403, sends nothing, and logs a warning', async () => {
    const body = messageActivity(connector.url, { channelData: { tenant: { id: OTHER_TENANT } } });
    const res = await post(port, JSON.stringify(body));
    assert.equal(res.status, 403);
    assertNoInternals(res.body);
    assert.equal(connector.received.length, 0, 'no reply to a refused tenant');
    const warning = logger.entries.find((e) => e.level === 'warn' && /tenant/.test(e.message));
    assert.ok(warning, JSON.stringify(logger.entries));
    assert.equal(warning.context?.['tenant'], OTHER_TENANT);
    await assertHealthy(port);
  });

  it('refuses an activity that names no tenant at all with 403', async () => {
    const body = messageActivity(connector.url, { channelData: {} });
    const res = await post(port, JSON.stringify(body));
    assert.equal(res.status, 403);
    assert.equal(connector.received.length, 0);
    const warning = logger.entries.find((e) => e.level === 'warn' && /tenant/.test(e.message));
    assert.ok(warning);
    assert.equal(warning.context?.['tenant'], null);
  });

  it('refuses a non-string tenant id with 403', async () => {
    const body = messageActivity(connector.url, { channelData: { tenant: { id: 42 } } });
    const res = await post(port, JSON.stringify(body));
    assert.equal(res.status, 403);
    assert.equal(connector.received.length, 0);
  });

  it('lets the allowed tenant through (channelData.tenant.id)', async () => {
    const body = messageActivity(connector.url, { channelData: { tenant: { id: ALLOWED_TENANT } } });
    const res = await post(port, JSON.stringify(body));
    assert.equal(res.status, 200, res.body);
    assert.equal(connector.received.length, 1);
    assert.match(cardTexts(connector.received[0]?.body), /30 days/);
  });

  it('falls back to conversation.tenantId when channelData has no tenant', async () => {
    const allowed = messageActivity(connector.url, {
      channelData: {},
      conversation: { id: 'c1', conversationType: 'personal', tenantId: ALLOWED_TENANT },
    });
    assert.equal((await post(port, JSON.stringify(allowed))).status, 200);
    const refused = messageActivity(connector.url, {
      channelData: {},
      conversation: { id: 'c1', conversationType: 'personal', tenantId: OTHER_TENANT },
    });
    assert.equal((await post(port, JSON.stringify(refused))).status, 403);
    assert.equal(connector.received.length, 1);
  });

  it('checks the body before the tenant: a malformed activity is a 400 even from an unknown tenant', async () => {
    const res = await post(port, JSON.stringify({ channelData: { tenant: { id: OTHER_TENANT } } }));
    assert.equal(res.status, 400);
  });
});

describe('bot/http /healthz when the real store refuses writes (buildApp)', function () {
  this.timeout(20000);

  it('answers 503 "degraded" with the store problem once a journal append fails and cannot be cut back', async () => {
    const key = 'healthz-intake-key-0123456789';
    const { app, port, dir } = await startApp({ INTAKE_API_KEY: key });
    try {
      await assertHealthy(port);
      // The demo seed's writes left the journal open. With its folder gone, the next append lands in
      // a deleted file and cannot be cut back (json-store.test.ts: "the directory has gone").
      await rm(dir, { recursive: true, force: true });
      const intake = await request(
        port,
        'POST',
        '/api/referrals',
        JSON.stringify({ id: 'R-HEALTH-1', type: 'Standard', workloads: ['Teams'], customer: { name: 'Health', country: 'US', language: 'en', seats: 500, industry: 'Retail', cporClaims: [] } }),
        { ...JSON_HEADERS, 'x-api-key': key },
      );
      assert.notEqual(intake.status, 201, `a write that did not reach the disk is not reported as done: ${intake.body}`);
      const res = await request(port, 'GET', '/healthz');
      assert.equal(res.status, 503, res.body);
      const body = JSON.parse(res.body) as { status: string; store?: { ok: boolean; problem: string | null } };
      assert.equal(body.status, 'degraded');
      assert.equal(body.store?.ok, false);
      assert.match(body.store?.problem ?? '', /db\.json\.journal.*could not be cut back/);
    } finally {
      await app.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
