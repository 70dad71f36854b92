import assert from 'node:assert/strict';
import { authorize, locationsOf, type Action, type Principal } from '../../../domain/access/policy.ts';
import type { UserRecord } from '../../../domain/referrals/types.ts';

const T = 'tenant';
function principal(roles: UserRecord['roles'] | null): Principal {
  return { tenantId: T, aadObjectId: 'u', user: roles === null ? undefined : { tenantId: T, aadObjectId: 'u', name: 'U', roles } };
}

const guest = principal(null);
const member = principal([{ role: 'member', mpnId: '4100001' }]);
const admin = principal([{ role: 'admin', mpnId: '4100001' }]);
const ops = principal([{ role: 'operations', mpnId: null }]);
const multi = principal([
  { role: 'member', mpnId: '4100001' },
  { role: 'admin', mpnId: '4200001' },
  { role: 'member', mpnId: '4200001' },
]);

describe('access policy', () => {
  const table: Array<[string, Principal, Action, string | undefined, boolean]> = [
    ['guest views a location', guest, 'view-location', '4100001', false],
    ['member views own location', member, 'view-location', '4100001', true],
    ['member views another location', member, 'view-location', '4100002', false],
    ['member answers own offer', member, 'answer-offer', '4100001', true],
    ['member pauses', member, 'pause-location', '4100001', false],
    ['admin pauses own location', admin, 'pause-location', '4100001', true],
    ['admin pauses another location', admin, 'pause-location', '4100002', false],
    ['operations views any location', ops, 'view-location', '4100002', true],
    ['operations does not answer for a partner', ops, 'answer-offer', '4100002', false],
    ['admin routes own notifications', admin, 'route-notifications', '4100001', true],
    ['admin routes another location', admin, 'route-notifications', '4100002', false],
    ['member routes notifications', member, 'route-notifications', '4100001', false],
    ['operations routes any location', ops, 'route-notifications', '4100002', true],
    ['guest routes notifications', guest, 'route-notifications', '4100001', false],
    ['operations manage the outbox', ops, 'manage-outbox', undefined, true],
    ['admin cannot manage the outbox', admin, 'manage-outbox', undefined, false],
    ['operations does not pause for a partner', ops, 'pause-location', '4100002', false],
    ['operations explains', ops, 'explain-match', undefined, true],
    ['admin cannot explain', admin, 'explain-match', undefined, false],
    ['member cannot reassign', member, 'reassign', undefined, false],
    ['operations reassigns', ops, 'reassign', undefined, true],
    ['operations manages roles', ops, 'manage-roles', undefined, true],
    ['admin cannot manage roles', admin, 'manage-roles', undefined, false],
    ['guest cannot list unanswered', guest, 'list-unanswered', undefined, false],
  ];
  for (const [name, p, action, mpnId, allowed] of table) {
    it(`${name}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const d = authorize(p, action, mpnId);
      assert.equal(d.allowed, allowed);
      if (!d.allowed) assert.ok(d.needed.length > 0 && d.reason.length > 0, 'a refusal names the role needed and why');
    });
  }

  it('a refusal to pause names the program admin role', () => {
    const d = authorize(member, 'pause-location', '4100001');
    assert.equal(d.allowed, false);
    if (!d.allowed) assert.match(d.needed, /program admin/);
  });

  it('lists each location once, admin winning over member', () => {
    assert.deepEqual(locationsOf(multi), [
      { mpnId: '4100001', role: 'member' },
      { mpnId: '4200001', role: 'admin' },
    ]);
    assert.deepEqual(locationsOf(guest), []);
  });
});
