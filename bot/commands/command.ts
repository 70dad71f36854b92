import type { Principal } from '../../domain/access/policy.ts';
import type { Caller, FaqConversation } from '../../dialogs/conversation.ts';
import type { FollowUps } from '../../dialogs/follow-up.ts';
import type { OpsCommands } from '../../dialogs/ops-commands.ts';
import type { OutboxCommands } from '../../dialogs/outbox-commands.ts';
import type { ReferralCommands } from '../../dialogs/referral-commands.ts';
import type { SubscriptionCommands } from '../../dialogs/subscription-commands.ts';
import type { ProgramReadModel } from '../../domain/referrals/repository.ts';
import type { AdaptiveCard } from '../cards/adaptive.ts';
import type { Names } from '../names.ts';
import type { Audience } from '../../domain/access/audience.ts';

/** What the bot shows: a card, or a line of markdown text. */
export type Shown = AdaptiveCard | string;

/** One typed command, as the bot saw it: the text and who sent it, from the activity. */
export interface CommandTurn {
  readonly text: string;
  readonly principal: Principal;
  readonly caller: Caller;
  /** The conversation as the bot stores it (a channel, not a thread); '' when it cannot be stored. */
  readonly conversationId: string;
  readonly audiences: ReadonlySet<Audience>;
}

/** The services the commands' handlers and renderers use, wired once by the composition root. */
export interface CommandServices {
  readonly partner: ReferralCommands;
  readonly ops: OpsCommands;
  readonly subscriptions: SubscriptionCommands;
  readonly outbox: OutboxCommands;
  /** The program as stored now, for handlers that only read it. */
  readonly read: () => ProgramReadModel;
  readonly faq: FaqConversation;
  readonly followUps: FollowUps;
  readonly names: Names;
  readonly now: () => Date;
  /** The whole table, for the commands that describe the others (help, whoami). */
  readonly commands: readonly Command[];
}

/** What help says about a command. */
export interface CommandHelp {
  /** What to type, with placeholders in angle brackets: `accept R-1035`, `role grant <email> …`. */
  readonly usage: string;
  readonly description: string;
}

/**
 * One command: everything about it in one entry. `who` says whom help offers it to; whether a
 * caller may really run it is decided by the handler, from the server's records.
 */
export interface CommandSpec<R> {
  /** The routing label's name: the router reports `cmd:<name>`. */
  readonly name: string;
  /**
   * The exact typed forms, checked before the router's statistics so "pending" never abstains.
   * `words` are the message's lower-cased words ("R-1042" arrives as `r`, `1042`).
   */
  readonly typed: (words: readonly string[], raw: string) => boolean;
  /** Everyday phrasings the router learns for this command. */
  readonly examples: readonly string[];
  readonly who: readonly Audience[];
  readonly help: CommandHelp;
  readonly handle: (turn: CommandTurn, s: CommandServices) => R | Promise<R>;
  readonly render: (reply: R, s: CommandServices) => Shown;
}

/** A command with its reply type closed over, so the table can hold every command in one list. */
export interface Command {
  readonly name: string;
  readonly typed: CommandSpec<unknown>['typed'];
  readonly examples: readonly string[];
  readonly who: readonly Audience[];
  readonly help: CommandHelp;
  run(turn: CommandTurn, s: CommandServices): Promise<Shown>;
}

export function command<R>(spec: CommandSpec<R>): Command {
  const { handle, render, ...rest } = spec;
  return { ...rest, run: async (turn, s) => render(await handle(turn, s), s) };
}

/** Words after the first, joined: ` 4100001 page 2`, or '' for a bare command word. */
export function rest(w: readonly string[]): string {
  return w.length <= 1 ? '' : ` ${w.slice(1).join(' ')}`;
}

/** The command word alone, or followed by a referral id (`accept R-1035` arrives as `accept r 1035`). */
export function withReferralId(word: string): (w: readonly string[]) => boolean {
  return (w) => w[0] === word && (w.length === 1 || (w.length === 3 && /^[a-z]$/.test(w[1] ?? '')));
}
