import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../bot/app.ts';
import { loadConfig } from '../bot/config.ts';
import { memoryLogger } from '../bot/logger.ts';
import type { ServerUnderTest } from './server-under-test.ts';

/**
 * The real bot exactly as bot/index.ts composes it (buildApp, then listen), with a throw-away data
 * directory and no app id, so inbound auth is off and replies go out without a token.
 */
export async function startRealBot(): Promise<ServerUnderTest> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ft-bench-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0' }, process.cwd());
  if (!config.authDisabled) throw new Error('the benchmark needs auth off (no MicrosoftAppId)');
  const logger = memoryLogger();
  const app = await buildApp(config, logger);
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    async report() {
      await app.store.flush();
      const level = (l: string) => logger.entries.filter((e) => e.level === l).length;
      return {
        logErrors: level('error'),
        logWarnings: level('warn'),
        unansweredStored: app.store.data.unanswered.length,
        storeFileBytes: (await stat(app.store.file)).size,
      };
    },
    cpuMicros: async () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
