import { DomainError } from '../errors.ts';
import type { ProgramRepository } from '../referrals/repository.ts';
import type { Role, UserRecord } from '../referrals/types.ts';

/** Whose roles change: a user of one tenant, by AAD object id. */
export interface RoleSubject {
  readonly tenantId: string;
  readonly aadObjectId: string;
}

/** What a grant or revoke did, for the reply and the audit log. */
export interface RoleChange {
  readonly user: UserRecord;
  /** True when the grant created the user record. */
  readonly created: boolean;
  /** The location role a grant replaced (a member made admin, or the reverse), else null. */
  readonly replaced: Role | null;
}

/**
 * Operations is a program role, the others belong to one location: checked here so that every
 * surface (bot, a future admin page) refuses the same way.
 */
function checkScope(role: Role, mpnId: string | null, hasLocation: (mpnId: string) => boolean): void {
  if (role === 'operations') {
    if (mpnId !== null) throw new DomainError('role.operations-has-no-location', 'The operations role is not tied to a location: leave the MPN ID out.', { mpnId });
    return;
  }
  if (mpnId === null) throw new DomainError('role.location-required', `The ${role} role belongs to one location: add its MPN ID.`, { role });
  if (!hasLocation(mpnId)) throw new DomainError('role.unknown-location', `There is no location with MPN ID ${mpnId}.`, { mpnId });
}

/**
 * Gives and takes roles in the store's users, the only source of rights. A user holds at most one
 * location role per location (granting admin to a member replaces member), and operations at most
 * once. Nobody may revoke their own operations role, so operations cannot lock themselves out by
 * mistake; another operations user can.
 */
export class RoleAdmin {
  constructor(private readonly repo: ProgramRepository) {}

  /** Grants `role` (at `mpnId` for member and admin); a new user is recorded under its id as name. */
  grant(subject: RoleSubject, role: Role, mpnId: string | null): Promise<RoleChange> {
    return this.repo.transaction((tx) => {
      checkScope(role, mpnId, (m) => tx.location(m) !== undefined);
      const existing = tx.user(subject.tenantId, subject.aadObjectId);
      const user: UserRecord = existing ?? { tenantId: subject.tenantId, aadObjectId: subject.aadObjectId, name: subject.aadObjectId, roles: [] };
      const same = user.roles.find((r) => r.mpnId === mpnId && (role === 'operations' ? r.role === 'operations' : r.role !== 'operations'));
      if (same?.role === role) {
        throw new DomainError('role.already-held', `${user.name} already has the ${role} role${mpnId === null ? '' : ` at ${mpnId}`}.`, { name: user.name, role, mpnId });
      }
      const roles = [...user.roles.filter((r) => r !== same), { role, mpnId }];
      const updated: UserRecord = { ...user, roles };
      tx.putUser(updated);
      return { user: updated, created: existing === undefined, replaced: same?.role ?? null };
    });
  }

  /** Takes `role` away; `actor` is the caller, who may not drop their own operations role. */
  revoke(subject: RoleSubject, role: Role, mpnId: string | null, actor: RoleSubject): Promise<RoleChange> {
    return this.repo.transaction((tx) => {
      if (role === 'operations' && actor.tenantId === subject.tenantId && actor.aadObjectId === subject.aadObjectId) {
        throw new DomainError('role.self-revoke', 'You cannot revoke your own operations role; ask another FastTrack operations user to do it.', {});
      }
      checkScope(role, mpnId, () => true);
      const user = tx.user(subject.tenantId, subject.aadObjectId);
      const held = user?.roles.find((r) => r.role === role && r.mpnId === mpnId);
      if (user === undefined || held === undefined) {
        const who = user?.name ?? subject.aadObjectId;
        throw new DomainError('role.not-held', `${who} does not have the ${role} role${mpnId === null ? '' : ` at ${mpnId}`}, so there is nothing to revoke.`, { name: who, role, mpnId });
      }
      const updated: UserRecord = { ...user, roles: user.roles.filter((r) => r !== held) };
      tx.putUser(updated);
      return { user: updated, created: false, replaced: null };
    });
  }
}
