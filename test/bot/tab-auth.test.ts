import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { SsoVerifier } from '../../bot/http/tab-auth.ts';

const TENANT = '00000000-0000-0000-0000-0000000000001';
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
const AUDIENCE = 'api://referrals.example.com/6f1d6a3e-1111-2222-3333-444444444444';
const OID = '00000000-0000-0000-0000-0000000000020';

interface KeyPair {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

function keyPair(kid: string): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

/** A loopback OpenID metadata + JWKS endpoint per tenant, counting fetches. */
async function identityProvider(keys: readonly KeyPair[]): Promise<{ metadataUrl: string; fetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    fetches++;
    const port = (server.address() as AddressInfo).port;
    const m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (m !== null) {
      res.end(JSON.stringify({ issuer: `https://login.microsoftonline.com/${m[1]}/v2.0`, jwks_uri: `http://127.0.0.1:${port}/${m[1]}/keys` }));
      return;
    }
    if (/\/keys$/.test(req.url ?? '')) {
      res.end(JSON.stringify({ keys: keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' })) }));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    metadataUrl: `http://127.0.0.1:${port}/{tenantId}/v2.0/.well-known/openid-configuration`,
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function token(key: KeyPair, claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { tid: TENANT, oid: OID, name: 'Alex Wilber', aud: AUDIENCE, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, exp: now + 3600, ...claims },
    key.privateKey,
    { algorithm: 'RS256', keyid: key.kid, ...options },
  );
}

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

describe('bot/http Teams SSO token validation (local RSA keys, JWKS on loopback)', () => {
  const signing = keyPair('key-1');
  const stranger = keyPair('key-1');
  let idp: Awaited<ReturnType<typeof identityProvider>>;
  let verifier: SsoVerifier;

  before(async () => {
    idp = await identityProvider([signing]);
    verifier = new SsoVerifier({ audience: AUDIENCE, allowedTenants: [], metadataUrl: idp.metadataUrl });
  });
  after(() => idp.close());

  it('accepts a valid token and reads the tenant, the user and the name from it', async () => {
    const r = await verifier.verify(token(signing));
    assert.deepEqual(r, { ok: true, identity: { tenantId: TENANT, aadObjectId: OID, name: 'Alex Wilber' } });
  });

  it('accepts the v1 issuer form (sts.windows.net) of the same tenant', async () => {
    const r = await verifier.verify(token(signing, { iss: `https://sts.windows.net/${TENANT}/` }));
    assert.equal(r.ok, true);
  });

  const refused: Array<[string, () => string, RegExp]> = [
    ['a wrong audience', () => token(signing, { aud: 'api://other.example.com/abc' }), /audience/],
    ['the bare app id as audience', () => token(signing, { aud: '6f1d6a3e-1111-2222-3333-444444444444' }), /audience/],
    ['an expired token', () => token(signing, { exp: Math.floor(Date.now() / 1000) - 600 }), /expired/],
    ['a token not valid yet', () => token(signing, {}, { notBefore: '1h' }), /not active/],
    ['a wrong issuer', () => token(signing, { iss: 'https://login.microsoftonline.com/common/v2.0' }), /issuer/],
    ['an issuer of another tenant', () => token(signing, { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }), /issuer/],
    ['alg: none', () => `${b64({ alg: 'none', typ: 'JWT', kid: 'key-1' })}.${b64({ tid: TENANT, oid: OID, aud: AUDIENCE, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, exp: Math.floor(Date.now() / 1000) + 600 })}.`, /algorithm none/],
    [
      'HS256 signed with the public key (algorithm confusion)',
      () => jwt.sign({ tid: TENANT, oid: OID, aud: AUDIENCE, iss: `https://login.microsoftonline.com/${TENANT}/v2.0` }, signing.publicKey.export({ format: 'pem', type: 'spki' }), { algorithm: 'HS256', keyid: 'key-1' }),
      /algorithm HS256/,
    ],
    ['a signature by another key with the same key id', () => token(stranger), /invalid signature/],
    ['an unknown key id', () => token({ ...signing, kid: 'key-9' }), /unknown signing key/],
    ['no tenant', () => token(signing, { tid: undefined }), /no tenant/],
    ['no user object id', () => token(signing, { oid: undefined }), /no user/],
    ['garbage', () => 'not.a.jwt.at-all', /not a JWT/],
  ];
  for (const [what, make, why] of refused) {
    it(`refuses ${what}`, async () => {
      const r = await verifier.verify(make());
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, why);
    });
  }

  it('refuses a tenant outside ALLOWED_TENANTS before fetching any key', async () => {
    const strict = new SsoVerifier({ audience: AUDIENCE, allowedTenants: [OTHER_TENANT], metadataUrl: idp.metadataUrl });
    const before = idp.fetches();
    const r = await strict.verify(token(signing));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /not allowed/);
    assert.equal(idp.fetches(), before);
  });

  it('admits a tenant of ALLOWED_TENANTS whatever the case either side spells it in', async () => {
    const tenant = 'abcdef12-3456-7890-abcd-ef1234567890';
    const upper = new SsoVerifier({ audience: AUDIENCE, allowedTenants: [OTHER_TENANT, tenant.toUpperCase()], metadataUrl: idp.metadataUrl });
    const r = await upper.verify(token(signing, { tid: tenant, iss: `https://login.microsoftonline.com/${tenant}/v2.0` }));
    assert.equal(r.ok, true, r.ok ? '' : r.reason);
  });

  it('caches the keys: unknown key ids do not make it fetch again and again', async () => {
    const fresh = new SsoVerifier({ audience: AUDIENCE, allowedTenants: [], metadataUrl: idp.metadataUrl });
    const before = idp.fetches();
    await fresh.verify(token(signing));
    await fresh.verify(token(signing));
    for (let i = 0; i < 5; i++) await fresh.verify(token({ ...signing, kid: `nope-${i}` }));
    assert.equal(idp.fetches() - before, 2, 'one metadata and one JWKS fetch');
  });
});
