import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Activity, TurnContext } from 'botbuilder';
import { buildApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import { memoryLogger } from '../../bot/logger.ts';

export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** POSTs a JSON activity to /api/messages through node:http, with exactly the headers given. */
export function postActivity(port: number, activity: unknown, headers: Readonly<Record<string, string>> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(activity));
  });
}

/**
 * A personal-chat question the FAQ answers with a card. No activity `id`: the reply then goes to
 * `POST /v3/conversations/{id}/activities`, the one route the notification stand-in records (a
 * reply to an id would go to `…/activities/{id}`, which it answers 400 without recording).
 */
export function messageActivity(serviceUrl: string, conversationId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    text: 'How long can we pause referrals?',
    channelId: 'msteams',
    serviceUrl,
    from: { id: 'u1', aadObjectId: '00000000-0000-0000-0000-000000000020' },
    recipient: { id: 'bot' },
    conversation: { id: conversationId, conversationType: 'personal' },
    channelData: { tenant: { id: 'aaaaaaaa-1111-2222-3333-444444444444' } },
    ...overrides,
  };
}

export interface TestApp {
  readonly app: App;
  readonly port: number;
  readonly logger: ReturnType<typeof memoryLogger>;
  /** Every activity that reached the bot's handler (ReferralBot.run, which runTurn calls). */
  readonly turns: Activity[];
  close(): Promise<void>;
}

/** The real app from buildApp on a free port, in a fresh DATA_DIR, with a spy on the bot's turn handler. */
export async function startApp(env: Readonly<Record<string, string>>): Promise<TestApp> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'security-test-'));
  const logger = memoryLogger();
  const app = await buildApp(loadConfig({ DATA_DIR: dir, PORT: '0', ...env }, process.cwd()), logger);
  const turns: Activity[] = [];
  // buildApp's runTurn is `(context) => bot.run(context)`, so this sees every turn the server runs.
  const run = app.bot.run.bind(app.bot);
  app.bot.run = async (context: TurnContext): Promise<void> => {
    turns.push({ ...context.activity });
    await run(context);
  };
  const port = await listen(app.server, 0);
  return {
    app,
    port,
    logger,
    turns,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
