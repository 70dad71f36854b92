import type {
  LocationRecord,
  PartnerRecord,
  ProgramEvent,
  Referral,
  UserRecord,
} from '../../domain/referrals/types.ts';
import type { ProgramReadModel, ProgramRepository, ProgramTx } from '../../domain/referrals/repository.ts';
import { changesTo } from './change-builders.ts';
import type { JsonStore } from './json-store.ts';
import type { Change } from './journal-change.ts';
import type { StoreData } from './schema.ts';

type Stored<T> = T extends ReadonlyArray<infer U> ? U : never;

function userKey(tenantId: string, aadObjectId: string): string {
  return `${tenantId}|${aadObjectId}`;
}

/** Positions of records in the store's arrays, so a lookup or replace is O(1) on a big file. */
class Indexes {
  readonly partner = new Map<string, number>();
  readonly location = new Map<string, number>();
  readonly referral = new Map<string, number>();
  readonly byLocation = new Map<string, Set<string>>();
  readonly user = new Map<string, number>();

  constructor(data: Readonly<StoreData>) {
    data.partners.forEach((p, i) => this.partner.set(p.partnerId, i));
    data.locations.forEach((l, i) => this.location.set(l.mpnId, i));
    data.referrals.forEach((r, i) => {
      this.referral.set(r.id, i);
      this.linkReferral(r);
    });
    data.users.forEach((u, i) => this.user.set(userKey(u.tenantId, u.aadObjectId), i));
  }

  linkReferral(r: Referral): void {
    for (const a of r.assignments) {
      let ids = this.byLocation.get(a.mpnId);
      if (ids === undefined) {
        ids = new Set();
        this.byLocation.set(a.mpnId, ids);
      }
      ids.add(r.id);
    }
  }
}

function sameNetwork(a: LocationRecord, b: LocationRecord): boolean {
  return JSON.stringify({ ...a, referralsReceived: 0 }) === JSON.stringify({ ...b, referralsReceived: 0 });
}

/** Derives more changes from a transaction's events, for the same store update. */
export type EventSink = (events: readonly ProgramEvent[], data: Readonly<StoreData>) => Change[];

/** Builds the journal's changes for the program's collections, typed by the store's shape. */
const change = changesTo<StoreData>();

/**
 * The program's records in the lowdb store. Transactions buffer their writes and commit them as
 * one store update (one journal line), so a failing transaction writes nothing and readers never
 * see half of one.
 */
export class LowdbProgramRepository implements ProgramRepository {
  private indexes: Indexes;
  private version = 0;
  private usersVer = 0;
  private readonly eventSinks: EventSink[] = [];

  constructor(private readonly store: JsonStore<StoreData>) {
    this.indexes = new Indexes(store.data);
    store.onReload((data) => {
      this.indexes = new Indexes(data);
      this.version++;
      this.usersVer++;
    });
  }

  /**
   * Adds what `sink` derives from a transaction's events (the notification outbox) to the same
   * store update as the events, so both are on disk or neither is.
   */
  onEvents(sink: EventSink): void {
    this.eventSinks.push(sink);
  }

  /** Changes whenever a user or a role changes. */
  usersVersion(): number {
    return this.usersVer;
  }

  networkVersion(): number {
    return this.version;
  }

  read(): ProgramReadModel {
    return new CommittedView(this.store.data, this.indexes);
  }

  transaction<R>(work: (tx: ProgramTx) => R): Promise<R> {
    return this.store.update((data) => {
      const tx = new BufferedTx(new CommittedView(data, this.indexes));
      const result = work(tx);
      const changes = this.changesOf(data, tx);
      if (tx.eventsAppended.length > 0) for (const sink of this.eventSinks) changes.push(...sink(tx.eventsAppended, data));
      return { result, changes };
    });
  }

  /**
   * The transaction's puts and appends as store changes, each put aimed at the record's position
   * (new records at the end). The store applies them right after this returns, in the same tick,
   * so the indexes are moved along here; if the store cannot apply them it calls onReload, which
   * rebuilds the indexes from the data.
   */
  private changesOf(data: Readonly<StoreData>, tx: BufferedTx): Change[] {
    const changes: Change[] = [];
    const idx = this.indexes;
    const position = (map: Map<string, number>, key: string, next: () => number): number => {
      const at = map.get(key);
      if (at !== undefined) return at;
      const added = next();
      map.set(key, added);
      return added;
    };
    let partners = data.partners.length;
    for (const p of tx.partnersPut.values()) {
      changes.push(change.put('partners', position(idx.partner, p.partnerId, () => partners++), { partnerId: p.partnerId }, p as Stored<StoreData['partners']>));
      this.version++;
    }
    let locations = data.locations.length;
    for (const l of tx.locationsPut.values()) {
      const before = data.locations[idx.location.get(l.mpnId) ?? -1];
      if (before === undefined || !sameNetwork(before, l)) this.version++;
      changes.push(change.put('locations', position(idx.location, l.mpnId, () => locations++), { mpnId: l.mpnId }, l as Stored<StoreData['locations']>));
    }
    let referrals = data.referrals.length;
    for (const r of tx.referralsPut.values()) {
      changes.push(change.put('referrals', position(idx.referral, r.id, () => referrals++), { id: r.id }, r as Stored<StoreData['referrals']>));
      idx.linkReferral(r);
    }
    if (tx.eventsAppended.length > 0) changes.push(change.append('events', tx.eventsAppended as StoreData['events']));
    let users = data.users.length;
    if (tx.usersPut.size > 0) this.usersVer++;
    for (const u of tx.usersPut.values()) {
      const at = position(idx.user, userKey(u.tenantId, u.aadObjectId), () => users++);
      changes.push(change.put('users', at, { tenantId: u.tenantId, aadObjectId: u.aadObjectId }, u as Stored<StoreData['users']>));
    }
    return changes;
  }
}

class CommittedView implements ProgramReadModel {
  constructor(
    private readonly data: Readonly<StoreData>,
    private readonly idx: Indexes,
  ) {}

  partners(): readonly PartnerRecord[] {
    return this.data.partners;
  }
  partner(partnerId: string): PartnerRecord | undefined {
    const at = this.idx.partner.get(partnerId);
    return at === undefined ? undefined : this.data.partners[at];
  }
  locations(): readonly LocationRecord[] {
    return this.data.locations;
  }
  location(mpnId: string): LocationRecord | undefined {
    const at = this.idx.location.get(mpnId);
    return at === undefined ? undefined : this.data.locations[at];
  }
  referral(id: string): Referral | undefined {
    const at = this.idx.referral.get(id);
    return at === undefined ? undefined : this.data.referrals[at];
  }
  referrals(): readonly Referral[] {
    return this.data.referrals;
  }
  referralsOf(mpnId: string): readonly Referral[] {
    return [...(this.idx.byLocation.get(mpnId) ?? [])].flatMap((id) => this.referral(id) ?? []);
  }
  events(): readonly ProgramEvent[] {
    return this.data.events;
  }
  user(tenantId: string, aadObjectId: string): UserRecord | undefined {
    const at = this.idx.user.get(userKey(tenantId, aadObjectId));
    return at === undefined ? undefined : this.data.users[at];
  }
  users(): readonly UserRecord[] {
    return this.data.users;
  }
}

/** Reads see the transaction's own writes first, then the committed state. */
class BufferedTx implements ProgramTx {
  readonly partnersPut = new Map<string, PartnerRecord>();
  readonly locationsPut = new Map<string, LocationRecord>();
  readonly referralsPut = new Map<string, Referral>();
  readonly eventsAppended: ProgramEvent[] = [];
  readonly usersPut = new Map<string, UserRecord>();

  constructor(private readonly base: CommittedView) {}

  partners(): readonly PartnerRecord[] {
    return mergeBy(this.base.partners(), this.partnersPut, (p) => p.partnerId);
  }
  partner(partnerId: string): PartnerRecord | undefined {
    return this.partnersPut.get(partnerId) ?? this.base.partner(partnerId);
  }
  locations(): readonly LocationRecord[] {
    return mergeBy(this.base.locations(), this.locationsPut, (l) => l.mpnId);
  }
  location(mpnId: string): LocationRecord | undefined {
    return this.locationsPut.get(mpnId) ?? this.base.location(mpnId);
  }
  referral(id: string): Referral | undefined {
    return this.referralsPut.get(id) ?? this.base.referral(id);
  }
  referrals(): readonly Referral[] {
    return mergeBy(this.base.referrals(), this.referralsPut, (r) => r.id);
  }
  referralsOf(mpnId: string): readonly Referral[] {
    const committed = this.base.referralsOf(mpnId).map((r) => this.referralsPut.get(r.id) ?? r);
    const seen = new Set(committed.map((r) => r.id));
    // New referrals, and committed ones that this transaction gave a part at this location (a
    // reassignment), which the committed index does not list yet.
    const added = [...this.referralsPut.values()].filter((r) => !seen.has(r.id) && r.assignments.some((a) => a.mpnId === mpnId));
    return [...committed, ...added];
  }
  events(): readonly ProgramEvent[] {
    return this.eventsAppended.length === 0 ? this.base.events() : [...this.base.events(), ...this.eventsAppended];
  }
  user(tenantId: string, aadObjectId: string): UserRecord | undefined {
    return this.usersPut.get(userKey(tenantId, aadObjectId)) ?? this.base.user(tenantId, aadObjectId);
  }
  users(): readonly UserRecord[] {
    return mergeBy(this.base.users(), this.usersPut, (u) => userKey(u.tenantId, u.aadObjectId));
  }

  putPartner(partner: PartnerRecord): void {
    this.partnersPut.set(partner.partnerId, partner);
  }
  putLocation(location: LocationRecord): void {
    this.locationsPut.set(location.mpnId, location);
  }
  putReferral(referral: Referral): void {
    this.referralsPut.set(referral.id, referral);
  }
  appendEvents(events: readonly ProgramEvent[]): void {
    this.eventsAppended.push(...events);
  }
  putUser(user: UserRecord): void {
    this.usersPut.set(userKey(user.tenantId, user.aadObjectId), user);
  }
}

function mergeBy<T>(base: readonly T[], puts: ReadonlyMap<string, T>, key: (t: T) => string): readonly T[] {
  if (puts.size === 0) return base;
  const seen = new Set<string>();
  const out = base.map((item) => {
    const k = key(item);
    seen.add(k);
    return puts.get(k) ?? item;
  });
  for (const [k, v] of puts) if (!seen.has(k)) out.push(v);
  return out;
}
