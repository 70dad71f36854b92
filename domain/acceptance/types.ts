import type { QuarterScheme } from './quarters.ts';

/** The answers a location can give to an offer; `expired` means no answer came in time. */
export type AnswerType = 'accepted' | 'declined' | 'expired';

export type AcceptanceEventType = 'offered' | AnswerType;

export const ACCEPTANCE_EVENT_TYPES = ['offered', 'accepted', 'declined', 'expired'] as const satisfies readonly AcceptanceEventType[];

/** One event of the acceptance contract's input. */
export interface AcceptanceEvent {
  readonly type: AcceptanceEventType;
  readonly referralId: string;
  readonly mpnId: string;
  /** ISO 8601 instant; see `parseInstant` for the accepted forms. */
  readonly at: string;
}

/**
 * Any event of the store's log. Only the four acceptance types are read; others (`paused`,
 * `resumed`, …) are skipped, so the store can pass its whole log without filtering it first.
 */
export interface LoggedEvent {
  readonly type: string;
  readonly referralId?: string | undefined;
  /**
   * The part of the referral this event is about, when the log knows it (the store's log does).
   * Offers are then keyed by part, so a location that receives two parts of one referral (a
   * reassigned part can go to a location holding another) answers each on its own. Contract input
   * has no parts: one offer per referral and MPN ID.
   */
  readonly assignmentId?: string | undefined;
  readonly mpnId?: string | undefined;
  readonly at: string;
}

/** What to compute. `quarters` and `target` default as the contract says (fiscal-july, 0.8). */
export interface AcceptanceQuery {
  /** ISO 8601 instant; echoed unchanged in the report. */
  readonly asOf: string;
  readonly quarters?: QuarterScheme | undefined;
  readonly target?: number | undefined;
  readonly events: Iterable<LoggedEvent>;
}

/** One row of the report: one location in one quarter, with the contract's field order. */
export interface AcceptanceRow {
  readonly mpnId: string;
  readonly quarter: string;
  readonly offered: number;
  readonly accepted: number;
  readonly declined: number;
  readonly expired: number;
  readonly pending: number;
  readonly rate: number | null;
  readonly meetsTarget: boolean | null;
  readonly acceptNeeded: number | null;
}

export interface AcceptanceReport {
  readonly asOf: string;
  readonly rates: readonly AcceptanceRow[];
}
