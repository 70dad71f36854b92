import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { cardText, type CardJson } from '../helpers/card-text.ts';

/** A stand-in for the Bot Framework connector: keeps what the bot sends back. */
async function startConnector(): Promise<{ url: string; received: unknown[]; close(): Promise<void> }> {
  const received: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf-8');
      received.push(text === '' ? undefined : (JSON.parse(text) as unknown));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${received.length}` }));
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

async function post(port: number, activity: unknown): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  return { status: res.status, body: await res.text() };
}

describe('operations commands through the real server (buildApp, demo program)', function () {
  this.timeout(30000);
  let app: App;
  let port: number;
  let dir: string;
  let connector: Awaited<ReturnType<typeof startConnector>>;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ops-http-'));
    app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', SEED_DEMO_DATA: 'true' }, process.cwd()), memoryLogger());
    port = await listen(app.server, 0);
  });

  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    connector = await startConnector();
  });

  afterEach(async () => {
    await connector.close();
  });

  const activity = (user: 'adele' | 'megan', extra: Record<string, unknown>): Record<string, unknown> => ({
    id: `a-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: `29:${user}`, aadObjectId: PLAYGROUND_USERS[user] },
    recipient: { id: 'bot' },
    conversation: { id: `c-${user}`, conversationType: 'personal' },
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
    ...extra,
  });

  it('reassign typed by operations moves the part and replies with where it went; a member is refused', async () => {
    const refused = await post(port, activity('megan', { type: 'message', text: `reassign R-1036 ${DEMO_MPN.fabrikamUs}` }));
    assert.equal(refused.status, 200);
    assert.match((connector.received[0] as { text?: string }).text ?? '', /needs FastTrack operations/);
    assert.equal(app.referrals.read().referral('R-1036')?.assignments.length, 1, 'nothing changed');

    const res = await post(port, activity('adele', { type: 'message', text: `reassign R-1036 ${DEMO_MPN.fabrikamUs}` }));
    assert.equal(res.status, 200, res.body);
    const reply = connector.received[1] as { attachments?: Array<{ content: CardJson }> };
    const card = reply.attachments?.[0]?.content;
    assert.ok(card);
    assert.match(cardText(card), /Fabrikam US \(MPN ID 4100002\): Teams \(manual/);
    const offered = app.referrals.read().referral('R-1036')?.assignments.filter((a) => a.state === 'offered');
    assert.deepEqual(offered?.map((a) => [a.mpnId, a.basis]), [[DEMO_MPN.fabrikamUs, 'manual']]);
  });

  it('the part picker’s Action.Execute invoke answers with the refreshed card, and a repeat changes nothing', async () => {
    const part = app.referrals.read().referral('R-1034')?.assignments.find((a) => a.state === 'offered');
    assert.ok(part);
    const invoke = activity('adele', {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'ops.reassign', data: { referralId: 'R-1034', assignmentId: part.id, target: 'auto' } } },
    });
    const first = await post(port, invoke);
    assert.equal(first.status, 200, first.body);
    const body = JSON.parse(first.body) as { statusCode: number; value: CardJson };
    assert.equal(body.statusCode, 200);
    assert.match(cardText(body.value), /Referral R-1034 reassigned/);
    const events = app.referrals.read().events().length;
    const again = JSON.parse((await post(port, invoke)).body) as { value: CardJson };
    assert.match(cardText(again.value), /already \*\*reassigned\*\*/);
    assert.equal(app.referrals.read().events().length, events);
  });
});
