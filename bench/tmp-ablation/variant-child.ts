import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Request, Response } from 'restify';
import { ActivityHandler, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, MessageFactory, TeamsActivityHandler } from 'botbuilder';
import { loadRouting } from '../../bot/router-factory.ts';
import { faqAnswerCard } from '../../bot/cards/faq-cards.ts';
import { checkActivityBody } from '../../bot/http/activity-body.ts';
import { startRealBot } from '../real-bot.ts';

const variant = process.argv[2] ?? 'echo';
const send = (m: unknown) => process.send?.(m);
let url: string;
if (variant === 'real') {
  url = (await startRealBot()).url;
} else {
  const { router, knowledgeBase } = loadRouting();
  const topic = knowledgeBase.topics[0]!;
  const related = topic.related.map((id) => knowledgeBase.topic(id)!).filter(Boolean);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '' })));
  const bot = variant.includes('teams') ? new TeamsActivityHandler() : new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const text = context.activity.text ?? '';
    if (variant.includes('route')) router.route(text);
    if (variant.includes('card')) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(faqAnswerCard(topic, related))));
    else await context.sendActivity(MessageFactory.text(`echo: ${text}`));
    await next();
  });
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, mapFiles: false }));
  server.post('/api/messages', async (req: Request, res: Response) => {
    if (variant.includes('zod')) checkActivityBody(req.body);
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
}
send({ type: 'ready', url });
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') { const c = process.cpuUsage(); send({ type: 'cpu', micros: c.user + c.system }); }
  else process.exit(0);
});
process.on('disconnect', () => process.exit(0));
