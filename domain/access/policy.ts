import type { Role, UserRecord } from '../referrals/types.ts';

/** Everything the bot may be asked to do that needs more than a guest's rights. */
export type Action =
  | 'view-location'
  | 'answer-offer'
  | 'pause-location'
  | 'view-any-location'
  | 'explain-match'
  | 'reassign'
  | 'list-unanswered'
  | 'manage-roles'
  /** Subscribe a channel to a location's notifications, or stop it. */
  | 'route-notifications'
  /** See and resend notifications that could not be delivered. */
  | 'manage-outbox';

/** What the server knows about the caller, looked up from tenant + AAD object id. */
export interface Principal {
  readonly tenantId: string;
  readonly aadObjectId: string;
  /** Undefined for a guest: a user the store does not know. */
  readonly user: UserRecord | undefined;
}

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly needed: string; readonly reason: string };

const LOCATION_ROLE: Readonly<Record<'view-location' | 'answer-offer' | 'pause-location' | 'route-notifications', readonly Role[]>> = {
  'view-location': ['member', 'admin'],
  'answer-offer': ['member', 'admin'],
  'pause-location': ['admin'],
  'route-notifications': ['admin'],
};

const NEEDED: Readonly<Record<Action, string>> = {
  'view-location': 'a partner member or program admin of that location',
  'answer-offer': 'a partner member or program admin of that location',
  'pause-location': 'the program admin of that location',
  'view-any-location': 'FastTrack operations',
  'explain-match': 'FastTrack operations',
  reassign: 'FastTrack operations',
  'list-unanswered': 'FastTrack operations',
  'manage-roles': 'FastTrack operations',
  'route-notifications': 'the program admin of that location',
  'manage-outbox': 'FastTrack operations',
};

export function isOperations(p: Principal): boolean {
  return p.user?.roles.some((r) => r.role === 'operations') ?? false;
}

/** The MPN IDs the caller belongs to, with its role at each (admin wins over member). */
export function locationsOf(p: Principal): Array<{ readonly mpnId: string; readonly role: 'member' | 'admin' }> {
  const byMpn = new Map<string, 'member' | 'admin'>();
  for (const r of p.user?.roles ?? []) {
    if (r.mpnId === null || r.role === 'operations') continue;
    if (byMpn.get(r.mpnId) !== 'admin') byMpn.set(r.mpnId, r.role);
  }
  return [...byMpn].map(([mpnId, role]) => ({ mpnId, role }));
}

/**
 * Decides from the server's own records whether the caller may do `action` (on `mpnId` where the
 * action is about a location). Operations staff may see and explain everything but act on a
 * partner's behalf only where the table allows it: they do not answer offers or pause locations.
 */
export function authorize(p: Principal, action: Action, mpnId?: string): Decision {
  if ((action === 'view-location' || action === 'route-notifications') && isOperations(p)) return { allowed: true };
  if (action === 'view-location' || action === 'answer-offer' || action === 'pause-location' || action === 'route-notifications') {
    const roles = LOCATION_ROLE[action];
    const held = locationsOf(p).find((l) => l.mpnId === mpnId);
    if (held !== undefined && roles.includes(held.role)) return { allowed: true };
    const reason =
      p.user === undefined
        ? 'I do not know you yet as a member of a partner location.'
        : held === undefined
          ? mpnId === undefined
            ? 'You are not registered for any partner location.'
            : `You are not registered for location ${mpnId}.`
          : `You are a ${held.role} of location ${held.mpnId}.`;
    return { allowed: false, needed: NEEDED[action], reason };
  }
  if (isOperations(p)) return { allowed: true };
  return {
    allowed: false,
    needed: NEEDED[action],
    reason: p.user === undefined ? 'I do not know you yet as FastTrack operations staff.' : 'Your account does not have the FastTrack operations role.',
  };
}
