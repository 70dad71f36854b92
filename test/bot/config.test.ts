import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../bot/config.ts';

const CWD = path.resolve('/srv/bot');
const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT_A = 'aaaaaaaa-0000-0000-0000-000000000001';
const TENANT_B = 'bbbbbbbb-0000-0000-0000-000000000002';

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: Record<string, string | undefined>): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env, CWD);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.name, 'ConfigError');
  return caught;
}

describe('bot/config loadConfig', () => {
  describe('defaults', () => {
    it('uses port 3978, ./.data under cwd, MultiTenant, no tenant filter and auth off without an app id', () => {
      const config = loadConfig({}, CWD);
      assert.equal(config.port, 3978);
      assert.equal(config.dataDir, path.join(CWD, '.data'));
      assert.equal(config.microsoftAppType, 'MultiTenant');
      assert.equal(config.authDisabled, true);
      assert.equal(config.production, false);
      assert.equal(config.microsoftAppId, '');
      assert.equal(config.microsoftAppPassword, '');
      assert.equal(config.microsoftAppTenantId, '');
      assert.deepEqual(config.allowedTenants, []);
      assert.equal(config.maxBodyBytes, 256 * 1024);
    });

    it('treats blank values like missing ones', () => {
      const config = loadConfig({ PORT: '  ', DATA_DIR: ' ', MicrosoftAppType: '', MicrosoftAppId: '   ' }, CWD);
      assert.equal(config.port, 3978);
      assert.equal(config.dataDir, path.join(CWD, '.data'));
      assert.equal(config.microsoftAppType, 'MultiTenant');
      assert.equal(config.authDisabled, true);
    });

    it('resolves a relative DATA_DIR against cwd and keeps an absolute one', () => {
      assert.equal(loadConfig({ DATA_DIR: 'state/db' }, CWD).dataDir, path.join(CWD, 'state', 'db'));
      const absolute = path.resolve('/var/lib/bot');
      assert.equal(loadConfig({ DATA_DIR: absolute }, CWD).dataDir, absolute);
    });

    it('reads PORT, including 0 (any free port)', () => {
      assert.equal(loadConfig({ PORT: '8080' }, CWD).port, 8080);
      assert.equal(loadConfig({ PORT: '0' }, CWD).port, 0);
      assert.equal(loadConfig({ PORT: '65535' }, CWD).port, 65535);
    });

    it('turns auth on with an app id and password', () => {
      const config = loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' }, CWD);
      assert.equal(config.authDisabled, false);
      assert.equal(config.microsoftAppId, APP_ID);
      assert.equal(config.microsoftAppPassword, 'secret');
    });

    it('accepts a complete production configuration', () => {
      const config = loadConfig(
        {
          NODE_ENV: 'production',
          MicrosoftAppId: APP_ID,
          MicrosoftAppPassword: 'secret',
          MicrosoftAppType: 'SingleTenant',
          MicrosoftAppTenantId: TENANT_A,
        },
        CWD,
      );
      assert.equal(config.production, true);
      assert.equal(config.authDisabled, false);
      assert.equal(config.microsoftAppType, 'SingleTenant');
      assert.equal(config.microsoftAppTenantId, TENANT_A);
    });

    it('accepts UserAssignedMSI without a password', () => {
      const config = loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI' }, CWD);
      assert.equal(config.microsoftAppType, 'UserAssignedMSI');
      assert.equal(config.authDisabled, false);
    });
  });

  describe('refusals', () => {
    it('refuses production without MicrosoftAppId and says why', () => {
      const err = configError({ NODE_ENV: 'production' });
      assert.equal(err.problems.length, 1);
      assert.match(err.message, /MicrosoftAppId/);
      assert.match(err.message, /NODE_ENV=production/);
      assert.match(err.message, /unauthenticated/);
    });

    it('reports several problems together in one error', () => {
      const err = configError({
        NODE_ENV: 'production',
        MicrosoftAppType: 'SingleTenant',
        ALLOWED_TENANTS: 'not a tenant',
      });
      assert.equal(err.problems.length, 3, err.message);
      assert.ok(err.problems.some((p) => p.startsWith('MicrosoftAppId:')), err.message);
      assert.ok(err.problems.some((p) => p.startsWith('MicrosoftAppTenantId:')), err.message);
      assert.ok(err.problems.some((p) => p.startsWith('ALLOWED_TENANTS:')), err.message);
      for (const p of err.problems) assert.ok(err.message.includes(p), `message lists "${p}"`);
    });

    it('reports a malformed value together with the cross-field problems (one pass for the operator)', () => {
      // A bad PORT must not hide that production also lacks MicrosoftAppId.
      const err = configError({ NODE_ENV: 'production', PORT: 'abc' });
      assert.ok(err.problems.some((p) => p.startsWith('PORT:')), err.message);
      assert.ok(err.problems.some((p) => p.startsWith('MicrosoftAppId:')), err.message);
    });

    it('reports every schema problem together too', () => {
      const err = configError({ PORT: 'abc', MicrosoftAppType: 'Nope' });
      assert.equal(err.problems.length, 2, err.message);
      assert.ok(err.problems.some((p) => p.startsWith('PORT:')), err.message);
      assert.ok(err.problems.some((p) => p.startsWith('MicrosoftAppType:')), err.message);
    });

    for (const port of ['abc', '-1', '3.5', '65536', '99999', '1e3']) {
      it(`refuses PORT=${JSON.stringify(port)}`, () => {
        const err = configError({ PORT: port });
        assert.equal(err.problems.length, 1, err.message);
        assert.match(err.problems[0] ?? '', /^PORT: /);
      });
    }

    it('refuses an unknown MicrosoftAppType', () => {
      const err = configError({ MicrosoftAppType: 'multitenant' });
      assert.match(err.problems[0] ?? '', /^MicrosoftAppType: /);
    });

    it('refuses SingleTenant without a tenant id', () => {
      const err = configError({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', MicrosoftAppType: 'SingleTenant' });
      assert.deepEqual(err.problems, ['MicrosoftAppTenantId: required with MicrosoftAppType=SingleTenant']);
    });

    it('refuses an app id without a password', () => {
      const err = configError({ MicrosoftAppId: APP_ID });
      assert.equal(err.problems.length, 1, err.message);
      assert.match(err.problems[0] ?? '', /^MicrosoftAppPassword: required with MicrosoftAppType=MultiTenant/);
    });

    it('refuses a whitespace-only password', () => {
      const err = configError({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: '   ' });
      assert.match(err.problems[0] ?? '', /^MicrosoftAppPassword: /);
    });
  });

  describe('intake and program settings', () => {
    it('defaults to intake off, no pause spacing and fiscal-July quarters', () => {
      const config = loadConfig({}, CWD);
      assert.equal(config.intakeApiKey, '');
      assert.equal(config.pauseMinDaysBetween, null);
      assert.equal(config.quarters, 'fiscal-july');
    });

    it('reads INTAKE_API_KEY, PAUSE_MIN_DAYS_BETWEEN and ACCEPTANCE_QUARTERS', () => {
      const config = loadConfig(
        { INTAKE_API_KEY: ' 0123456789abcdef ', PAUSE_MIN_DAYS_BETWEEN: '14', ACCEPTANCE_QUARTERS: 'calendar' },
        CWD,
      );
      assert.equal(config.intakeApiKey, '0123456789abcdef');
      assert.equal(config.pauseMinDaysBetween, 14);
      assert.equal(config.quarters, 'calendar');
    });

    it('refuses an intake key shorter than 16 characters', () => {
      const err = configError({ INTAKE_API_KEY: '0123456789abcde' });
      assert.deepEqual(err.problems, ['INTAKE_API_KEY: must be at least 16 characters long']);
    });

    it('refuses a PAUSE_MIN_DAYS_BETWEEN that is not a whole number of days', () => {
      for (const bad of ['two', '-1', '1.5']) {
        const err = configError({ PAUSE_MIN_DAYS_BETWEEN: bad });
        assert.match(err.problems[0] ?? '', /^PAUSE_MIN_DAYS_BETWEEN: /, bad);
      }
    });

    it('refuses an unknown ACCEPTANCE_QUARTERS', () => {
      const err = configError({ ACCEPTANCE_QUARTERS: 'fiscal' });
      assert.match(err.problems[0] ?? '', /^ACCEPTANCE_QUARTERS: /);
    });
  });

  describe('ALLOWED_TENANTS', () => {
    it('parses a comma-separated list, trimming spaces and dropping empty entries', () => {
      const config = loadConfig({ ALLOWED_TENANTS: ` ${TENANT_A} ,,${TENANT_B}, ` }, CWD);
      assert.deepEqual(config.allowedTenants, [TENANT_A, TENANT_B]);
    });

    it('accepts a single tenant', () => {
      assert.deepEqual(loadConfig({ ALLOWED_TENANTS: TENANT_A }, CWD).allowedTenants, [TENANT_A]);
    });

    it('is empty (every tenant allowed) when blank', () => {
      assert.deepEqual(loadConfig({ ALLOWED_TENANTS: ' , ' }, CWD).allowedTenants, []);
    });

    for (const bad of ['contoso.onmicrosoft.com', 'short', `${TENANT_A};${TENANT_B}`, 'zzzzzzzz-0000']) {
      it(`refuses ${JSON.stringify(bad)} and names the bad value`, () => {
        const err = configError({ ALLOWED_TENANTS: `${TENANT_A},${bad}` });
        assert.equal(err.problems.length, 1, err.message);
        assert.match(err.problems[0] ?? '', /^ALLOWED_TENANTS: /);
        assert.ok(err.message.includes(`"${bad}"`), err.message);
      });
    }
  });

  describe('notifications', () => {
    it('defaults to 40 sends/s, 6 attempts, no extra hosts, and localhost only outside production', () => {
      const dev = loadConfig({}, CWD);
      assert.deepEqual([dev.notifyRatePerSecond, dev.notifyMaxAttempts, dev.serviceUrlHosts, dev.allowLocalServiceUrls], [40, 6, [], true]);
      const prod = loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' }, CWD);
      assert.equal(prod.allowLocalServiceUrls, false);
    });

    it('reads SERVICE_URL_HOSTS (lower-cased, wildcards allowed), the rate and the attempts', () => {
      const config = loadConfig({ SERVICE_URL_HOSTS: ' Connector.Contoso.net, *.example.org ', NOTIFY_RATE_PER_SECOND: '20', NOTIFY_MAX_ATTEMPTS: '3' }, CWD);
      assert.deepEqual(config.serviceUrlHosts, ['connector.contoso.net', '*.example.org']);
      assert.equal(config.notifyRatePerSecond, 20);
      assert.equal(config.notifyMaxAttempts, 3);
    });

    it('refuses a rate above Teams’ limit, a zero rate, and a host that is not a host', () => {
      const err = configError({ NOTIFY_RATE_PER_SECOND: '80', NOTIFY_MAX_ATTEMPTS: '0', SERVICE_URL_HOSTS: 'https://evil.example/path' });
      assert.equal(err.problems.length, 3, err.message);
      assert.match(err.message, /NOTIFY_RATE_PER_SECOND: must be at most 50/);
      assert.match(err.message, /NOTIFY_MAX_ATTEMPTS/);
      assert.match(err.message, /SERVICE_URL_HOSTS: "https:\/\/evil\.example\/path" is not a host name/);
      assert.match(configError({ NOTIFY_RATE_PER_SECOND: '0' }).message, /NOTIFY_RATE_PER_SECOND/);
    });
  });

  describe('BOT_OPENID_METADATA_URL (tests only)', () => {
    it('is empty by default (botbuilder’s own Bot Framework metadata) and blank counts as unset', () => {
      assert.equal(loadConfig({}, CWD).botOpenIdMetadataUrl, '');
      assert.equal(loadConfig({ BOT_OPENID_METADATA_URL: '  ' }, CWD).botOpenIdMetadataUrl, '');
    });

    it('reads an http or https URL outside production', () => {
      const url = 'http://127.0.0.1:4000/v1/.well-known/openidconfiguration';
      assert.equal(loadConfig({ BOT_OPENID_METADATA_URL: ` ${url} ` }, CWD).botOpenIdMetadataUrl, url);
      const auth = loadConfig({ BOT_OPENID_METADATA_URL: 'https://login.example.test/meta', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' }, CWD);
      assert.equal(auth.botOpenIdMetadataUrl, 'https://login.example.test/meta');
    });

    for (const bad of ['login.botframework.com/v1/.well-known/openidconfiguration', 'ftp://127.0.0.1/meta', 'not a url']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        const err = configError({ BOT_OPENID_METADATA_URL: bad });
        assert.equal(err.problems.length, 1, err.message);
        assert.match(err.problems[0] ?? '', /^BOT_OPENID_METADATA_URL: must be an http or https URL/);
      });
    }

    it('refuses any value, even https, with NODE_ENV=production', () => {
      const err = configError({
        NODE_ENV: 'production',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'secret',
        BOT_OPENID_METADATA_URL: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      });
      assert.equal(err.problems.length, 1, err.message);
      assert.match(err.problems[0] ?? '', /^BOT_OPENID_METADATA_URL: for tests only, not allowed when NODE_ENV=production/);
    });
  });

  describe('the tab: TAB_OPENID_METADATA_URL (tests only) and the development sign-in', () => {
    const PRODUCTION = { NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' };
    const LOOPBACK = 'http://127.0.0.1:4000/{tenantId}/v2.0/.well-known/openid-configuration';

    it('takes tenant keys from Azure AD by default, and from another URL outside production', () => {
      assert.equal(loadConfig({}, CWD).tabOpenIdMetadataUrl, 'https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration');
      assert.equal(loadConfig({ TAB_OPENID_METADATA_URL: LOOPBACK }, CWD).tabOpenIdMetadataUrl, LOOPBACK);
      assert.equal(loadConfig({ ...PRODUCTION, TAB_OPENID_METADATA_URL: ' ' }, CWD).tabOpenIdMetadataUrl, 'https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration');
    });

    it('refuses TAB_OPENID_METADATA_URL with NODE_ENV=production, even Azure AD’s own, and reports it with the bot’s', () => {
      const err = configError({ ...PRODUCTION, TAB_OPENID_METADATA_URL: 'https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration' });
      assert.deepEqual(err.problems, [
        'TAB_OPENID_METADATA_URL: for tests only, not allowed when NODE_ENV=production; the tab would accept sign-in tokens signed by whoever serves that document',
      ]);
      const both = configError({ ...PRODUCTION, TAB_OPENID_METADATA_URL: LOOPBACK, BOT_OPENID_METADATA_URL: 'http://127.0.0.1:4000/meta' });
      assert.deepEqual(both.problems.map((p) => p.slice(0, p.indexOf(':'))), ['BOT_OPENID_METADATA_URL', 'TAB_OPENID_METADATA_URL'], both.message);
    });

    it('turns the development sign-in on only in local development mode (no MicrosoftAppId), never with an app id or in production', () => {
      assert.equal(loadConfig({}, CWD).tabDevSignIn, true);
      assert.equal(loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' }, CWD).tabDevSignIn, false, 'a deployment with a real app id');
      assert.equal(loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI' }, CWD).tabDevSignIn, false);
      assert.equal(loadConfig(PRODUCTION, CWD).tabDevSignIn, false);
    });
  });
});
