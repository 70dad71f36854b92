import type { Role } from '../domain/referrals/types.ts';

/** `reassign <id> [from <mpnId>] [to] <mpnId|auto>`, as operations type it. */
export interface ReassignRequest {
  readonly referralId: string;
  /** The holder whose part moves; needed only when the referral has several movable parts. */
  readonly from: string | null;
  /** An MPN ID, or `auto` for matching's choice. */
  readonly target: string;
}

/** `role grant|revoke <aadObjectId> <member|admin|operations> [mpnId]`. */
export interface RoleRequest {
  readonly verb: 'grant' | 'revoke';
  readonly aadObjectId: string;
  readonly role: Role;
  readonly mpnId: string | null;
}

/** Shown when `reassign` does not follow the syntax, so operations learn it from the bot. */
export const REASSIGN_USAGE =
  'To move a referral part: **reassign R-1001 4100003** sends it to that location (MPN ID), **reassign R-1001 auto** lets matching choose, ' +
  'leaving out the current holder and every location that declined it. When the referral has more than one part that can be moved, say whose: ' +
  '**reassign R-1001 from 4100001 to auto**. Offered and accepted parts can be moved.';

/** Shown when `role` does not follow the syntax. */
export const ROLE_USAGE =
  'To give or take a role: **role grant <AAD object id> member 4100001**, **role grant <AAD object id> admin 4100001**, ' +
  '**role grant <AAD object id> operations** (no MPN ID), and the same with **role revoke**. The user is looked up in your tenant.';

const ROLES: readonly Role[] = ['member', 'admin', 'operations'];
const REASSIGN = /^\s*reassign\s+(R-\d+)\s+(?:from\s+(\d{5,10})\s+)?(?:to\s+)?(auto|\d{5,10})\s*$/i;
// AAD object ids are GUIDs; the Playground's test users use a longer last group, so the pattern is loose.
const ROLE = /^\s*role\s+(grant|revoke)\s+([0-9a-z][0-9a-z-]{2,63})\s+(member|admin|operations)(?:\s+(\d{5,10}))?\s*$/i;

/** The parsed request, or null when the text does not follow the syntax (show the usage). */
export function parseReassign(text: string): ReassignRequest | null {
  const m = REASSIGN.exec(text);
  if (m === null) return null;
  return { referralId: (m[1] ?? '').toUpperCase(), from: m[2] ?? null, target: (m[3] ?? '').toLowerCase() };
}

/** The parsed role change, or null when the text does not follow the syntax (show the usage). */
export function parseRole(text: string): RoleRequest | null {
  const m = ROLE.exec(text);
  const role = ROLES.find((r) => r === m?.[3]?.toLowerCase());
  if (m === null || role === undefined) return null;
  return {
    verb: m[1]?.toLowerCase() === 'grant' ? 'grant' : 'revoke',
    // Teams sends AAD object ids in lower case; a GUID pasted in upper case is the same user.
    aadObjectId: (m[2] ?? '').toLowerCase(),
    role,
    mpnId: m[4] ?? null,
  };
}
