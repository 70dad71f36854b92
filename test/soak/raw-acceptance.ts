import type { AcceptanceRow } from '../../domain/acceptance/index.ts';
import type { ProgramEvent } from '../../domain/referrals/types.ts';

/**
 * The acceptance figures of the current quarter, counted by hand from the raw events on disk with
 * the contract's rules (shared/contracts/acceptance.md), deliberately sharing no code with
 * domain/acceptance (only the row's type): a bug there cannot hide in a comparison against itself.
 */
export type RawRow = Pick<AcceptanceRow, 'mpnId' | 'offered' | 'accepted' | 'declined' | 'expired' | 'pending' | 'rate'>;

/** `FY27-Q2` for October to December 2026: Microsoft's fiscal year starts on 1 July. */
export function fiscalJulyLabel(at: Date): string {
  const month = at.getUTCMonth();
  const fiscalYear = at.getUTCFullYear() + (month >= 6 ? 1 : 0);
  return `FY${String(fiscalYear % 100).padStart(2, '0')}-Q${Math.floor(((month + 6) % 12) / 3) + 1}`;
}

/**
 * Every location's row for the quarter holding `asOf`. Fiscal quarters begin with calendar ones, so
 * the quarter starts on the first day of `asOf`'s calendar quarter. An offer is one part offered to
 * one location, counted in the quarter of its `offered` time; answers after `asOf` are ignored; a
 * part that operations moved while it was still offered is withdrawn and counts neither way.
 */
export function rawCurrentQuarter(events: readonly ProgramEvent[], asOf: Date): RawRow[] {
  const from = Date.UTC(asOf.getUTCFullYear(), Math.floor(asOf.getUTCMonth() / 3) * 3, 1);
  const until = asOf.getTime();
  const withdrawn = new Set(events.flatMap((e) => (e.type === 'reassigned' && e.previousState === 'offered' ? [`${e.referralId}/${e.assignmentId}`] : [])));
  const offers = new Map<string, { mpnId: string; answer: 'accepted' | 'declined' | 'expired' | null }>();
  for (const e of events) {
    if (e.type !== 'offered' || withdrawn.has(`${e.referralId}/${e.assignmentId}`)) continue;
    const at = Date.parse(e.at);
    if (at >= from && at <= until) offers.set(`${e.referralId}/${e.assignmentId}|${e.mpnId}`, { mpnId: e.mpnId, answer: null });
  }
  for (const e of events) {
    if ((e.type === 'accepted' || e.type === 'declined' || e.type === 'expired') && Date.parse(e.at) <= until) {
      const offer = offers.get(`${e.referralId}/${e.assignmentId}|${e.mpnId}`);
      if (offer !== undefined) offer.answer = e.type;
    }
  }
  const rows = new Map<string, { offered: number; accepted: number; declined: number; expired: number }>();
  for (const { mpnId, answer } of offers.values()) {
    const row = rows.get(mpnId) ?? { offered: 0, accepted: 0, declined: 0, expired: 0 };
    row.offered++;
    if (answer !== null) row[answer]++;
    rows.set(mpnId, row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([mpnId, r]) => {
      const settled = r.accepted + r.declined + r.expired;
      return { mpnId, ...r, pending: r.offered - settled, rate: settled === 0 ? null : Math.round((r.accepted / settled) * 10_000) / 10_000 };
    });
}
