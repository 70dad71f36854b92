import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { JsonStore } from '../../data/store/json-store.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { loadRouting } from '../../bot/router-factory.ts';
import type { ReferralBot } from '../../bot/referral-bot.ts';
import { composeBot } from '../../bot/app.ts';
import { memoryLogger } from '../../bot/logger.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';

const ALEX = { id: 'user-alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' };
const TENANT = '00000000-0000-0000-0000-0000000000001';
const routing = loadRouting();

interface CardJson {
  body: Array<{ type: string; text?: string; actions?: Array<{ type: string; title: string; data?: Record<string, unknown>; verb?: string }> }>;
  actions?: Array<{ type: string; title: string; url?: string }>;
}

function cardOf(activity: Partial<Activity>): CardJson {
  const attachment = activity.attachments?.[0];
  assert.ok(attachment, `expected a card, got text: ${activity.text ?? '(none)'}`);
  assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
  return attachment.content as CardJson;
}

function texts(card: CardJson): string {
  return card.body.map((b) => b.text ?? '').join('\n');
}

function buttons(card: CardJson): Array<{ type: string; title: string; data?: Record<string, unknown>; verb?: string }> {
  return card.body.flatMap((b) => b.actions ?? []);
}

describe('ReferralBot (TestAdapter)', () => {
  let dir: string;
  let store: JsonStore<StoreData>;
  let logger: ReturnType<typeof memoryLogger>;
  let bot: ReferralBot;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bot-test-'));
    store = await JsonStore.open(path.join(dir, 'db.json'), storeSchema, emptyStore);
    logger = memoryLogger();
    const now = () => new Date('2026-11-25T12:00:00Z');
    const repository = new LowdbProgramRepository(store);
    const referrals = new ReferralService(repository, now, () => 'id');
    bot = composeBot({ store, repository, referrals, logger, now, routing });
  });

  afterEach(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  function adapter(conversationType = 'personal'): TestAdapter {
    const a = new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      conversation: { id: `conv-${conversationType}`, isGroup: conversationType !== 'personal', conversationType, name: 'test' },
      from: ALEX,
      recipient: { id: 'bot-id', name: 'Referral bot' },
    });
    return a;
  }

  function message(text: string, extra: Partial<Activity> = {}): Partial<Activity> {
    return { type: ActivityTypes.Message, text, channelData: { tenant: { id: TENANT } }, ...extra };
  }

  it('greets once with a welcome card on install, even when Teams sends both install events', async () => {
    const a = adapter();
    const replies: Partial<Activity>[] = [];
    a.onTurnError = async (_c, e) => {
      throw e;
    };
    await a
      .send({ type: ActivityTypes.InstallationUpdate, action: 'add', channelData: { tenant: { id: TENANT } } })
      .assertReply((r) => {
        replies.push(r);
      })
      .send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'bot-id', name: 'bot' }] })
      .assertNoReply('no reply expected', 500);
    const card = cardOf(replies[0] ?? {});
    assert.match(texts(card), /Welcome/);
    const actions = buttons(card);
    assert.ok(actions.length >= 4 && actions.length <= 5, `3-4 questions plus help, got ${actions.length}`);
    assert.ok(actions.some((b) => b.title.toLowerCase().includes('what can you do')));
    assert.equal(store.data.greetedConversations.length, 1);
  });

  it('answers an FAQ question with a card: title, answer, related topics and feedback buttons', async () => {
    await adapter()
      .send(message('How long can we switch off referrals?'))
      .assertReply((r) => {
        const card = cardOf(r);
        const body = texts(card);
        assert.match(body, /30 days/);
        assert.equal(card.body[0]?.text, routing.knowledgeBase.topic('capacity-pause')?.title);
        const actions = buttons(card);
        const related = actions.filter((b) => b.type === 'Action.Submit');
        assert.ok(related.length >= 2, 'related-topic buttons');
        const feedback = actions.filter((b) => b.type === 'Action.Execute');
        assert.deepEqual(
          feedback.map((b) => [b.title, b.verb, b.data]),
          [
            ['Yes', 'faq.feedback', { topicId: 'capacity-pause', helpful: true }],
            ['No', 'faq.feedback', { topicId: 'capacity-pause', helpful: false }],
          ],
        );
      });
  });

  it('says it is not sure on an out-of-scope question, offers closest topics and support, and stores the question', async () => {
    await adapter()
      .send(message('What is the weather in Paris tomorrow?'))
      .assertReply((r) => {
        const card = cardOf(r);
        assert.match(texts(card), /not sure/i);
        assert.match(texts(card), /https:\/\/aka\.ms\/PXPartnerSupport/);
        assert.ok((card.actions ?? []).some((a) => a.url === 'https://aka.ms/PXPartnerSupport'));
        const offered = buttons(card).length;
        assert.ok(offered >= 2 && offered <= 3, `2-3 closest topics, got ${offered}`);
      });
    assert.equal(store.data.unanswered.length, 1);
    assert.equal(store.data.unanswered[0]?.text, 'What is the weather in Paris tomorrow?');
    assert.equal(store.data.unanswered[0]?.userId, ALEX.aadObjectId);
  });

  it('records feedback from the invoke with the caller from the activity, and updates the card in place', async () => {
    const replies: Partial<Activity>[] = [];
    await adapter()
      .send({
        type: ActivityTypes.Invoke,
        name: 'adaptiveCard/action',
        channelData: { tenant: { id: TENANT } },
        value: { action: { type: 'Action.Execute', verb: 'faq.feedback', data: { topicId: 'round-robin', helpful: true, userId: 'forged' } } },
      })
      .assertReply((r) => {
        replies.push(r);
      });
    const invokeResponse = replies[0];
    assert.equal(invokeResponse?.type, 'invokeResponse');
    const value = invokeResponse?.value as { status: number; body: { statusCode: number; value: CardJson } };
    assert.equal(value.status, 200);
    const updated = value.body.value;
    assert.match(texts(updated), /Thanks for your feedback/);
    assert.ok(!buttons(updated).some((b) => b.type === 'Action.Execute'), 'the yes/no buttons are gone');
    assert.equal(store.data.faqFeedback.length, 1);
    assert.deepEqual(
      { topicId: store.data.faqFeedback[0]?.topicId, helpful: store.data.faqFeedback[0]?.helpful, userId: store.data.faqFeedback[0]?.userId },
      { topicId: 'round-robin', helpful: true, userId: ALEX.aadObjectId },
    );
  });

  it('refuses feedback for a topic that does not exist, storing nothing', async () => {
    const replies: Partial<Activity>[] = [];
    await adapter()
      .send({
        type: ActivityTypes.Invoke,
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'faq.feedback', data: { topicId: 'free-money', helpful: true } } },
      })
      .assertReply((r) => {
        replies.push(r);
      });
    const value = replies[0]?.value as { status: number; body: { statusCode: number } };
    assert.equal(value.body.statusCode, 400);
    assert.equal(store.data.faqFeedback.length, 0);
  });

  it('answers help for a user it does not know with what a guest may do and how to get access', async () => {
    await adapter()
      .send(message('help'))
      .assertReply((r) => {
        const body = texts(cardOf(r));
        for (const c of ['**help**', '**whoami**', 'give you access']) assert.ok(body.includes(c), `help shows ${c}`);
        for (const c of ['**pending**', '**pause', '**resume**', '**referral R-']) assert.ok(!body.includes(c), `a guest is offered ${c}`);
      });
  });

  it('subscribe typed in a personal chat says where to type it', async () => {
    await adapter()
      .send(message('subscribe'))
      .assertReply((r) => {
        assert.match(r.text ?? '', /in the team channel/);
        assert.equal(r.attachments, undefined);
      });
  });

  it('an operations command from a user the store does not know is refused, naming FastTrack operations', async () => {
    await adapter()
      .send(message('explain R-1042'))
      .assertReply((r) => {
        assert.match(r.text ?? '', /needs FastTrack operations/);
        assert.equal(r.attachments, undefined);
      });
  });

  it('in a channel, ignores messages that do not mention the bot', async () => {
    await adapter('channel').send(message('How long can we switch off referrals?')).assertNoReply('no reply expected', 500);
  });

  it('in a channel, answers when @mentioned, with the mention removed before routing', async () => {
    await adapter('channel')
      .send(
        message('<at>Referral bot</at> How long can we switch off referrals?', {
          entities: [{ type: 'mention', mentioned: { id: 'bot-id', name: 'Referral bot' }, text: '<at>Referral bot</at>' }],
        }),
      )
      .assertReply((r) => {
        assert.match(texts(cardOf(r)), /30 days/);
      });
  });

  it('tells a guest how to get access when a command needs a location', async () => {
    await adapter()
      .send(message('show pending referrals'))
      .assertReply((r) => {
        assert.match(r.text ?? '', /don't know you as a member of a partner location/);
        assert.equal(r.attachments, undefined);
      });
  });

  it('a related-topic button asks a question that routes to that topic', async () => {
    for (const topic of routing.knowledgeBase.topics) {
      assert.equal(routing.router.route(topic.question).label, `faq:${topic.id}`, topic.question);
    }
  });
});
