import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.ts';
import { consoleLogger } from './logger.ts';
import { buildApp } from './app.ts';
import { listen } from './http/server.ts';

const logger = consoleLogger();
if (existsSync('.env')) process.loadEnvFile('.env');

try {
  const config = loadConfig(process.env, process.cwd());
  if (config.authDisabled) {
    logger.warn('MicrosoftAppId is not set: local development mode, inbound authentication is OFF. Never expose this instance.');
  }
  const app = await buildApp(config, logger);
  const port = await listen(app.server, config.port);
  app.startBackground();
  logger.info('bot listening', { url: `http://localhost:${port}/api/messages`, dataDir: config.dataDir });
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
}
