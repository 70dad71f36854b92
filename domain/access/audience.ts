import { isOperations, locationsOf, type Principal } from './policy.ts';

/** Whom a command is for: the kinds of caller the server's records can make of a user. */
export type Audience = 'guest' | 'member' | 'admin' | 'operations';

/**
 * The caller's audiences, from the server's records. A guest holds no role at all; someone may be
 * both a location's admin and FastTrack operations.
 */
export function audiencesOf(p: Principal): ReadonlySet<Audience> {
  const out = new Set<Audience>();
  for (const l of locationsOf(p)) out.add(l.role);
  if (isOperations(p)) out.add('operations');
  if (out.size === 0) out.add('guest');
  return out;
}
