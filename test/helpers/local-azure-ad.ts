import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AZURE_AD_METADATA, type FetchJson } from '../../bot/http/tab-auth.ts';

export interface LocalAzureAd {
  /** Handed to buildApp in place of Azure AD: production takes no metadata URL from the environment. */
  readonly fetchJson: FetchJson;
  /** Every URL the verifier asked for its keys, in order. */
  readonly fetched: string[];
  readonly jwksUri: string;
  /** A Teams SSO token for `oid` in the tenant, for `api://<host>/<appId>`; `claims` override any field. */
  token(oid: string, claims?: Record<string, unknown>): string;
}

/** Azure AD for one tenant, in memory, with a locally generated signing key. */
export function localAzureAd(tenantId: string, host: string, appId: string): LocalAzureAd {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwksUri = `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;
  const fetched: string[] = [];
  return {
    fetched,
    jwksUri,
    fetchJson: async (url) => {
      fetched.push(url);
      if (url === AZURE_AD_METADATA.replace('{tenantId}', tenantId)) return { jwks_uri: jwksUri };
      if (url === jwksUri) return { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] };
      throw new Error(`${url} answered 404`);
    },
    token: (oid, claims = {}) =>
      jwt.sign(
        { tid: tenantId, oid, aud: `api://${host}/${appId}`, iss: `https://login.microsoftonline.com/${tenantId}/v2.0`, exp: Math.floor(Date.now() / 1000) + 600, ...claims },
        privateKey,
        { algorithm: 'RS256', keyid: 'k1' },
      ),
  };
}
