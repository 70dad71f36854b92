import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRouting } from '../../bot/router-factory.ts';

interface Row {
  readonly q: string;
  readonly expect: readonly string[];
}

function rows(url: URL): Row[] {
  return readFileSync(url, 'utf-8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

const { router, knowledgeBase } = loadRouting();

function accuracy(set: readonly Row[], kind?: 'faq' | 'cmd' | 'none'): { hits: number; total: number; misses: string[] } {
  const selected = set.filter((r) => {
    if (kind === undefined) return true;
    const first = r.expect[0] ?? '';
    return kind === 'none' ? first === 'none' : first.startsWith(`${kind}:`);
  });
  const misses: string[] = [];
  let hits = 0;
  for (const r of selected) {
    const got = router.route(r.q).label;
    if (r.expect.includes(got)) hits++;
    else misses.push(`${r.q} -> ${got} (expected ${r.expect.join('|')})`);
  }
  return { hits, total: selected.length, misses };
}

describe('IntentRouter', () => {
  describe('quality', () => {
    it('routes at least 95% of the shared development set', () => {
      const dev = rows(new URL('../../../shared/eval/intents-dev.jsonl', import.meta.url));
      const { hits, total, misses } = accuracy(dev);
      assert.ok(hits / total >= 0.95, `${hits}/${total}; misses:\n${misses.join('\n')}`);
    });

    // A set written blind to the knowledge base's phrasings, standing for questions never seen.
    const holdout = rows(new URL('../fixtures/router-holdout.jsonl', import.meta.url));

    it('routes at least 90% of the held-out set overall', () => {
      const { hits, total, misses } = accuracy(holdout);
      assert.ok(hits / total >= 0.9, `${hits}/${total}; misses:\n${misses.join('\n')}`);
    });

    it('abstains on at least 90% of held-out out-of-scope questions', () => {
      const { hits, total, misses } = accuracy(holdout, 'none');
      assert.ok(hits / total >= 0.9, `${hits}/${total}; misses:\n${misses.join('\n')}`);
    });
  });

  describe('commands', () => {
    const cases: Array<[string, string]> = [
      ['help', 'cmd:help'],
      ['?', 'cmd:help'],
      ['pending', 'cmd:pending'],
      ['acceptance rate', 'cmd:acceptance-rate'],
      ['acceptance rate FY27-Q1', 'cmd:acceptance-rate'],
      ['pause for 2 weeks', 'cmd:pause'],
      ['resume', 'cmd:resume'],
      ['status', 'cmd:status'],
      ['accept R-1042', 'cmd:accept'],
      ['decline R-1042 no capacity', 'cmd:decline'],
      ['explain R-1042', 'cmd:explain'],
      // The app's command menu sends the bare word; the command then asks which referral.
      ['accept', 'cmd:accept'],
      ['decline', 'cmd:decline'],
      ['referral', 'cmd:referral'],
      ['subscribe 4100001', 'cmd:subscribe'],
      ['notifications', 'cmd:notifications'],
      ['notifications retry', 'cmd:notifications'],
    ];
    for (const [text, label] of cases) {
      it(`"${text}" is ${label}, with full confidence`, () => {
        const r = router.route(text);
        assert.equal(r.label, label);
        assert.equal(r.score, 1);
      });
    }

    it('does not take "helpful" or "the help desk" for the help command', () => {
      assert.notEqual(router.route('helpful').label, 'cmd:help');
      assert.notEqual(router.route('what is the phone number of the help desk').label, 'cmd:help');
    });
  });

  describe('robustness', () => {
    it('survives typos', () => {
      assert.equal(router.route('how lnog can we pasue referals').label, 'faq:capacity-pause');
      assert.equal(router.route('how is the acceptence rate mesured').label, 'faq:acceptance-rate');
    });

    it('abstains on empty, punctuation-only and gibberish input', () => {
      for (const t of ['', '   ', '!!!', 'zxcvbnm asdfgh', 'lorem ipsum dolor sit amet']) {
        assert.equal(router.route(t).label, 'none', JSON.stringify(t));
      }
    });

    it('every topic is reachable by its own canonical question and title', () => {
      for (const t of knowledgeBase.topics) {
        assert.equal(router.route(t.question).label, `faq:${t.id}`, t.question);
        assert.equal(router.route(t.title).label, `faq:${t.id}`, t.title);
      }
    });

    it('keeps to the classify contract: score in [0,1], at most 3 alternatives, never the label itself', () => {
      for (const t of ['can we pause', 'what is my acceptance rate', 'weather tomorrow', 'CPOR 300 licenses']) {
        const r = router.route(t);
        assert.ok(r.score >= 0 && r.score <= 1, `${t}: ${r.score}`);
        assert.ok(r.alternatives.length <= 3);
        assert.ok(!r.alternatives.includes(r.label));
        assert.ok(!r.alternatives.includes('none'));
      }
    });

    it('is deterministic: a second router built from the same data routes the same way', () => {
      const other = loadRouting().router;
      for (const t of ['Do referrals come with any payment?', 'we are swamped', 'is this split?']) {
        assert.deepEqual(other.route(t), router.route(t));
      }
    });
  });
});
