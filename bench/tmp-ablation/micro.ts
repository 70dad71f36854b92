import { CardFactory, MessageFactory } from 'botbuilder';
import { createSerializer } from '@azure/core-client';
import * as Mappers from 'botframework-connector/lib/connectorApi/models/mappers.js';
import { loadRouting } from '../../bot/router-factory.ts';
import { faqAnswerCard } from '../../bot/cards/faq-cards.ts';
import { checkActivityBody } from '../../bot/http/activity-body.ts';
import { messageActivity } from '../activity.ts';
import { readDevSet, kindOf } from '../dev-set.ts';
import { median } from '../stats.ts';

const texts = readDevSet().filter((r) => kindOf(r) === 'faq').map((r) => r.q);
const { router, knowledgeBase } = loadRouting();
const topic = knowledgeBase.topics[0]!;
const related = topic.related.map((id) => knowledgeBase.topic(id)!);
const activities = texts.map((text, i) => messageActivity({ serviceUrl: 'http://127.0.0.1:1/', conversationId: `c${i}`, userId: `u${i}`, activityId: `m${i}`, text }));
const serializer = createSerializer(Mappers as unknown as Record<string, never>, false);
const mappers = Mappers as unknown as Record<string, Parameters<typeof serializer.serialize>[0]>;
const cardActivity = () => ({ ...MessageFactory.attachment(CardFactory.adaptiveCard(faqAnswerCard(topic, related))), type: 'message', replyToId: 'm1', conversation: { id: 'c' }, from: { id: 'b' }, recipient: { id: 'u' } });
const textActivity = () => ({ ...MessageFactory.text('echo: ' + texts[0]), type: 'message', replyToId: 'm1', conversation: { id: 'c' }, from: { id: 'b' }, recipient: { id: 'u' } });

function time(name: string, fn: (i: number) => unknown) {
  const rounds: number[] = [];
  for (let r = 0; r < 9; r++) {
    const n = 2000;
    const t = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    rounds.push(((performance.now() - t) / n) * 1000);
  }
  console.log(name.padEnd(44), `${median(rounds.slice(2)).toFixed(1)} µs/msg (mean per round, median of rounds)`);
}
time('router.route (faq rows)', (i) => router.route(texts[i % texts.length]!));
time('checkActivityBody (zod)', (i) => checkActivityBody(activities[i % activities.length]));
time('faqAnswerCard + CardFactory + MessageFactory', () => cardActivity());
time('JSON.stringify card reply', () => JSON.stringify(cardActivity()));
time('JSON.stringify text reply', () => JSON.stringify(textActivity()));
time('core-client serialize card reply', () => serializer.serialize(mappers['Activity']!, cardActivity(), 'activity'));
time('core-client serialize text reply', () => serializer.serialize(mappers['Activity']!, textActivity(), 'activity'));
console.log('card reply bytes', JSON.stringify(cardActivity()).length, 'text reply bytes', JSON.stringify(textActivity()).length);
