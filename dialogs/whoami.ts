import { audiencesOf, type Audience } from '../domain/access/audience.ts';
import { isOperations, locationsOf, type Principal } from '../domain/access/policy.ts';
import type { ProgramReadModel } from '../domain/referrals/repository.ts';

/** Who the bot thinks the caller is, from the activity's identity and the server's records. */
export interface WhoAmIReply {
  readonly kind: 'whoami';
  /** The name in the bot's records; null when the bot does not know the user. */
  readonly name: string | null;
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly operations: boolean;
  readonly locations: ReadonlyArray<{ readonly mpnId: string; readonly name: string; readonly role: 'member' | 'admin' }>;
  readonly audiences: ReadonlySet<Audience>;
}

/** `whoami`: anyone may ask; it shows only the caller's own records. */
export function whoAmI(p: Principal, read: ProgramReadModel): WhoAmIReply {
  return {
    kind: 'whoami',
    name: p.user?.name ?? null,
    tenantId: p.tenantId,
    aadObjectId: p.aadObjectId,
    operations: isOperations(p),
    locations: locationsOf(p).map((l) => ({ mpnId: l.mpnId, name: read.location(l.mpnId)?.name ?? `MPN ID ${l.mpnId}`, role: l.role })),
    audiences: audiencesOf(p),
  };
}
