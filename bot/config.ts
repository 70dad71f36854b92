import path from 'node:path';
import { z } from 'zod';
import { AZURE_AD_METADATA } from './http/tab-auth.ts';

/** Settings the process runs with, read once from the environment at start-up. */
export interface AppConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly production: boolean;
  /** Inbound JWT validation is off when no app id is configured (local Playground only). */
  readonly authDisabled: boolean;
  readonly microsoftAppId: string;
  readonly microsoftAppPassword: string;
  readonly microsoftAppType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  readonly microsoftAppTenantId: string;
  /** Empty means every tenant may talk to the bot. */
  readonly allowedTenants: readonly string[];
  readonly maxBodyBytes: number;
  /** Shared secret of `POST /api/referrals`; empty turns intake off. */
  readonly intakeApiKey: string;
  /** Days between the end of a pause and the next one; null means no limit (the default). */
  readonly pauseMinDaysBetween: number | null;
  readonly quarters: 'fiscal-july' | 'calendar';
  /** Load the demo program into an empty store on start; default on, except in production. */
  readonly seedDemoData: boolean;
  /** Hosts the bot may post to besides the Teams / Bot Framework ones (`*.` wildcards allowed). */
  readonly serviceUrlHosts: readonly string[];
  /** Localhost service URLs (the Playground); development only. */
  readonly allowLocalServiceUrls: boolean;
  /** Proactive sends per second over all conversations; Teams allows about 50. */
  readonly notifyRatePerSecond: number;
  /** Attempts per notification before it is dead-lettered. */
  readonly notifyMaxAttempts: number;
  /** The public host of the bot and its tab (the app package's domain), if known. */
  readonly publicHostname: string;
  /** The audience a Teams SSO token for the tab must have (the app id URI); null turns SSO off. */
  readonly tabSsoAudience: string | null;
  /** Where a tenant's OpenID metadata is (`{tenantId}` is replaced); Azure AD's, and only Azure AD's in production. */
  readonly tabOpenIdMetadataUrl: string;
  /**
   * `?as=alex` signs the tab in as a Playground user without a token: only in local development
   * mode (no MicrosoftAppId, so inbound authentication is off too), never in production.
   */
  readonly tabDevSignIn: boolean;
  /**
   * Where botbuilder finds the keys that sign Bot Framework channel tokens; empty means its default
   * (https://login.botframework.com/v1/.well-known/openidconfiguration). Tests only: refused in production.
   */
  readonly botOpenIdMetadataUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ?? '').trim());

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: optionalText,
  PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d*$/, 'must be a whole number')
      .transform((v) => (v === '' ? 3978 : Number(v)))
      .pipe(z.number().int().min(0).max(65535, 'must be a TCP port (0-65535)')),
  ),
  DATA_DIR: optionalText,
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: optionalText.pipe(
    z
      .string()
      .transform((v) => (v === '' ? 'MultiTenant' : v))
      .pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])),
  ),
  MicrosoftAppTenantId: optionalText,
  ALLOWED_TENANTS: optionalText,
  INTAKE_API_KEY: optionalText,
  SEED_DEMO_DATA: optionalText.pipe(z.enum(['', 'true', 'false'], { message: 'must be true or false' })),
  PAUSE_MIN_DAYS_BETWEEN: optionalText.pipe(
    z
      .string()
      .regex(/^\d*$/, 'must be a whole number of days, or empty for no limit')
      .transform((v) => (v === '' ? null : Number(v))),
  ),
  SERVICE_URL_HOSTS: optionalText,
  PUBLIC_HOSTNAME: optionalText.pipe(z.string().regex(/^([a-z0-9-]+(\.[a-z0-9-]+)+)?$/i, 'must be a host name such as referrals.contoso.com (no scheme, no path)')),
  TAB_SSO_AUDIENCE: optionalText,
  TAB_OPENID_METADATA_URL: optionalText.pipe(
    z
      .string()
      .transform((v) => (v === '' ? AZURE_AD_METADATA : v))
      .pipe(z.string().url().includes('{tenantId}', { message: 'must contain {tenantId}' })),
  ),
  BOT_OPENID_METADATA_URL: optionalText.pipe(
    z.string().refine((v) => v === '' || isHttpUrl(v), 'must be an http or https URL'),
  ),
  NOTIFY_RATE_PER_SECOND: optionalText.pipe(
    z
      .string()
      .regex(/^\d*$/, 'must be a whole number')
      .transform((v) => (v === '' ? 40 : Number(v)))
      .pipe(z.number().int().min(1).max(50, 'must be at most 50: Teams throttles a bot above about 50 requests per second')),
  ),
  NOTIFY_MAX_ATTEMPTS: optionalText.pipe(
    z
      .string()
      .regex(/^\d*$/, 'must be a whole number')
      .transform((v) => (v === '' ? 6 : Number(v)))
      .pipe(z.number().int().min(1).max(20)),
  ),
  ACCEPTANCE_QUARTERS: optionalText.pipe(
    z
      .string()
      .transform((v) => (v === '' ? 'fiscal-july' : v))
      .pipe(z.enum(['fiscal-july', 'calendar'])),
  ),
});

/**
 * Validates the whole environment and reports every problem in one error, so an operator fixes
 * the deployment in one pass rather than one restart per missing key.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): AppConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // Cross-field rules read the raw text, so they are reported even when a field above is invalid.
  const raw = (key: string) => (env[key] ?? '').trim();
  const production = raw('NODE_ENV') === 'production';
  const appType = raw('MicrosoftAppType') === '' ? 'MultiTenant' : raw('MicrosoftAppType');
  const authDisabled = raw('MicrosoftAppId') === '';
  if (production && authDisabled) {
    problems.push(
      'MicrosoftAppId: required when NODE_ENV=production; without it the bot would accept unauthenticated requests from anyone',
    );
  }
  if (!authDisabled && appType !== 'UserAssignedMSI' && raw('MicrosoftAppPassword') === '') {
    problems.push(`MicrosoftAppPassword: required with MicrosoftAppType=${appType}`);
  }
  if (appType === 'SingleTenant' && raw('MicrosoftAppTenantId') === '') {
    problems.push('MicrosoftAppTenantId: required with MicrosoftAppType=SingleTenant');
  }
  // Whoever serves a metadata document chooses the keys that sign valid tokens: production keeps the real issuers'.
  const testOnlyKeys = [
    ['BOT_OPENID_METADATA_URL', 'the bot would accept channel tokens'],
    ['TAB_OPENID_METADATA_URL', 'the tab would accept sign-in tokens'],
  ] as const;
  for (const [key, risk] of testOnlyKeys) {
    if (production && raw(key) !== '') problems.push(`${key}: for tests only, not allowed when NODE_ENV=production; ${risk} signed by whoever serves that document`);
  }
  const allowedTenants = raw('ALLOWED_TENANTS')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const badTenant = allowedTenants.find((t) => !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12,13}$/.test(t));
  if (badTenant !== undefined) {
    problems.push(`ALLOWED_TENANTS: "${badTenant}" is not a tenant id (comma-separated GUIDs expected)`);
  }
  const intakeKey = raw('INTAKE_API_KEY');
  if (intakeKey !== '' && intakeKey.length < 16) {
    problems.push('INTAKE_API_KEY: must be at least 16 characters long');
  }
  const serviceUrlHosts = raw('SERVICE_URL_HOSTS')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const badHost = serviceUrlHosts.find((h) => !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h));
  if (badHost !== undefined) problems.push(`SERVICE_URL_HOSTS: "${badHost}" is not a host name (like smba.example.net or *.example.net)`);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;

  return {
    port: e.PORT,
    dataDir: path.resolve(cwd, e.DATA_DIR === '' ? '.data' : e.DATA_DIR),
    production,
    authDisabled,
    microsoftAppId: e.MicrosoftAppId,
    microsoftAppPassword: e.MicrosoftAppPassword,
    microsoftAppType: e.MicrosoftAppType,
    microsoftAppTenantId: e.MicrosoftAppTenantId,
    allowedTenants,
    maxBodyBytes: 256 * 1024,
    intakeApiKey: e.INTAKE_API_KEY,
    pauseMinDaysBetween: e.PAUSE_MIN_DAYS_BETWEEN,
    quarters: e.ACCEPTANCE_QUARTERS,
    seedDemoData: e.SEED_DEMO_DATA === '' ? !production : e.SEED_DEMO_DATA === 'true',
    serviceUrlHosts,
    allowLocalServiceUrls: !production,
    notifyRatePerSecond: e.NOTIFY_RATE_PER_SECOND,
    notifyMaxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    publicHostname: e.PUBLIC_HOSTNAME.toLowerCase(),
    tabSsoAudience:
      e.TAB_SSO_AUDIENCE !== ''
        ? e.TAB_SSO_AUDIENCE
        : e.PUBLIC_HOSTNAME !== '' && e.MicrosoftAppId !== ''
          ? `api://${e.PUBLIC_HOSTNAME.toLowerCase()}/${e.MicrosoftAppId}`
          : null,
    tabOpenIdMetadataUrl: e.TAB_OPENID_METADATA_URL,
    tabDevSignIn: authDisabled && !production,
    botOpenIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
  };
}
