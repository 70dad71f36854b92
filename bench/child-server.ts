import { startEchoBot } from './echo-bot.ts';
import { startRealBot } from './real-bot.ts';
import type { ServerUnderTest } from './server-under-test.ts';
import type { ChildRequest, ChildResponse, ServerKind } from './launch.ts';

/**
 * Entry point of a forked server under test: starts the named server, tells the parent its URL,
 * then answers report/close requests over IPC. It exits when told to, or when the parent goes away.
 */
const kind = process.argv[2] as ServerKind;
const send = (m: ChildResponse) => process.send?.(m);

let server: ServerUnderTest;
try {
  server = kind === 'echo' ? await startEchoBot() : await startRealBot();
} catch (err) {
  send({ type: 'failed', error: String(err) });
  process.exit(1);
}
send({ type: 'ready', url: server.url });

/** Closing removes the real bot's temp data directory; the timer bounds a close that hangs. */
function stop(): void {
  setTimeout(() => process.exit(1), 3000).unref();
  void server.close().finally(() => process.exit(0));
}

process.on('message', (m: ChildRequest) => {
  if (m.type === 'report') {
    void server.report().then((report) => send({ type: 'report', report }));
  } else if (m.type === 'cpu') {
    void server.cpuMicros().then((micros) => send({ type: 'cpu', micros }));
  } else {
    stop();
  }
});
process.on('disconnect', stop);
