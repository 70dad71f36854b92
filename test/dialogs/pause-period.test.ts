import assert from 'node:assert/strict';
import { parsePauseEnd } from '../../dialogs/pause-period.ts';

describe('parsePauseEnd', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const cases: Array<[string, string]> = [
    ['pause for two weeks', '2026-12-09'],
    ['pause for 10 days', '2026-12-05'],
    ['pause for a month', '2026-12-25'],
    ['pause until the 15th of next month', '2026-12-15'],
    ['pause until 15th of next month', '2026-12-15'],
    ['hold all referrals until 1 March', '2027-03-01'],
    ['pause until December 10', '2026-12-10'],
    ['pause until 2026-12-05', '2026-12-05'],
    ['pause until tomorrow', '2026-11-26'],
  ];
  for (const [text, until] of cases) {
    it(`"${text}" resumes on ${until}`, () => {
      const r = parsePauseEnd(text, now);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.until, until);
    });
  }

  it('says when no period was given', () => {
    assert.deepEqual(parsePauseEnd('pause', now), { ok: false, reason: 'missing' });
  });

  it('says when a period could not be read', () => {
    assert.deepEqual(parsePauseEnd('pause until the cows come home', now), { ok: false, reason: 'unparsed' });
  });

  it('refuses the 31st of a month that has none', () => {
    assert.equal(parsePauseEnd('pause until the 31st of next month', new Date('2026-10-15T00:00:00Z')).ok, false);
  });
});
