import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Who a valid Teams SSO token says the caller is. */
export interface SsoIdentity {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name: string | null;
}

export type SsoResult = { readonly ok: true; readonly identity: SsoIdentity } | { readonly ok: false; readonly reason: string };

export interface SsoSettings {
  /** The app's id URI (api://host/appId): the only audience accepted. */
  readonly audience: string;
  /** Tenants allowed; empty allows any. */
  readonly allowedTenants: readonly string[];
  /** OpenID metadata of a tenant; `{tenantId}` is replaced. Azure AD's by default; tests outside production point it at loopback. */
  readonly metadataUrl: string;
}

export const AZURE_AD_METADATA = 'https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration';

/** Fetches a JSON document (OpenID metadata, then the JWKS it names); tests pass their own keys this way. */
export type FetchJson = (url: string) => Promise<unknown>;

export const fetchJsonOverHttp: FetchJson = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;
/** Keys are fetched again at most this often per tenant, even for an unknown key id. */
const REFRESH_MS = 5 * 60_000;
const KEEP_MS = 60 * 60_000;

interface TenantKeys {
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly fetchedAt: number;
}

function decodePart(part: string | undefined): Record<string, unknown> | null {
  if (part === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf-8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Validates Teams SSO tokens (from `authentication.getAuthToken()` in the tab): an Azure AD JWT
 * signed with RS256 by a key of the token's own tenant, for this app's id URI, issued by that
 * tenant, not expired. The tenant comes from the token only to pick which keys to check against;
 * nothing in it is trusted until the signature is.
 */
export class SsoVerifier {
  private readonly tenants = new Map<string, TenantKeys>();

  constructor(
    private readonly settings: SsoSettings,
    private readonly fetchJson: FetchJson = fetchJsonOverHttp,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<SsoResult> {
    const [h, p, , extra] = token.split('.');
    const header = decodePart(h);
    const payload = decodePart(p);
    if (header === null || payload === null || extra !== undefined) return { ok: false, reason: 'not a JWT' };
    if (header['alg'] !== 'RS256') return { ok: false, reason: `algorithm ${String(header['alg'])} is not accepted` };
    const kid = header['kid'];
    const tid = payload['tid'];
    if (typeof kid !== 'string' || kid === '') return { ok: false, reason: 'no key id' };
    if (typeof tid !== 'string' || !GUID.test(tid)) return { ok: false, reason: 'no tenant' };
    // Tenant ids are GUIDs, and nothing promises the token and the configuration spell them in one case.
    if (this.settings.allowedTenants.length > 0 && !this.settings.allowedTenants.some((t) => t.toLowerCase() === tid.toLowerCase())) {
      return { ok: false, reason: `tenant ${tid} is not allowed` };
    }
    let key: KeyObject | undefined;
    try {
      key = await this.key(tid, kid);
    } catch (err) {
      return { ok: false, reason: `signing keys unavailable: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (key === undefined) return { ok: false, reason: 'unknown signing key' };
    try {
      const claims = jwt.verify(token, key, {
        algorithms: ['RS256'],
        audience: this.settings.audience,
        issuer: [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`],
        clockTimestamp: Math.floor(this.now() / 1000),
        clockTolerance: 60,
      });
      if (typeof claims === 'string') return { ok: false, reason: 'no claims' };
      const oid = claims['oid'];
      if (typeof oid !== 'string' || oid === '' || claims['tid'] !== tid) return { ok: false, reason: 'no user in the token' };
      const name = claims['name'];
      return { ok: true, identity: { tenantId: tid, aadObjectId: oid, name: typeof name === 'string' ? name : null } };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  private async key(tenantId: string, kid: string): Promise<KeyObject | undefined> {
    const cached = this.tenants.get(tenantId);
    const age = cached === undefined ? Number.POSITIVE_INFINITY : this.now() - cached.fetchedAt;
    const hit = cached?.keys.get(kid);
    if (hit !== undefined && age < KEEP_MS) return hit;
    if (cached !== undefined && age < REFRESH_MS) return hit;
    const fresh = await this.fetchKeys(tenantId);
    this.tenants.set(tenantId, fresh);
    return fresh.keys.get(kid);
  }

  private async fetchKeys(tenantId: string): Promise<TenantKeys> {
    const metadata = await this.fetchJson(this.settings.metadataUrl.replace('{tenantId}', encodeURIComponent(tenantId)));
    const jwksUri = (metadata as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri !== 'string') throw new Error('the OpenID metadata has no jwks_uri');
    const jwks = (await this.fetchJson(jwksUri)) as { keys?: unknown } | null;
    const keys = new Map<string, KeyObject>();
    for (const k of Array.isArray(jwks?.keys) ? (jwks.keys as unknown[]) : []) {
      const jwk = k as JsonWebKey & { kid?: unknown; use?: unknown };
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A key this runtime cannot read is skipped; tokens signed with it are refused.
      }
    }
    return { keys, fetchedAt: this.now() };
  }
}
