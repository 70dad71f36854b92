import { intentsOf } from '../../domain/notifications/intents.ts';
import { recipientsFor, type RecipientDirectory } from '../../domain/notifications/recipients.ts';
import type { ScheduledNotice } from '../../domain/notifications/schedule.ts';
import {
  outboxKey,
  type ChannelSubscription,
  type ConversationRef,
  type NotificationIntent,
  type OutboxEntry,
} from '../../domain/notifications/types.ts';
import type { ProgramEvent, Role } from '../../domain/referrals/types.ts';
import { changesTo } from './change-builders.ts';
import type { JsonStore } from './json-store.ts';
import type { Change } from './journal-change.ts';
import type { LowdbProgramRepository } from './program-repository.ts';
import type { StoreData } from './schema.ts';

const change = changesTo<StoreData>();

const OPEN: ReadonlySet<OutboxEntry['state']> = new Set(['pending', 'sending']);
/** States operations can see in the dead-letter list and send again. */
export const FAILED_STATES: ReadonlySet<OutboxEntry['state']> = new Set(['dead', 'unconfirmed', 'undeliverable']);

function subscriptionKey(mpnId: string, conversationId: string): string {
  return `${mpnId}|${conversationId}`;
}

/** Who holds which role where, rebuilt when the users change. */
class RoleIndex {
  private byRole = new Map<string, Array<{ tenantId: string; aadObjectId: string }>>();
  private version = -1;

  get(users: StoreData['users'], version: number, mpnId: string, role: Role): ReadonlyArray<{ tenantId: string; aadObjectId: string }> {
    if (version !== this.version) {
      this.byRole = new Map();
      for (const u of users) {
        for (const r of u.roles) {
          if (r.mpnId === null) continue;
          const k = `${r.mpnId}|${r.role}`;
          const list = this.byRole.get(k) ?? [];
          list.push({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });
          this.byRole.set(k, list);
        }
      }
      this.version = version;
    }
    return this.byRole.get(`${mpnId}|${role}`) ?? [];
  }
}

/**
 * Where notifications go and what is still to send, in the lowdb store: conversation references,
 * channel subscriptions, the outbox and the marks of scheduled work done.
 *
 * Notifications caused by program events are planned inside the event's own transaction (see
 * {@link LowdbProgramRepository.onEvents}), so an event is never on disk without them.
 */
export class LowdbOutbox {
  private queues = new Map<string, string[]>();
  private readonly roles = new RoleIndex();
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly store: JsonStore<StoreData>,
    private readonly repository: LowdbProgramRepository,
    private readonly now: () => Date,
  ) {
    this.rebuildQueues(store.data);
    store.onReload((data) => {
      this.rebuildQueues(data);
      this.changedDirectory();
    });
    repository.onEvents((events, data) => this.planEvents(events, data));
  }

  /** Called (soon after, never inside the store update) when new notifications were queued. */
  onQueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  private rebuildQueues(data: Readonly<StoreData>): void {
    this.queues = new Map();
    // The record keeps insertion order (its keys are never integer-like), and the sort is stable:
    // entries created in the same millisecond keep the order they were planned in.
    const open = Object.values(data.outbox)
      .filter((e) => OPEN.has(e.state))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const e of open) this.enqueueKey(e.conversationId, e.key);
  }

  private enqueueKey(conversationId: string, key: string): void {
    const q = this.queues.get(conversationId);
    if (q === undefined) this.queues.set(conversationId, [key]);
    else q.push(key);
  }

  private notify(): void {
    if (this.listeners.length === 0) return;
    setImmediate(() => {
      for (const l of this.listeners) l();
    });
  }

  /**
   * Subscriptions by location and personal chats by user, rebuilt after this class changes either
   * (it is their only writer) or the store reloads, so planning a notification costs lookups, not
   * scans, on a big store.
   */
  private lookups: { subscriptions: Map<string, ChannelSubscription[]>; personal: Map<string, ConversationRef> } | null = null;

  private changedDirectory(): void {
    this.lookups = null;
  }

  private directory(data: Readonly<StoreData>): RecipientDirectory {
    if (this.lookups === null) {
      const subscriptions = new Map<string, ChannelSubscription[]>();
      for (const s of Object.values(data.subscriptions)) subscriptions.set(s.mpnId, [...(subscriptions.get(s.mpnId) ?? []), s]);
      const personal = new Map<string, ConversationRef>();
      for (const c of Object.values(data.conversations)) if (c.scope === 'personal' && c.userAadObjectId !== null) personal.set(`${c.tenantId}|${c.userAadObjectId}`, c);
      this.lookups = { subscriptions, personal };
    }
    const { subscriptions, personal } = this.lookups;
    return {
      subscriptionsOf: (mpnId) => subscriptions.get(mpnId) ?? [],
      conversation: (id) => data.conversations[id],
      personalChatOf: (tenantId, aadObjectId) => {
        const c = personal.get(`${tenantId}|${aadObjectId}`);
        // The map holds the reference as it was; the record holds its current active flag.
        return c === undefined ? undefined : data.conversations[c.id];
      },
      usersWithRole: (mpnId, role) => this.roles.get(data.users, this.repository.usersVersion(), mpnId, role),
    };
  }

  /** Outbox entries for `intents`, one per recipient conversation; keys already present are skipped. */
  private entriesFor(intents: readonly NotificationIntent[], data: Readonly<StoreData>): OutboxEntry[] {
    if (intents.length === 0) return [];
    const dir = this.directory(data);
    const now = this.now().toISOString();
    const out: OutboxEntry[] = [];
    for (const intent of intents) {
      for (const to of recipientsFor(intent.mpnId, dir)) {
        const key = outboxKey(intent.sourceId, to.id);
        if (data.outbox[key] !== undefined) continue;
        out.push({
          key,
          sourceId: intent.sourceId,
          mpnId: intent.mpnId,
          conversationId: to.id,
          data: intent.data,
          createdAt: now,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          doneAt: null,
        });
      }
    }
    return out;
  }

  private planned(entries: readonly OutboxEntry[]): Change[] {
    for (const e of entries) this.enqueueKey(e.conversationId, e.key);
    if (entries.length > 0) this.notify();
    return entries.map((e) => change.setEntry('outbox', e.key, e));
  }

  private planEvents(events: readonly ProgramEvent[], data: Readonly<StoreData>): Change[] {
    return this.planned(this.entriesFor(intentsOf(events), data));
  }

  /**
   * Queues scheduled notifications and records their marks in one update, so the work is done
   * once: after a crash either both are on disk or neither.
   */
  enqueueScheduled(work: readonly ScheduledNotice[]): Promise<number> {
    if (work.length === 0) return Promise.resolve(0);
    return this.store.update((data) => {
      const nowMs = this.now().getTime();
      const fresh = work.filter((w) => {
        const done = data.notificationMarks[w.mark];
        return done === undefined || (w.repeatAfterMs !== null && nowMs - Date.parse(done) >= w.repeatAfterMs);
      });
      const entries = this.entriesFor(
        fresh.map((w) => w.intent),
        data,
      );
      // Work with nobody to tell yet stays unmarked: a program admin who installs the bot
      // tomorrow still gets this week's alert.
      const told = new Set(entries.map((e) => e.sourceId));
      const at = this.now().toISOString();
      const marks = fresh.filter((w) => told.has(w.intent.sourceId)).map((w) => change.setEntry('notificationMarks', w.mark, at));
      return { result: entries.length, changes: [...marks, ...this.planned(entries)] };
    });
  }

  mark(mark: string): string | undefined {
    return this.store.data.notificationMarks[mark];
  }

  // Conversations ------------------------------------------------------------------------------

  conversation(id: string): ConversationRef | undefined {
    return this.store.data.conversations[id];
  }

  /**
   * Stores or refreshes a conversation the bot was installed in or spoken to in. No write when
   * nothing changed, so calling it on every message costs a lookup.
   */
  async remember(ref: Omit<ConversationRef, 'installedAt' | 'active' | 'inactiveReason'>): Promise<void> {
    const known = this.conversation(ref.id);
    if (
      known !== undefined &&
      known.active &&
      known.serviceUrl === ref.serviceUrl &&
      known.tenantId === ref.tenantId &&
      known.scope === ref.scope &&
      known.userAadObjectId === ref.userAadObjectId
    ) {
      return;
    }
    const installedAt = known?.installedAt ?? this.now().toISOString();
    await this.store.update(() => {
      this.changedDirectory();
      return { result: undefined, changes: [change.setEntry('conversations', ref.id, { ...ref, installedAt, active: true, inactiveReason: null })] };
    });
  }

  /**
   * The bot was removed: the conversation, its subscriptions and its unsent notifications go.
   * Removing the bot from a team is one event (in the team's General channel) for all of the
   * team's channels, so with a `teamId` every channel of that team goes too.
   */
  forget(conversationId: string, reason: string, teamId: string | null = null): Promise<void> {
    return this.store.update((data) => {
      this.changedDirectory();
      const gone = new Set([conversationId]);
      if (teamId !== null) for (const c of Object.values(data.conversations)) if (c.teamId === teamId) gone.add(c.id);
      const changes: Change[] = [];
      for (const id of gone) {
        if (data.conversations[id] !== undefined) changes.push(change.unsetEntry('conversations', id));
        changes.push(...this.closeOpen(data, id, reason));
      }
      for (const [k, s] of Object.entries(data.subscriptions)) if (gone.has(s.conversationId)) changes.push(change.unsetEntry('subscriptions', k));
      return { result: undefined, changes };
    });
  }

  /** Teams refused the conversation (403/404): stop sending there until it speaks to the bot again. */
  markInactive(conversationId: string, reason: string): Promise<void> {
    return this.store.update((data) => {
      const c = data.conversations[conversationId];
      const changes: Change[] = c === undefined ? [] : [change.setEntry('conversations', conversationId, { ...c, active: false, inactiveReason: reason })];
      changes.push(...this.closeOpen(data, conversationId, reason));
      return { result: undefined, changes };
    });
  }

  private closeOpen(data: Readonly<StoreData>, conversationId: string, reason: string): Change[] {
    const at = this.now().toISOString();
    const keys = this.queues.get(conversationId) ?? [];
    const changes: Change[] = [];
    for (const key of keys) {
      const e = data.outbox[key];
      if (e === undefined || !OPEN.has(e.state)) continue;
      changes.push(change.setEntry('outbox', key, { ...e, state: 'undeliverable', lastError: reason, doneAt: at }));
    }
    this.queues.delete(conversationId);
    return changes;
  }

  // Subscriptions ------------------------------------------------------------------------------

  subscriptionsIn(conversationId: string): ChannelSubscription[] {
    return Object.values(this.store.data.subscriptions).filter((s) => s.conversationId === conversationId);
  }

  /** Returns false when the channel was already subscribed to the location. */
  subscribe(mpnId: string, conversationId: string, by: string): Promise<boolean> {
    return this.store.update((data) => {
      const key = subscriptionKey(mpnId, conversationId);
      if (data.subscriptions[key] !== undefined) return { result: false, changes: [] };
      const s: ChannelSubscription = { mpnId, conversationId, by, at: this.now().toISOString() };
      this.changedDirectory();
      return { result: true, changes: [change.setEntry('subscriptions', key, s)] };
    });
  }

  /** Removes the channel's subscriptions to `mpnIds`; returns those that existed. */
  unsubscribe(conversationId: string, mpnIds: readonly string[]): Promise<string[]> {
    return this.store.update((data) => {
      const gone = mpnIds.filter((m) => data.subscriptions[subscriptionKey(m, conversationId)] !== undefined);
      this.changedDirectory();
      return { result: gone, changes: gone.map((m) => change.unsetEntry('subscriptions', subscriptionKey(m, conversationId))) };
    });
  }

  // The worker's side --------------------------------------------------------------------------

  entry(key: string): OutboxEntry | undefined {
    return this.store.data.outbox[key];
  }

  /** Conversations with something open, each with its queue in order (oldest first). */
  openQueues(): ReadonlyMap<string, readonly string[]> {
    return this.queues;
  }

  /** Drops a finished or vanished entry from the head of its conversation's queue. */
  dropHead(conversationId: string, key: string): void {
    const q = this.queues.get(conversationId);
    if (q === undefined) return;
    const at = q.indexOf(key);
    if (at >= 0) q.splice(at, 1);
    if (q.length === 0) this.queues.delete(conversationId);
  }

  /** Moves a conversation to the back of the round, so every conversation gets its turn. */
  rotate(conversationId: string): void {
    const q = this.queues.get(conversationId);
    if (q === undefined) return;
    this.queues.delete(conversationId);
    this.queues.set(conversationId, q);
  }

  private setState(key: string, patch: (e: OutboxEntry) => OutboxEntry | undefined): Promise<OutboxEntry | undefined> {
    return this.store.update((data) => {
      const e = data.outbox[key];
      const next = e === undefined ? undefined : patch(e);
      return { result: next, changes: next === undefined ? [] : [change.setEntry('outbox', key, next)] };
    });
  }

  /**
   * Marks a pending entry as being sent, on disk, before the request leaves: after a crash the
   * entry is known to have maybe been sent, and is not sent again blindly.
   */
  claim(key: string): Promise<OutboxEntry | undefined> {
    return this.setState(key, (e) => (e.state === 'pending' ? { ...e, state: 'sending', attempts: e.attempts + 1 } : undefined));
  }

  /** Ends an entry; `attempts` corrects the count when the attempt failed before its claim. */
  settle(key: string, state: 'sent' | 'dead' | 'unconfirmed', reason: string | null, attempts?: number): Promise<OutboxEntry | undefined> {
    const at = this.now().toISOString();
    return this.setState(key, (e) => ({ ...e, state, lastError: reason ?? e.lastError, doneAt: at, attempts: attempts ?? e.attempts }));
  }

  retryAt(key: string, at: Date, reason: string, attempts?: number): Promise<OutboxEntry | undefined> {
    return this.setState(key, (e) => ({ ...e, state: 'pending', nextAttemptAt: at.toISOString(), lastError: reason, attempts: attempts ?? e.attempts }));
  }

  /**
   * At start-up: an entry still `sending` was in flight when the process died. Teams may have
   * posted it, so it becomes `unconfirmed` for operations to judge, instead of being sent twice.
   */
  recoverInFlight(): Promise<number> {
    return this.store.update((data) => {
      const at = this.now().toISOString();
      const stuck = Object.values(data.outbox).filter((e) => e.state === 'sending');
      for (const e of stuck) this.dropHead(e.conversationId, e.key);
      return {
        result: stuck.length,
        changes: stuck.map((e) => change.setEntry('outbox', e.key, { ...e, state: 'unconfirmed', lastError: 'the bot stopped while this was being sent', doneAt: at })),
      };
    });
  }

  /** Notifications that were not delivered, newest first. */
  failed(): OutboxEntry[] {
    return Object.values(this.store.data.outbox)
      .filter((e) => FAILED_STATES.has(e.state))
      .sort((a, b) => (b.doneAt ?? '').localeCompare(a.doneAt ?? '') || a.key.localeCompare(b.key));
  }

  /**
   * The notifications a location was sent or is being sent, newest first, one per notification
   * (not per recipient): sent if any recipient got it.
   */
  recentFor(mpnId: string, limit: number): OutboxEntry[] {
    const bySource = new Map<string, OutboxEntry>();
    for (const e of Object.values(this.store.data.outbox)) {
      if (e.mpnId !== mpnId) continue;
      const seen = bySource.get(e.sourceId);
      if (seen === undefined || (seen.state !== 'sent' && e.state === 'sent')) bySource.set(e.sourceId, e);
    }
    return [...bySource.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  /** Counts by state, for health and operations. */
  counts(): Record<OutboxEntry['state'], number> {
    const counts = { pending: 0, sending: 0, sent: 0, dead: 0, unconfirmed: 0, undeliverable: 0 };
    for (const e of Object.values(this.store.data.outbox)) counts[e.state]++;
    return counts;
  }

  /**
   * Operations send failed notifications again (all, or those with the given keys). An entry whose
   * conversation is still inactive stays as it is. Returns the keys queued.
   */
  retry(keys: readonly string[] | 'all'): Promise<string[]> {
    return this.store.update((data) => {
      const now = this.now().toISOString();
      const chosen = (keys === 'all' ? Object.keys(data.outbox) : keys).flatMap((k) => data.outbox[k] ?? []);
      const again = chosen.filter((e) => FAILED_STATES.has(e.state) && data.conversations[e.conversationId]?.active === true);
      for (const e of again) this.enqueueKey(e.conversationId, e.key);
      if (again.length > 0) this.notify();
      return {
        result: again.map((e) => e.key),
        changes: again.map((e) => change.setEntry('outbox', e.key, { ...e, state: 'pending', attempts: 0, nextAttemptAt: now, doneAt: null })),
      };
    });
  }
}
