import net from 'node:net';

/** Debian's chromium; `npx playwright install` downloads a browser and cannot work offline. */
export function chromiumPath(): string {
  return (process.env['CHROMIUM_PATH'] ?? '').trim() || '/usr/bin/chromium';
}

/** Root in CI needs no sandbox; the rest keeps an offline Chromium from calling home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** A port nobody listens on right now (the Playground still falls back to another if it is taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready (did the before hook fail?)`);
  return value;
}
