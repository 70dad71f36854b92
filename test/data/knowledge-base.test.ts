import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { FaqTopic } from '../../domain/faq/topic.ts';
import {
  KNOWLEDGE_BASE_FILE,
  KnowledgeBaseError,
  buildKnowledgeBase,
  loadKnowledgeBase,
} from '../../data/faq/knowledge-base.ts';
import { REQUIRED_TOPIC_IDS } from '../../data/faq/topic-ids.ts';

/** The shared contract sits beside the repository (CI clones the repo with shared/ next to it). */
const SHARED_TOPICS_FILE = new URL('../../../shared/faq-topics.json', import.meta.url);

const sharedSchema = z.object({
  topics: z.array(z.object({ id: z.string(), question: z.string(), facts: z.array(z.string()) })),
});

function sharedTopics(): z.infer<typeof sharedSchema>['topics'] {
  return sharedSchema.parse(JSON.parse(readFileSync(SHARED_TOPICS_FILE, 'utf-8'))).topics;
}

/** The real topics file as plain JSON, to derive broken variants from. */
function realJson(): { topics: Array<Record<string, unknown> & { id: string; related?: string[] }> } {
  return JSON.parse(readFileSync(KNOWLEDGE_BASE_FILE, 'utf-8')) as {
    topics: Array<Record<string, unknown> & { id: string; related?: string[] }>;
  };
}

function kbError(json: unknown): KnowledgeBaseError {
  let caught: unknown;
  try {
    buildKnowledgeBase(json);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof KnowledgeBaseError, `expected a KnowledgeBaseError, got ${String(caught)}`);
  assert.equal(caught.name, 'KnowledgeBaseError');
  return caught;
}

/**
 * Tokens each answer must carry because the shared facts require them (shared/faq-topics.json).
 * Patterns, so a rewording that keeps the fact still passes.
 */
const MUST_SAY: Readonly<Record<(typeof REQUIRED_TOPIC_IDS)[number], readonly RegExp[]>> = {
  'existing-relationships': [/CPOR claim/, /endorsed/, /location/, /language/, /industry/, /customer size/, /new partner/],
  'capacity-pause': [/30 days/, /Standard/, /Benefit/, /Program Admin/, /Community Portal/, /Referral Profile/, /leave the program|depart/],
  'split-assignments': [/FastTrack Center|FTC/, /\b2\b/, /\b3\b/, /fourth/, /customer/],
  'round-robin': [/round-robin/i, /Referral Matching Engine/, /fewest/, /equitable/],
  'endorsement-override': [/speciali[sz]ations/, /Partner One/, /FCU/, /Partner Center/, /not at this time|can't be manually overridden|cannot be manually overridden/, /reassign/],
  'specialization-expiry': [/^Yes\b/, /expires?/, /endorsement/, /lost/],
  'referral-incentives': [/Cloud Partner Program/, /payment program/, /CPOR/, /Modern Work/, /M365/],
  'qtm-eligibility': [/QTM/, /eligib/, /FastTrack/, /partner's responsibility|you to check/],
  'customer-expectations': [/service enablement/, /touch keyboards/, /Statement of Work/, /SOW/, /Advanced Deployment Guides/, /fee/],
  'matching-priority': [/CPOR claims/, /priority/, /endorsement/, /RFA/],
  'co-sell': [/^No\b/, /Co-sell/, /separate/, /FCU/, /Referrals tab/, /Partner Center/, /long term/],
  'cpor-poe': [/Partner Assignment email/, /customer acknowledgment/, /CPOR Modern Work documentation/, /proof of execution|POE/],
  'referral-emails': [
    /https:\/\/aka\.ms\/PXPartnerSupport/,
    /Referral Profile/,
    /Community Portal/,
    /My Workspace/,
    /Program Memberships/,
    /Main Program Contacts/,
    /Benefit Referral Distribution List/,
    /Standard Referral Distribution List/,
  ],
  'acceptance-rate': [/80%/, /quarter/i, /MPN ?ID/, /country/, /globally/, /region/],
  'cpor-high-water-mark': [/\b300\b/, /\b150\b/, /n't an incentivized activity|not an incentivized activity/, /below 300/, /first/],
  'fasttrack-osu': [/OSU/, /incentives/, /separate|unrelated|nothing to do/],
};

describe('data/faq knowledge base', () => {
  describe('REQUIRED_TOPIC_IDS', () => {
    it('equals the ids of shared/faq-topics.json, in the same order', () => {
      assert.deepEqual([...REQUIRED_TOPIC_IDS], sharedTopics().map((t) => t.id));
    });

    it('has no duplicates', () => {
      assert.equal(new Set(REQUIRED_TOPIC_IDS).size, REQUIRED_TOPIC_IDS.length);
    });
  });

  describe('the real knowledge base (data/faq/topics.json)', () => {
    const kb = loadKnowledgeBase();

    it('loads and holds every required topic exactly once', () => {
      const ids = kb.topics.map((t) => t.id);
      assert.equal(new Set(ids).size, ids.length, 'no duplicated ids');
      for (const id of REQUIRED_TOPIC_IDS) assert.ok(ids.includes(id), `missing ${id}`);
    });

    it('finds topics by id and returns undefined for an unknown id', () => {
      for (const id of REQUIRED_TOPIC_IDS) assert.equal(kb.topic(id)?.id, id);
      assert.equal(kb.topic('no-such-topic'), undefined);
      assert.equal(kb.topic(''), undefined);
    });

    it('gives every topic a non-empty title, question and answer, and at least one phrasing', () => {
      for (const t of kb.topics) {
        assert.ok(t.title.trim().length > 0, `${t.id}: title`);
        assert.ok(t.question.trim().length > 0, `${t.id}: question`);
        assert.ok(t.answer.trim().length > 0, `${t.id}: answer`);
        assert.ok(t.phrasings.length >= 1, `${t.id}: phrasings`);
        for (const p of t.phrasings) assert.ok(p.trim().length > 0, `${t.id}: empty phrasing`);
      }
    });

    it('points every related button at another existing topic', () => {
      for (const t of kb.topics) {
        for (const r of t.related) {
          assert.notEqual(r, t.id, `${t.id} relates to itself`);
          assert.ok(kb.topic(r) !== undefined, `${t.id} relates to unknown ${r}`);
        }
        assert.equal(new Set(t.related).size, t.related.length, `${t.id}: repeated related id`);
      }
    });

    for (const id of REQUIRED_TOPIC_IDS) {
      it(`answers ${id} with the facts the shared contract requires`, () => {
        const topic: FaqTopic | undefined = kb.topic(id);
        assert.ok(topic, id);
        for (const pattern of MUST_SAY[id]) {
          assert.match(topic.answer, pattern, `${id} answer must match ${String(pattern)}`);
        }
      });
    }

    it('states the capacity pause as one period of no more than 30 days', () => {
      const answer = kb.topic('capacity-pause')?.answer ?? '';
      assert.match(answer, /one period/);
      assert.doesNotMatch(answer, /\b(60|90) days\b/);
    });

    it('states the acceptance rate as at least 80%, not globally or by region', () => {
      const answer = kb.topic('acceptance-rate')?.answer ?? '';
      assert.match(answer, /at least 80%/);
      assert.match(answer, /isn't calculated globally or by region|not (calculated|measured) globally/);
    });

    it('keeps the CPOR floor and the benefit threshold the right way round', () => {
      const answer = kb.topic('cpor-high-water-mark')?.answer ?? '';
      assert.match(answer, /from 150 licenses/);
      assert.match(answer, /floor sits at 300|floor is 300/);
    });

    it('covers every topic of the shared contract, each of which lists facts', () => {
      for (const shared of sharedTopics()) {
        assert.ok(kb.topic(shared.id), `${shared.id} is in the knowledge base`);
        assert.ok(shared.facts.length > 0, `${shared.id}: the contract lists facts`);
      }
    });
  });

  describe('buildKnowledgeBase refusals', () => {
    it('accepts the real JSON', () => {
      const kb = buildKnowledgeBase(realJson());
      assert.equal(kb.topics.length, realJson().topics.length);
    });

    it('refuses a knowledge base missing a required topic and names it', () => {
      const json = realJson();
      json.topics = json.topics
        .filter((t) => t.id !== 'acceptance-rate')
        .map((t) => ({ ...t, related: (t.related ?? []).filter((r) => r !== 'acceptance-rate') }));
      const err = kbError(json);
      assert.match(err.message, /missing topic/);
      assert.match(err.message, /acceptance-rate/);
      assert.doesNotMatch(err.message, /capacity-pause/);
    });

    it('names every missing topic', () => {
      const json = realJson();
      const gone = new Set(['co-sell', 'fasttrack-osu']);
      json.topics = json.topics
        .filter((t) => !gone.has(t.id))
        .map((t) => ({ ...t, related: (t.related ?? []).filter((r) => !gone.has(r)) }));
      const err = kbError(json);
      assert.match(err.message, /co-sell/);
      assert.match(err.message, /fasttrack-osu/);
    });

    it('refuses a duplicated id and names it', () => {
      const json = realJson();
      const copy = json.topics.find((t) => t.id === 'round-robin');
      assert.ok(copy);
      json.topics.push({ ...copy, title: 'Another round robin' });
      const err = kbError(json);
      assert.match(err.message, /"round-robin" appears twice/);
    });

    it('refuses a related id that does not exist, naming the topic and the id', () => {
      const json = realJson();
      const first = json.topics[0];
      assert.ok(first);
      first.related = [...(first.related ?? []), 'no-such-topic'];
      const err = kbError(json);
      assert.ok(err.message.includes(`"${first.id}"`), err.message);
      assert.match(err.message, /"no-such-topic"/);
    });

    it('refuses a topic related to itself', () => {
      const json = realJson();
      const topic = json.topics.find((t) => t.id === 'co-sell');
      assert.ok(topic);
      topic.related = ['co-sell'];
      const err = kbError(json);
      assert.match(err.message, /"co-sell" has an invalid related topic "co-sell"/);
    });

    it('refuses a blank answer, naming where', () => {
      const json = realJson();
      const topic = json.topics[2];
      assert.ok(topic);
      topic['answer'] = '   ';
      const err = kbError(json);
      assert.match(err.message, /topics\.2\.answer/);
    });

    it('refuses a topic without phrasings', () => {
      const json = realJson();
      const topic = json.topics[1];
      assert.ok(topic);
      topic['phrasings'] = [];
      const err = kbError(json);
      assert.match(err.message, /topics\.1\.phrasings/);
    });

    for (const bad of [null, [], 'topics', {}, { topics: 'x' }]) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        kbError(bad);
      });
    }

    it('refuses an empty topic list as missing every required topic', () => {
      const err = kbError({ topics: [] });
      for (const id of REQUIRED_TOPIC_IDS) assert.ok(err.message.includes(id), id);
    });
  });

  describe('loadKnowledgeBase', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'kb-test-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses a missing file with a KnowledgeBaseError naming it', () => {
      const file = pathToFileURL(path.join(dir, 'nope.json'));
      assert.throws(() => loadKnowledgeBase(file), (err: unknown) => {
        assert.ok(err instanceof KnowledgeBaseError);
        assert.ok(err.message.includes('nope.json'), err.message);
        return true;
      });
    });

    it('refuses a file that is not JSON', async () => {
      const file = path.join(dir, 'topics.json');
      await writeFile(file, '{"topics": [');
      assert.throws(() => loadKnowledgeBase(pathToFileURL(file)), KnowledgeBaseError);
    });

    it('loads a valid copy of the real file', async () => {
      const file = path.join(dir, 'topics.json');
      await writeFile(file, JSON.stringify(realJson()));
      const kb = loadKnowledgeBase(pathToFileURL(file));
      assert.equal(kb.topic('capacity-pause')?.id, 'capacity-pause');
    });
  });
});
