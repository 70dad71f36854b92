/** The API's shapes, and decoders that check them: a mismatch names the field instead of breaking the page later. */

type LocationRole = 'member' | 'admin';
export type DashboardRole = LocationRole | 'operations';

export interface Me {
  readonly user: { readonly name: string; readonly aadObjectId: string; readonly tenantId: string };
  readonly operations: boolean;
  readonly locations: readonly { readonly mpnId: string; readonly name: string; readonly role: LocationRole }[];
  readonly devMode: boolean;
}

interface Pause {
  readonly pausedAt: string;
  readonly pausedUntil: string;
  readonly pausedBy: string;
  /** The admin's name from the bot's records; null when the bot does not know them. */
  readonly pausedByName: string | null;
}

export interface LocationInfo {
  readonly mpnId: string;
  readonly name: string;
  readonly country: string;
  readonly status: 'active' | 'departed';
  readonly pause: Pause | null;
}

export interface PendingPart {
  readonly referralId: string;
  readonly assignmentId: string;
  readonly customerName: string;
  readonly type: string;
  readonly workloads: readonly string[];
  readonly seats: number;
  readonly offeredAt: string;
}

export interface QuarterRate {
  readonly quarter: string;
  readonly rate: number | null;
  readonly accepted: number;
  readonly declined: number;
  readonly expired: number;
  readonly pending: number;
  readonly meetsTarget: boolean | null;
  readonly acceptNeeded: number | null;
}

interface Note {
  readonly kind: string;
  readonly at: string;
  readonly state: string;
  readonly text: string;
}

export interface Dashboard {
  readonly location: LocationInfo;
  readonly role: DashboardRole;
  readonly canPause: boolean;
  readonly pending: readonly PendingPart[];
  readonly acceptance: { readonly target: number; readonly quarters: readonly QuarterRate[] };
  readonly notifications: readonly Note[];
}

interface DeclineResult {
  readonly state: string;
  readonly reassignedTo: readonly string[];
  readonly ftc: readonly string[];
}

class ShapeError extends Error {
  constructor(path: string, expected: string) {
    super(`The server's answer is not what this page expects: ${path} should be ${expected}.`);
    this.name = 'ShapeError';
  }
}

type Decoder<T> = (value: unknown, path: string) => T;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const decode = {
  object(value: unknown, path: string): Record<string, unknown> {
    if (!isRecord(value)) throw new ShapeError(path, 'an object');
    return value;
  },
  string(value: unknown, path: string): string {
    if (typeof value !== 'string') throw new ShapeError(path, 'a string');
    return value;
  },
  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(path, 'a number');
    return value;
  },
  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') throw new ShapeError(path, 'true or false');
    return value;
  },
  nullable<T>(inner: Decoder<T>): Decoder<T | null> {
    return (value, path) => (value === null ? null : inner(value, path));
  },
  array<T>(inner: Decoder<T>): Decoder<T[]> {
    return (value, path) => {
      if (!Array.isArray(value)) throw new ShapeError(path, 'a list');
      return value.map((item: unknown, i) => inner(item, `${path}[${i}]`));
    };
  },
  oneOf<T extends string>(values: readonly T[]): Decoder<T> {
    return (value, path) => {
      const found = values.find((v) => v === value);
      if (found === undefined) throw new ShapeError(path, `one of ${values.join(', ')}`);
      return found;
    };
  },
};

export function decodeMe(value: unknown): Me {
  const o = decode.object(value, 'me');
  const user = decode.object(o['user'], 'me.user');
  return {
    user: {
      name: decode.string(user['name'], 'me.user.name'),
      aadObjectId: decode.string(user['aadObjectId'], 'me.user.aadObjectId'),
      tenantId: decode.string(user['tenantId'], 'me.user.tenantId'),
    },
    operations: decode.boolean(o['operations'], 'me.operations'),
    locations: decode.array((v, p) => {
      const l = decode.object(v, p);
      return {
        mpnId: decode.string(l['mpnId'], `${p}.mpnId`),
        name: decode.string(l['name'], `${p}.name`),
        role: decode.oneOf<LocationRole>(['member', 'admin'])(l['role'], `${p}.role`),
      };
    })(o['locations'], 'me.locations'),
    devMode: decode.boolean(o['devMode'], 'me.devMode'),
  };
}

function decodeLocation(value: unknown, path: string): LocationInfo {
  const l = decode.object(value, path);
  return {
    mpnId: decode.string(l['mpnId'], `${path}.mpnId`),
    name: decode.string(l['name'], `${path}.name`),
    country: decode.string(l['country'], `${path}.country`),
    status: decode.oneOf<'active' | 'departed'>(['active', 'departed'])(l['status'], `${path}.status`),
    pause: decode.nullable((v, p) => {
      const pause = decode.object(v, p);
      return {
        pausedAt: decode.string(pause['pausedAt'], `${p}.pausedAt`),
        pausedUntil: decode.string(pause['pausedUntil'], `${p}.pausedUntil`),
        pausedBy: decode.string(pause['pausedBy'], `${p}.pausedBy`),
        pausedByName: decode.nullable(decode.string)(pause['pausedByName'], `${p}.pausedByName`),
      };
    })(l['pause'], `${path}.pause`),
  };
}

export function decodeDashboard(value: unknown): Dashboard {
  const o = decode.object(value, 'dashboard');
  const acceptance = decode.object(o['acceptance'], 'acceptance');
  const count = (q: Record<string, unknown>, key: string, p: string): number => decode.number(q[key], `${p}.${key}`);
  return {
    location: decodeLocation(o['location'], 'location'),
    role: decode.oneOf<DashboardRole>(['member', 'admin', 'operations'])(o['role'], 'role'),
    canPause: decode.boolean(o['canPause'], 'canPause'),
    pending: decode.array((v, p) => {
      const r = decode.object(v, p);
      return {
        referralId: decode.string(r['referralId'], `${p}.referralId`),
        assignmentId: decode.string(r['assignmentId'], `${p}.assignmentId`),
        customerName: decode.string(r['customerName'], `${p}.customerName`),
        type: decode.string(r['type'], `${p}.type`),
        workloads: decode.array(decode.string)(r['workloads'], `${p}.workloads`),
        seats: decode.number(r['seats'], `${p}.seats`),
        offeredAt: decode.string(r['offeredAt'], `${p}.offeredAt`),
      };
    })(o['pending'], 'pending'),
    acceptance: {
      target: decode.number(acceptance['target'], 'acceptance.target'),
      quarters: decode.array((v, p) => {
        const q = decode.object(v, p);
        return {
          quarter: decode.string(q['quarter'], `${p}.quarter`),
          rate: decode.nullable(decode.number)(q['rate'], `${p}.rate`),
          accepted: count(q, 'accepted', p),
          declined: count(q, 'declined', p),
          expired: count(q, 'expired', p),
          pending: count(q, 'pending', p),
          meetsTarget: decode.nullable(decode.boolean)(q['meetsTarget'], `${p}.meetsTarget`),
          acceptNeeded: decode.nullable(decode.number)(q['acceptNeeded'], `${p}.acceptNeeded`),
        };
      })(acceptance['quarters'], 'acceptance.quarters'),
    },
    notifications: decode.array((v, p) => {
      const n = decode.object(v, p);
      return {
        kind: decode.string(n['kind'], `${p}.kind`),
        at: decode.string(n['at'], `${p}.at`),
        state: decode.string(n['state'], `${p}.state`),
        text: decode.string(n['text'], `${p}.text`),
      };
    })(o['notifications'], 'notifications'),
  };
}

export function decodeLocationAnswer(value: unknown): LocationInfo {
  return decodeLocation(decode.object(value, 'answer')['location'], 'location');
}

export function decodeDecline(value: unknown): DeclineResult {
  const o = decode.object(value, 'answer');
  return {
    state: decode.string(o['state'], 'state'),
    reassignedTo: decode.array(decode.string)(o['reassignedTo'] ?? [], 'reassignedTo'),
    ftc: decode.array(decode.string)(o['ftc'] ?? [], 'ftc'),
  };
}
