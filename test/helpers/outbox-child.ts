/**
 * The bot as a separate process, for the kill -9 test (test/bot/outbox-kill.test.ts):
 *
 *   node --import tsx test/helpers/outbox-child.ts <dataDir>
 *
 * Builds the real app on `<dataDir>` with buildApp (which recovers entries left `sending` by the
 * previous process), listens on a free port as bot/index.ts does, and starts the outbox worker
 * with the real ConnectorTransport. Only the worker is started, not the scheduler: the test
 * counts notifications exactly and scheduled ones (acceptance alerts) would blur the count.
 *
 * Reports to the parent over the IPC channel: every log line, `started` with the outbox counts
 * after start-up recovery, and `idle` once nothing is pending or being sent. SIGTERM stops it
 * cleanly (worker stopped, store flushed).
 */
import { buildApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import type { Logger } from '../../bot/logger.ts';
import type { OutboxEntry } from '../../domain/notifications/types.ts';

export type ChildMessage =
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string; readonly context: Record<string, unknown> | null }
  | { readonly type: 'started'; readonly counts: Record<OutboxEntry['state'], number> }
  | { readonly type: 'idle'; readonly counts: Record<OutboxEntry['state'], number> };

function report(message: ChildMessage): void {
  if (process.send !== undefined) process.send(message);
}

const dataDir = process.argv[2];
if (dataDir === undefined || dataDir === '') {
  console.error('usage: node --import tsx test/helpers/outbox-child.ts <dataDir>');
  process.exit(2);
}

const log =
  (level: 'info' | 'warn' | 'error') =>
  (message: string, context?: Record<string, unknown>): void => {
    process.stderr.write(`${JSON.stringify({ level, message, ...context })}\n`);
    report({ type: 'log', level, message, context: context ?? null });
  };
const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };

const app = await buildApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', SEED_DEMO_DATA: 'false', INTAKE_API_KEY: '' }, process.cwd()), logger);
await listen(app.server, 0);
report({ type: 'started', counts: app.outbox.counts() });
app.worker.start();

const watch = setInterval(() => {
  const counts = app.outbox.counts();
  if (counts.pending + counts.sending === 0 && app.worker.busy === 0) {
    clearInterval(watch);
    report({ type: 'idle', counts });
  }
}, 25);

// The test runner went away (crashed, interrupted): do not outlive it.
process.once('disconnect', () => process.exit(1));

process.once('SIGTERM', () => {
  clearInterval(watch);
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`close failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
});
