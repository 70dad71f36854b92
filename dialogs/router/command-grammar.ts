import { words } from './text-features.ts';

/**
 * Typed commands, recognised exactly before any statistics run, so "help" never turns into a
 * topic and "pending" never abstains. A command word must start the message; "helpful" is not
 * "help".
 */
const EXACT: ReadonlyArray<{ readonly name: string; readonly match: (w: readonly string[]) => boolean }> = [
  { name: 'help', match: (w) => w.length === 1 && ['help', 'commands', 'menu'].includes(w[0] ?? '') },
  { name: 'pending', match: (w) => w[0] === 'pending' && /^( \d{5,10})?( page \d+)?$/.test(rest(w)) },
  {
    name: 'acceptance-rate',
    match: (w) => w[0] === 'acceptance' && w[1] === 'rate' && w.length <= 6,
  },
  { name: 'pause', match: (w) => w[0] === 'pause' && (w.length === 1 || ['for', 'until', 'till', 'referrals'].includes(w[1] ?? '') || /^\d{5,10}$/.test(w[1] ?? '')) },
  { name: 'resume', match: (w) => (w[0] === 'resume' || w[0] === 'unpause') && /^( referrals)?( \d{5,10})?$/.test(rest(w)) },
  { name: 'status', match: (w) => w[0] === 'status' && /^( \d{5,10})?$/.test(rest(w)) },
  // The bare word too (the app's command menu sends it): the command then asks which referral.
  { name: 'accept', match: (w) => w[0] === 'accept' && (w.length === 1 || (w.length === 3 && /^[a-z]$/.test(w[1] ?? ''))) },
  { name: 'decline', match: (w) => w[0] === 'decline' && (w.length === 1 || (w.length >= 3 && /^[a-z]$/.test(w[1] ?? ''))) },
  { name: 'referral', match: (w) => w[0] === 'referral' && (w.length === 1 || (w.length === 3 && /^[a-z]$/.test(w[1] ?? ''))) },
  { name: 'explain', match: (w) => w[0] === 'explain' && (w.length === 1 || (w.length === 3 && /^[a-z]$/.test(w[1] ?? ''))) },
  { name: 'reassign', match: (w) => w[0] === 'reassign' && w.length >= 3 },
  { name: 'unanswered', match: (w) => w[0] === 'unanswered' && w.length <= 2 },
  { name: 'role', match: (w) => w[0] === 'role' && (w[1] === 'grant' || w[1] === 'revoke') },
  { name: 'subscribe', match: (w) => w[0] === 'subscribe' && w.length <= 2 },
  { name: 'unsubscribe', match: (w) => w[0] === 'unsubscribe' && w.length <= 2 },
  { name: 'notifications', match: (w) => w[0] === 'notifications' && (w.length === 1 || (w.length === 2 && ['failed', 'retry'].includes(w[1] ?? ''))) },
];

function rest(w: readonly string[]): string {
  return w.length <= 1 ? '' : ` ${w.slice(1).join(' ')}`;
}

/** The command a message spells out literally, or undefined. Ids like "R-1042" arrive as "r 1042". */
export function exactCommand(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '?') return 'help';
  const w = words(trimmed);
  if (w.length === 0) return undefined;
  return EXACT.find((c) => c.match(w))?.name;
}
