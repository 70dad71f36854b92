import { fork } from 'node:child_process';
import type { ServerUnderTest } from './server-under-test.ts';

export type ServerKind = 'echo' | 'real';
export type Placement = 'child' | 'in-process';

export type ChildRequest = { readonly type: 'report' } | { readonly type: 'cpu' } | { readonly type: 'close' };
export type ChildResponse =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'report'; readonly report: Record<string, number> }
  | { readonly type: 'cpu'; readonly micros: number };

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts a server under test. `child` (the default) forks it, so on a two-core machine the server
 * has a core to itself and the load driver and connector stand-in the other; the figures are then
 * the server's own, not diluted by the driver's CPU. `in-process` shares one event loop with the
 * driver: simpler and steadier on a crowded machine, but the driver's cost is in every figure.
 */
export async function launch(kind: ServerKind, placement: Placement): Promise<ServerUnderTest> {
  if (placement === 'child') return forkServer(kind);
  // Loaded only here: restify patches http.ServerResponse process-wide, which in child mode must
  // not touch the driver's process.
  return kind === 'echo' ? (await import('./echo-bot.ts')).startEchoBot() : (await import('./real-bot.ts')).startRealBot();
}

function forkServer(kind: ServerKind): Promise<ServerUnderTest> {
  const child = fork(new URL('./child-server.ts', import.meta.url), [kind], {
    // Resolved here so the child finds tsx whatever the working directory; --no-deprecation hides
    // restify's process.binding warning, which is not ours to fix.
    execArgv: ['--import', import.meta.resolve('tsx'), '--no-deprecation'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildResponse['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ChildResponse, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${kind} server: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: ChildResponse) => {
        if (m.type === type) finish(undefined, m as Extract<ChildResponse, { type: T }>);
        else if (m.type === 'failed') finish(new Error(`${kind} server failed: ${m.error}`));
      };
      const onExit = (code: number | null) => finish(new Error(`${kind} server exited (${String(code)})`));
      const finish = (err?: Error, m?: Extract<ChildResponse, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (m !== undefined) resolve(m);
        else reject(err);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  return next('ready', START_TIMEOUT_MS).then(
    ({ url }) => ({
      url,
      async report() {
        child.send({ type: 'report' } satisfies ChildRequest);
        return (await next('report', STOP_TIMEOUT_MS)).report;
      },
      async cpuMicros() {
        child.send({ type: 'cpu' } satisfies ChildRequest);
        return (await next('cpu', STOP_TIMEOUT_MS)).micros;
      },
      async close() {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'close' } satisfies ChildRequest);
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      },
    }),
    (err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    },
  );
}
