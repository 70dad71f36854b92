import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Request, Response } from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  MessageFactory,
} from 'botbuilder';
import type { ServerUnderTest } from './server-under-test.ts';

/**
 * The baseline: the least a botbuilder + restify bot does per message (parse the body, run a turn
 * through CloudAdapter with auth off, send one text reply through the connector client). The real
 * bot's throughput is compared with this one's.
 */
export async function startEchoBot(): Promise<ServerUnderTest> {
  let turnErrors = 0;
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '' })),
  );
  adapter.onTurnError = async () => {
    turnErrors++;
  };
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(MessageFactory.text(`echo: ${context.activity.text ?? ''}`));
    await next();
  });

  const server = restify.createServer({ name: 'bench-echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, mapFiles: false }));
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    report: async () => ({ turnErrors }),
    cpuMicros: async () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
