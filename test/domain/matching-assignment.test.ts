import assert from 'node:assert/strict';
import { isDomainError } from '../../domain/errors.ts';
import {
  Matcher,
  rematchDeclined,
  type Scenario,
} from '../../domain/matching/index.ts';
import { AS_OF, customer, location, matchOne, partner, referral } from '../helpers/matching-fixtures.ts';



describe('matching: choosing the assignment', () => {
  it('compares workloads case-insensitively and spells them as the referral does', () => {
    const result = matchOne([location('4100001')], [partner('contoso', ['teams', 'INTUNE'])], referral(['TEAMS', 'Intune']));
    assert.deepEqual(result.assignments, [{ mpnId: '4100001', workloads: ['TEAMS', 'Intune'], basis: 'round-robin' }]);
  });

  it('treats a workload named twice in different case as one', () => {
    const result = matchOne([location('4100001')], [partner('contoso', ['Teams'])], referral(['Teams', 'teams']));
    assert.deepEqual(result.assignments, [{ mpnId: '4100001', workloads: ['Teams'], basis: 'round-robin' }]);
    assert.deepEqual(result.ftc, []);
  });

  it('picks the fewest referrals received', () => {
    const result = matchOne(
      [location('4100001', { referralsReceived: 3 }), location('4200001', { partnerId: 'f', referralsReceived: 2 })],
      [partner('contoso', ['Teams']), partner('f', ['Teams'])],
      referral(['Teams']),
    );
    assert.equal(result.assignments[0]?.mpnId, '4200001');
    assert.deepEqual(result.explanation, ['4100001: eligible, but 4200001 has received fewer referrals (2 vs 3)']);
  });

  it('breaks ties on the smallest MPN ID compared as a string', () => {
    const result = matchOne([location('9'), location('10')], [partner('contoso', ['Teams'])], referral(['Teams']));
    assert.equal(result.assignments[0]?.mpnId, '10');
    assert.deepEqual(result.explanation, ['9: eligible, but 10 has as many referrals (0) and a smaller MPN ID']);
  });

  it('a CPOR claim for another workload still makes the location a claim holder', () => {
    const claims = [{ mpnId: '4100002', workload: 'Intune' }];
    const result = matchOne(
      [location('4100001'), location('4100002', { referralsReceived: 50 })],
      [partner('contoso', ['Teams'])],
      referral(['Teams'], { customer: customer({ cporClaims: claims }) }),
    );
    assert.deepEqual(result.assignments, [{ mpnId: '4100002', workloads: ['Teams'], basis: 'cpor-claim' }]);
    assert.deepEqual(result.explanation, ['4100001: eligible, but 4100002 holds a CPOR claim on the customer']);
  });

  it('a CPOR claim holder that is not eligible loses', () => {
    const claims = [{ mpnId: '4100002', workload: 'Teams' }];
    const result = matchOne(
      [location('4100001', { referralsReceived: 7 }), location('4100002', { country: 'CA' })],
      [partner('contoso', ['Teams'])],
      referral(['Teams'], { customer: customer({ cporClaims: claims }) }),
    );
    assert.deepEqual(result.assignments, [{ mpnId: '4100001', workloads: ['Teams'], basis: 'round-robin' }]);
  });

  it('prefers a single location over a split, even with more referrals', () => {
    const result = matchOne(
      [location('1', { partnerId: 'a' }), location('2', { partnerId: 'b' }), location('3', { partnerId: 'ab', referralsReceived: 99 })],
      [partner('a', ['Teams']), partner('b', ['Intune']), partner('ab', ['Teams', 'Intune'])],
      referral(['Teams', 'Intune']),
    );
    assert.deepEqual(result.assignments, [{ mpnId: '3', workloads: ['Teams', 'Intune'], basis: 'round-robin' }]);
    assert.deepEqual(result.explanation, ['1: not endorsed for Intune', '2: not endorsed for Teams']);
  });

  it('split: a CPOR claim holder is picked first, then the rest in referral order', () => {
    const result = matchOne(
      [location('1', { partnerId: 'tie' }), location('2', { partnerId: 'ex' })],
      [partner('tie', ['Teams', 'Intune']), partner('ex', ['Exchange'])],
      referral(['Teams', 'Intune', 'Exchange'], { customer: customer({ cporClaims: [{ mpnId: '2', workload: 'Exchange' }] }) }),
    );
    assert.deepEqual(result.assignments, [
      { mpnId: '2', workloads: ['Exchange'], basis: 'cpor-claim' },
      { mpnId: '1', workloads: ['Teams', 'Intune'], basis: 'round-robin' },
    ]);
    assert.deepEqual(result.ftc, []);
  });

  it('split: picks the location covering the most remaining workloads before fewer referrals', () => {
    const result = matchOne(
      [location('1', { partnerId: 't' }), location('2', { partnerId: 'ie', referralsReceived: 10 })],
      [partner('t', ['Teams']), partner('ie', ['Intune', 'Exchange'])],
      referral(['Teams', 'Intune', 'Exchange', 'Defender']),
    );
    assert.deepEqual(result.assignments, [
      { mpnId: '2', workloads: ['Intune', 'Exchange'], basis: 'round-robin' },
      { mpnId: '1', workloads: ['Teams'], basis: 'round-robin' },
    ]);
    assert.deepEqual(result.ftc, ['Defender']);
  });

  it('split: counts only workloads still open when ranking later rounds', () => {
    const result = matchOne(
      [
        location('1', { partnerId: 'tie' }),
        location('2', { partnerId: 'ti', referralsReceived: 5 }),
        location('3', { partnerId: 'x', referralsReceived: 9 }),
      ],
      [partner('tie', ['Teams', 'Intune', 'Exchange']), partner('ti', ['Teams', 'Intune']), partner('x', ['Defender'])],
      referral(['Teams', 'Intune', 'Exchange', 'Defender']),
    );
    assert.deepEqual(result.assignments, [
      { mpnId: '1', workloads: ['Teams', 'Intune', 'Exchange'], basis: 'round-robin' },
      { mpnId: '3', workloads: ['Defender'], basis: 'round-robin' },
    ]);
    assert.deepEqual(result.explanation, ['2: eligible for Teams, Intune, but each went to a location ranked above it']);
  });

  it('split: at most 3 locations, the rest to the FastTrack Center', () => {
    const workloads = ['Teams', 'Intune', 'Exchange', 'Defender', 'Purview'];
    const result = matchOne(
      workloads.map((w, i) => location(String(i + 1), { partnerId: w })),
      workloads.map((w) => partner(w, [w])),
      referral(workloads),
    );
    assert.deepEqual(
      result.assignments.map((a) => [a.mpnId, a.workloads]),
      [['1', ['Teams']], ['2', ['Intune']], ['3', ['Exchange']]],
    );
    assert.deepEqual(result.ftc, ['Defender', 'Purview']);
    assert.deepEqual(result.explanation, [
      '4: eligible for Defender, but the split already reached 3 locations',
      '5: eligible for Purview, but the split already reached 3 locations',
    ]);
  });

  it('no eligible location sends everything to the FastTrack Center', () => {
    const result = matchOne([location('1', { status: 'departed' })], [partner('contoso', ['Teams'])], referral(['Teams', 'Intune']));
    assert.deepEqual(result.assignments, []);
    assert.deepEqual(result.ftc, ['Teams', 'Intune']);
    assert.deepEqual(result.explanation, ['1: departed']);
  });

  it('a workload nobody is endorsed for goes to the FastTrack Center', () => {
    const result = matchOne([location('1')], [partner('contoso', ['Teams'])], referral(['Teams', 'Copilot']));
    assert.deepEqual(result.assignments, [{ mpnId: '1', workloads: ['Teams'], basis: 'round-robin' }]);
    assert.deepEqual(result.ftc, ['Copilot']);
  });

  it('exclude keeps a location out even when it would win', () => {
    const result = matchOne([location('1'), location('2', { referralsReceived: 3 })], [partner('contoso', ['Teams'])], referral(['Teams'], { exclude: ['1'] }));
    assert.equal(result.assignments[0]?.mpnId, '2');
  });

  it('does not change the input and can leave explanations out', () => {
    const locations = [location('1'), location('2')];
    const snapshot = structuredClone(locations);
    const matcher = new Matcher({ asOf: AS_OF, locations, partners: [partner('contoso', ['Teams'])] });
    const result = matcher.match(referral(['Teams']), { explain: false });
    assert.deepEqual(result.explanation, []);
    assert.deepEqual(locations, snapshot);
    assert.equal(matcher.referralsReceived('1'), 1);
  });

  it('rejects dates that do not parse and repeated MPN IDs', () => {
    assert.throws(() => new Matcher({ asOf: '2026-02-30', locations: [], partners: [] }), (e) => isDomainError(e, 'matching.invalid-date'));
    assert.throws(
      () => new Matcher({ asOf: AS_OF, locations: [location('1'), location('1')], partners: [] }),
      (e) => isDomainError(e, 'matching.duplicate-mpn-id'),
    );
    const matcher = new Matcher({ asOf: AS_OF, locations: [], partners: [] });
    assert.throws(() => matcher.match(referral([])), (e) => isDomainError(e, 'matching.no-workloads'));
  });
});

describe('matching: batches', () => {
  it('adds 1 per referral received, however many workloads it got', () => {
    const scenario: Scenario = {
      asOf: AS_OF,
      locations: [location('200'), location('100', { referralsReceived: 2 })],
      partners: [partner('contoso', ['Teams', 'Intune'])],
      referrals: [referral(['Teams', 'Intune'], {}, 'R-1'), referral(['Teams'], {}, 'R-2'), referral(['Teams'], {}, 'R-3')],
    };
    const matcher = new Matcher(scenario);
    const picks = matcher.matchAll(scenario.referrals).map((r) => r.assignments[0]?.mpnId);
    assert.deepEqual(picks, ['200', '200', '100']);
    assert.deepEqual([...matcher.receivedCounts()], [['200', 2], ['100', 3]]);
  });

  it('adds 1 to every location of a split', () => {
    const matcher = new Matcher({
      asOf: AS_OF,
      locations: [location('1', { partnerId: 'a' }), location('2', { partnerId: 'b', referralsReceived: 4 })],
      partners: [partner('a', ['Teams']), partner('b', ['Intune'])],
    });
    matcher.match(referral(['Teams', 'Intune']));
    assert.equal(matcher.referralsReceived('1'), 1);
    assert.equal(matcher.referralsReceived('2'), 5);
    assert.equal(matcher.referralsReceived('nope'), undefined);
  });

  it('round-robins equally placed locations', () => {
    const matcher = new Matcher({ asOf: AS_OF, locations: [location('1'), location('2'), location('3')], partners: [partner('contoso', ['Teams'])] });
    const picks = Array.from({ length: 7 }, (_, i) => matcher.match(referral(['Teams'], {}, `R-${i}`)).assignments[0]?.mpnId);
    assert.deepEqual(picks, ['1', '2', '3', '1', '2', '3', '1']);
  });
});

describe('matching: reassigning a declined part', () => {
  const partners = [partner('contoso', ['Teams', 'Intune'])];
  const original = referral(['Teams', 'Intune']);

  it('matches only the declined workloads and excludes every decliner', () => {
    const matcher = new Matcher({
      asOf: AS_OF,
      locations: [location('1'), location('2', { referralsReceived: 1 }), location('3', { referralsReceived: 2 })],
      partners,
    });
    assert.equal(matcher.match(original).assignments[0]?.mpnId, '1');
    const first = rematchDeclined(matcher, { referral: original, declinedWorkloads: ['intune'], declinedBy: ['1'] });
    assert.deepEqual(first.assignments, [{ mpnId: '2', workloads: ['Intune'], basis: 'round-robin' }]);
    const second = rematchDeclined(matcher, { referral: original, declinedWorkloads: ['Intune'], declinedBy: ['1', '2'] });
    assert.deepEqual(second.assignments, [{ mpnId: '3', workloads: ['Intune'], basis: 'round-robin' }]);
    const third = rematchDeclined(matcher, { referral: original, declinedWorkloads: ['Intune'], declinedBy: ['1', '2', '3'] });
    assert.deepEqual(third.assignments, []);
    assert.deepEqual(third.ftc, ['Intune']);
  });

  it('keeps the referral’s own exclusions', () => {
    const matcher = new Matcher({ asOf: AS_OF, locations: [location('1'), location('2')], partners });
    const result = rematchDeclined(matcher, {
      referral: { ...original, exclude: ['2'] },
      declinedWorkloads: ['Teams'],
      declinedBy: ['1'],
    });
    assert.deepEqual(result.ftc, ['Teams']);
  });

  it('refuses a workload the referral did not request', () => {
    const matcher = new Matcher({ asOf: AS_OF, locations: [location('1')], partners });
    assert.throws(
      () => rematchDeclined(matcher, { referral: original, declinedWorkloads: ['Exchange'], declinedBy: ['1'] }),
      (e) => isDomainError(e, 'matching.not-requested-workload'),
    );
  });
});

