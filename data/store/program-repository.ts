import type {
  LocationRecord,
  PartnerRecord,
  ProgramEvent,
  Referral,
  UserRecord,
} from '../../domain/referrals/types.ts';
import type { ProgramReadModel, ProgramRepository, ProgramTx } from '../../domain/referrals/repository.ts';
import type { JsonStore } from './json-store.ts';
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

/**
 * The program's records in the lowdb file. Transactions buffer their writes and apply them in one
 * serialized store update, so a failing transaction writes nothing and readers never see half of
 * one.
 */
export class LowdbProgramRepository implements ProgramRepository {
  private indexes: Indexes;
  private version = 0;

  constructor(private readonly store: JsonStore<StoreData>) {
    this.indexes = new Indexes(store.data);
    store.onReload((data) => {
      this.indexes = new Indexes(data);
      this.version++;
    });
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
      this.apply(data, tx);
      return result;
    });
  }

  private apply(data: StoreData, tx: BufferedTx): void {
    for (const p of tx.partnersPut.values()) {
      const at = this.indexes.partner.get(p.partnerId);
      const stored = p as Stored<StoreData['partners']>;
      if (at === undefined) {
        this.indexes.partner.set(p.partnerId, data.partners.length);
        data.partners.push(stored);
      } else data.partners[at] = stored;
      this.version++;
    }
    for (const l of tx.locationsPut.values()) {
      const at = this.indexes.location.get(l.mpnId);
      const stored = l as Stored<StoreData['locations']>;
      if (at === undefined) {
        this.indexes.location.set(l.mpnId, data.locations.length);
        data.locations.push(stored);
        this.version++;
      } else {
        const before = data.locations[at];
        if (before === undefined || !sameNetwork(before, l)) this.version++;
        data.locations[at] = stored;
      }
    }
    for (const r of tx.referralsPut.values()) {
      const at = this.indexes.referral.get(r.id);
      const stored = r as Stored<StoreData['referrals']>;
      if (at === undefined) {
        this.indexes.referral.set(r.id, data.referrals.length);
        data.referrals.push(stored);
      } else data.referrals[at] = stored;
      this.indexes.linkReferral(r);
    }
    for (const e of tx.eventsAppended) data.events.push(e as Stored<StoreData['events']>);
    for (const u of tx.usersPut.values()) {
      const key = userKey(u.tenantId, u.aadObjectId);
      const at = this.indexes.user.get(key);
      const stored = u as Stored<StoreData['users']>;
      if (at === undefined) {
        this.indexes.user.set(key, data.users.length);
        data.users.push(stored);
      } else data.users[at] = stored;
    }
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
