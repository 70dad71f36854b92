import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReceivedPost } from './notification-stand-in.ts';

export type PostSeen = Omit<ReceivedPost, 'activity'>;

export interface StandInProcess {
  readonly serviceUrl: string;
  /** Stops the stand-in and returns every post it received, in arrival order. */
  report(): Promise<PostSeen[]>;
  kill(): void;
}

/** Starts bench/stand-in-child.ts in its own Node process (see there why). */
export function startStandInProcess(): Promise<StandInProcess> {
  const child = fork(fileURLToPath(new URL('./stand-in-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the stand-in process exited early (${String(code)})`)));
    child.once('message', (first: unknown) => {
      const serviceUrl = (first as { serviceUrl?: unknown }).serviceUrl;
      if (typeof serviceUrl !== 'string') {
        reject(new Error('the stand-in process did not report its URL'));
        return;
      }
      child.removeAllListeners('exit');
      resolve({
        serviceUrl,
        report: () =>
          new Promise<PostSeen[]>((done, fail) => {
            child.once('message', (m: unknown) => done((m as { posts: PostSeen[] }).posts));
            child.once('exit', (code) => fail(new Error(`the stand-in process exited (${String(code)}) before reporting`)));
            child.send('report');
          }),
        kill: () => {
          child.kill('SIGKILL');
        },
      });
    });
  });
}
