import { isOperations, locationsOf, type Principal } from '../domain/access/policy.ts';

export type LocationChoice =
  | { readonly kind: 'chosen'; readonly mpnId: string }
  | { readonly kind: 'pick'; readonly mpnIds: readonly string[] }
  | { readonly kind: 'ask-operations' }
  | { readonly kind: 'guest' };

const MPN_ID = /\b(\d{5,10})\b/;

/** An MPN ID typed in the message, if any. */
export function mpnIdIn(text: string): string | undefined {
  return MPN_ID.exec(text)?.[1];
}

/**
 * Which location a command is about: the MPN ID typed, else the caller's only location, else a
 * picker. Whether the caller may act on it is decided afterwards, by the access policy.
 */
export function chooseLocation(principal: Principal, text: string): LocationChoice {
  const typed = mpnIdIn(text);
  if (typed !== undefined) return { kind: 'chosen', mpnId: typed };
  const mine = locationsOf(principal);
  if (mine.length === 1 && mine[0] !== undefined) return { kind: 'chosen', mpnId: mine[0].mpnId };
  if (mine.length > 1) return { kind: 'pick', mpnIds: mine.map((l) => l.mpnId) };
  return isOperations(principal) ? { kind: 'ask-operations' } : { kind: 'guest' };
}
