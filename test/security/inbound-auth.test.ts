import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants, MicrosoftAppCredentials } from 'botframework-connector';
import jwt from 'jsonwebtoken';
import { startNotificationStandIn, type NotificationStandIn } from '../../bench/notification-stand-in.ts';
import { messageActivity, postActivity, startApp, type HttpResult, type TestApp } from './support.ts';

/**
 * Inbound authentication of POST /api/messages through the real server (buildApp), with auth on
 * (MicrosoftAppId + MicrosoftAppPassword) and botbuilder pointed, via BOT_OPENID_METADATA_URL, at a
 * loopback OpenID metadata + JWKS stub that publishes a locally generated RSA key.
 *
 * Outgoing replies: with auth on, the bot's reply needs an access token for its app id, which
 * botbuilder gets from MSAL (login.microsoftonline.com). The test puts a token in botbuilder's
 * process-wide token cache (AppCredentials.cache, keyed `${appId}${scope}-cache`) before the app
 * runs, so a reply goes straight to the connector stand-in and nothing leaves the machine. That
 * makes "the stand-in received nothing" a real proof for the refused cases: had a refused activity
 * reached the handler, its answer card would have been posted there, as it is for the valid token.
 */

const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const OTHER_APP_ID = '99999999-8888-7777-6666-555555555555';
const CHANNEL_ISSUER = 'https://api.botframework.com';
const TRUSTED_KID = 'test-signing-key';
const SKYPE_ONLY_KID = 'skype-only-key';
const OUTBOUND_CACHE_KEY = `${APP_ID}${AuthenticationConstants.ToChannelFromBotOAuthScope}-cache`;

interface Jwk {
  readonly kty: 'RSA';
  readonly use: 'sig';
  readonly kid: string;
  readonly n: string;
  readonly e: string;
  readonly endorsements: readonly string[];
}

interface OpenIdStub {
  readonly metadataUrl: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** The Bot Framework's OpenID metadata and key set, on loopback. */
async function startOpenIdStub(keys: readonly Jwk[]): Promise<OpenIdStub> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    if (req.method === 'GET' && url === '/v1/.well-known/openidconfiguration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer: CHANNEL_ISSUER,
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: `${base}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        }),
      );
      return;
    }
    if (req.method === 'GET' && url === '/v1/.well-known/keys') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    metadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function jwkOf(publicKey: KeyObject, kid: string, endorsements: readonly string[]): Jwk {
  const { n, e } = publicKey.export({ format: 'jwk' });
  assert.ok(typeof n === 'string' && typeof e === 'string');
  return { kty: 'RSA', use: 'sig', kid, n, e, endorsements };
}

const trusted = rsaKeyPair();
const skypeOnly = rsaKeyPair();
const forger = rsaKeyPair();

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The claims of a Bot Framework channel token for this bot and this service URL. */
function channelClaims(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return { iss: CHANNEL_ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...overrides };
}

function signRs256(claims: Record<string, unknown>, privateKey: KeyObject = trusted.privateKey, kid: string = TRUSTED_KID): string {
  return jwt.sign(claims, privateKey, { algorithm: 'RS256', keyid: kid, noTimestamp: true });
}

function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT', kid: TRUSTED_KID })}.${part(claims)}.`;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Muted during the file: botbuilder console.errors every refused token; kept for failure messages. */
const consoleErrors: string[] = [];

describe('security: inbound authentication of /api/messages (real server, auth on, stub OpenID metadata)', function () {
  this.timeout(30000);

  let openId: OpenIdStub;
  let bot: TestApp;
  let standIn: NotificationStandIn;
  const originalConsoleError = console.error;
  const tokenCache = (MicrosoftAppCredentials as unknown as { cache: Map<string, { accessToken: string; expiresOn: Date }> }).cache;

  // One OpenID stub for the whole file: botbuilder caches metadata per URL in a static map.
  before(async () => {
    console.error = (...args: unknown[]) => {
      consoleErrors.push(args.map(String).join(' '));
    };
    assert.ok(tokenCache instanceof Map, 'botbuilder keeps its outgoing tokens in AppCredentials.cache');
    tokenCache.set(OUTBOUND_CACHE_KEY, { accessToken: 'outbound-test-token', expiresOn: new Date(Date.now() + 3_600_000) });
    openId = await startOpenIdStub([
      jwkOf(trusted.publicKey, TRUSTED_KID, ['msteams', 'skype', 'webchat']),
      jwkOf(skypeOnly.publicKey, SKYPE_ONLY_KID, ['skype']),
    ]);
    bot = await startApp({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-password-not-used', BOT_OPENID_METADATA_URL: openId.metadataUrl });
  });

  after(async () => {
    console.error = originalConsoleError;
    tokenCache.delete(OUTBOUND_CACHE_KEY);
    // Optional chaining: a failed `before` must not hide its error behind one from here.
    await bot?.close();
    await openId?.close();
  });

  beforeEach(async () => {
    bot.turns.length = 0;
    bot.logger.entries.length = 0;
    consoleErrors.length = 0;
    standIn = await startNotificationStandIn();
  });

  afterEach(async () => {
    await standIn?.close();
  });

  it('accepts a valid channel token: 200, the handler runs and its reply reaches the connector', async () => {
    const conversationId = 'auth-valid';
    const res = await postActivity(bot.port, messageActivity(standIn.serviceUrl, conversationId), bearer(signRs256(channelClaims(standIn.serviceUrl))));
    assert.equal(res.status, 200, `${res.body}\n${consoleErrors.join('\n')}`);
    assert.equal(bot.turns.length, 1, 'the handler ran once');
    assert.equal(bot.turns[0]?.callerId, CallerIdConstants.PublicAzureChannel, 'botbuilder authenticated it as the public Azure channel');
    assert.equal(standIn.posts.length, 1, JSON.stringify(bot.logger.entries));
    const reply = standIn.posts[0];
    assert.equal(reply?.conversationId, conversationId);
    assert.match(JSON.stringify(reply?.activity), /30 days/, 'the FAQ answer card');
    assert.ok(bot.app.store.data.conversations[conversationId], 'the conversation reference was stored by the turn');
    // The keys came from the stub, not from login.botframework.com.
    assert.ok(openId.requests.includes('/v1/.well-known/openidconfiguration'), JSON.stringify(openId.requests));
    assert.ok(openId.requests.includes('/v1/.well-known/keys'), JSON.stringify(openId.requests));
  });

  /** 401, botbuilder's reason, and no trace of a turn: no handler call, no reply, nothing stored. */
  async function assertRefused(conversationId: string, res: HttpResult, reason: RegExp): Promise<void> {
    assert.equal(res.status, 401, `${res.body}\n${consoleErrors.join('\n')}`);
    assert.match(res.body, reason);
    assert.equal(bot.turns.length, 0, 'no handler ran');
    // Give a (wrongly) started turn time to post; nothing may arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(standIn.posts.length, 0, 'nothing was sent to the connector');
    assert.equal(bot.app.store.data.conversations[conversationId], undefined, 'no conversation reference stored');
    assert.deepEqual(bot.app.store.data.greetedConversations, []);
    assert.equal(bot.logger.entries.filter((e) => e.level === 'error').length, 0, JSON.stringify(bot.logger.entries));
  }

  const refusals: ReadonlyArray<{
    readonly name: string;
    readonly headers: (serviceUrl: string) => Record<string, string>;
    readonly reason: RegExp;
  }> = [
    { name: 'no Authorization header', headers: () => ({}), reason: /Unauthorized Access\. Request is not authorized/ },
    {
      name: 'Basic authentication with the app id and password',
      headers: () => ({ authorization: `Basic ${Buffer.from(`${APP_ID}:test-password-not-used`).toString('base64')}` }),
      reason: /No valid identity/,
    },
    {
      name: 'an expired token (past botbuilder’s 5-minute clock tolerance)',
      headers: (s) => bearer(signRs256(channelClaims(s, { nbf: nowSeconds() - 7200, iat: nowSeconds() - 7200, exp: nowSeconds() - 600 }))),
      reason: /The token has expired/,
    },
    {
      name: 'a token for another app (aud ≠ MicrosoftAppId)',
      headers: (s) => bearer(signRs256(channelClaims(s, { aud: OTHER_APP_ID }))),
      reason: /Invalid AppId passed on token/,
    },
    {
      name: 'a token from another issuer (iss ≠ https://api.botframework.com)',
      headers: (s) => bearer(signRs256(channelClaims(s, { iss: 'https://api.botframework.com.evil.example' }))),
      reason: /No valid identity/,
    },
    {
      name: 'a serviceurl claim that is not the activity’s serviceUrl',
      headers: () => bearer(signRs256(channelClaims('https://smba.trafficmanager.net/amer/'))),
      reason: /ServiceUrl claim do not match/,
    },
    {
      name: 'an unsigned token (alg: none) naming a trusted key id',
      headers: (s) => bearer(unsignedToken(channelClaims(s))),
      reason: /signature is required/,
    },
    // Beyond the issue's list: the same path (jsonwebtoken's own errors) was a 500 before the fix.
    {
      name: 'a token signed by another key under a trusted key id (forged signature)',
      headers: (s) => bearer(signRs256(channelClaims(s), forger.privateKey, TRUSTED_KID)),
      reason: /invalid signature/,
    },
    {
      name: 'a token that is not valid yet (nbf an hour ahead)',
      headers: (s) => bearer(signRs256(channelClaims(s, { nbf: nowSeconds() + 3600 }))),
      reason: /jwt not active/,
    },
    {
      name: 'a token signed by a key the metadata endorses only for another channel (skype, not msteams)',
      headers: (s) => bearer(signRs256(channelClaims(s), skypeOnly.privateKey, SKYPE_ONLY_KID)),
      reason: /Could not validate endorsement/,
    },
  ];

  refusals.forEach(({ name, headers, reason }, i) => {
    it(`refuses ${name}: 401 and no handler runs`, async () => {
      const conversationId = `auth-refused-${i}`;
      const res = await postActivity(bot.port, messageActivity(standIn.serviceUrl, conversationId), headers(standIn.serviceUrl));
      await assertRefused(conversationId, res, reason);
    });
  });

  it('still accepts a valid token after the refusals (the server is not left in a bad state)', async () => {
    const res = await postActivity(bot.port, messageActivity(standIn.serviceUrl, 'auth-valid-again'), bearer(signRs256(channelClaims(standIn.serviceUrl))));
    assert.equal(res.status, 200, `${res.body}\n${consoleErrors.join('\n')}`);
    assert.equal(bot.turns.length, 1);
    assert.equal(standIn.posts.length, 1);
  });
});
