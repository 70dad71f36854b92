import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import AjvModule from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { decodePng, readPngHeader, type PngHeader } from './png.ts';

/**
 * The Teams app package: the manifest template in appPackage/, its placeholders, and the checks
 * a filled manifest and its icons must pass before `npm run package` zips them.
 */

export const APP_PACKAGE_DIR = new URL('../../appPackage/', import.meta.url);
export const TEMPLATE_FILE = new URL('manifest.json', APP_PACKAGE_DIR);

/** Placeholders of the template, `${{NAME}}` as in Teams Toolkit templates. */
export interface PlaceholderValues {
  readonly MICROSOFT_APP_ID: string;
  readonly PUBLIC_HOSTNAME: string;
  readonly APP_VERSION: string;
}

export type SettingsResult =
  | { readonly ok: true; readonly values: PlaceholderValues }
  | { readonly ok: false; readonly problems: readonly string[] };

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const APP_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Why `host` is not a bare public host name, or null when it is one. */
function hostProblem(host: string): string | null {
  if (host === '') return 'required: the public host name of the bot, without scheme or path (e.g. referrals.contoso.com)';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return `"${host}": give the host name only, without the scheme (e.g. referrals.contoso.com)`;
  if (host.includes('/')) return `"${host}": give the host name only, without a path (e.g. referrals.contoso.com)`;
  if (host.includes(':')) return `"${host}": give the host name only, without a port; Teams loads tabs over https on 443`;
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l))) {
    return `"${host}" is not a public host name (like referrals.contoso.com or a dev tunnel host)`;
  }
  return null;
}

/**
 * The placeholder values from the environment and package.json's version; every problem is
 * reported, one line each, starting with the variable's name.
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>, packageVersion: string): SettingsResult {
  const problems: string[] = [];
  const appId = (env['MicrosoftAppId'] ?? '').trim();
  if (appId === '') problems.push("MicrosoftAppId: required: the bot's Microsoft app (client) id, a GUID");
  else if (!GUID.test(appId)) problems.push(`MicrosoftAppId: "${appId}" is not a GUID (like 00000000-0000-0000-0000-000000000000)`);
  const host = (env['PUBLIC_HOSTNAME'] ?? '').trim().toLowerCase();
  const badHost = hostProblem(host);
  if (badHost !== null) problems.push(`PUBLIC_HOSTNAME: ${badHost}`);
  // The bot accepts tab SSO tokens for TAB_SSO_AUDIENCE when it is set; the manifest asks Teams
  // for tokens for api://<host>/<app id>, whose audience is that URI (v1 tokens) or the bare app
  // id (v2 tokens). A package that disagrees with its bot is refused.
  const audience = (env['TAB_SSO_AUDIENCE'] ?? '').trim();
  const resource = `api://${host}/${appId}`;
  if (audience !== '' && problems.length === 0 && audience !== resource && audience !== appId) {
    problems.push(`TAB_SSO_AUDIENCE: "${audience}" is neither the package's SSO resource ${resource} nor the app id; the tab's sign-in would fail`);
  }
  if (!APP_VERSION.test(packageVersion)) problems.push(`package.json version: "${packageVersion}" is not MAJOR.MINOR.PATCH, which Teams requires`);
  if (problems.length > 0) return { ok: false, problems };
  // The id is kept as written: the bot builds its SSO audience api://<host>/<MicrosoftAppId> from
  // the same text (bot/config.ts), and it must equal the manifest's webApplicationInfo.resource.
  return { ok: true, values: { MICROSOFT_APP_ID: appId, PUBLIC_HOSTNAME: host, APP_VERSION: packageVersion } };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** A copy of `template` with `${{NAME}}` replaced in every string; an unknown name is an error. */
export function fillPlaceholders(template: unknown, values: PlaceholderValues): unknown {
  const lookup: Readonly<Record<string, string>> = { ...values };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (_m, name: string) => {
        const value = lookup[name];
        if (value === undefined) throw new Error(`manifest template: unknown placeholder \${{${name}}}`);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  return fill(template);
}

export function readTemplate(): unknown {
  return JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as unknown;
}

export function schemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
}

/** The official schema of a manifest version, as shipped by @microsoft/app-manifest. */
export function schemaFile(manifestVersion: string): string {
  if (!/^1\.\d+$/.test(manifestVersion)) throw new Error(`manifestVersion "${manifestVersion}" is not a released 1.x version`);
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
  return path.join(packageDir, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

// ajv-draft-04 is CommonJS; under NodeNext its class is the module's `default`.
const Ajv = AjvModule.default;
const validators = new Map<string, ValidateFunction>();

function validatorFor(manifestVersion: string): ValidateFunction {
  const known = validators.get(manifestVersion);
  if (known !== undefined) return known;
  const schema = JSON.parse(readFileSync(schemaFile(manifestVersion), 'utf8')) as Record<string, unknown>;
  // strictTypes is off because the official schemas omit `type` beside some keywords; unknown
  // keywords still fail to compile, so nothing in the schema is silently ignored.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
  // The only format the Teams schemas use (for `$schema`); defined here rather than pulling in ajv-formats.
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s) && URL.canParse(s));
  const validate = ajv.compile(schema);
  validators.set(manifestVersion, validate);
  return validate;
}

function formatError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  const detail =
    e.keyword === 'additionalProperties' ? ` ("${String(params['additionalProperty'])}")`
    : e.keyword === 'enum' ? ` (${JSON.stringify(params['allowedValues'])})`
    : e.keyword === 'const' ? ` (${JSON.stringify(params['allowedValue'])})`
    : '';
  return `${where}: ${e.message ?? e.keyword}${detail}`;
}

/** Limits Teams documents for bot command menus, stricter than the newest schemas. */
export const COMMAND_LIMITS = { perList: 10, title: 32, description: 128 } as const;

interface CommandListShape {
  readonly scopes?: unknown;
  readonly commands?: ReadonlyArray<{ readonly title?: unknown; readonly description?: unknown }>;
}

function houseRules(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const version = manifest['manifestVersion'];
  if (typeof version === 'string' && manifest['$schema'] !== schemaUrl(version)) {
    problems.push(`/$schema: must be ${schemaUrl(version)} for manifestVersion ${version}`);
  }
  const text = JSON.stringify(manifest);
  const left = text.match(PLACEHOLDER);
  if (left !== null) problems.push(`/: unfilled placeholders ${[...new Set(left)].join(', ')}`);
  if (typeof manifest['version'] === 'string' && !APP_VERSION.test(manifest['version'])) {
    problems.push('/version: must be MAJOR.MINOR.PATCH');
  }
  const bots = Array.isArray(manifest['bots']) ? (manifest['bots'] as ReadonlyArray<{ readonly commandLists?: readonly CommandListShape[] }>) : [];
  bots.forEach((bot, b) => {
    (bot.commandLists ?? []).forEach((list, l) => {
      const at = `/bots/${b}/commandLists/${l}/commands`;
      const commands = list.commands ?? [];
      if (commands.length > COMMAND_LIMITS.perList) problems.push(`${at}: ${commands.length} commands, Teams shows at most ${COMMAND_LIMITS.perList}`);
      commands.forEach((c, i) => {
        if (typeof c.title === 'string' && c.title.length > COMMAND_LIMITS.title) problems.push(`${at}/${i}/title: longer than ${COMMAND_LIMITS.title} characters`);
        if (typeof c.description === 'string' && c.description.length > COMMAND_LIMITS.description) {
          problems.push(`${at}/${i}/description: longer than ${COMMAND_LIMITS.description} characters`);
        }
      });
    });
  });
  return problems;
}

/**
 * Every reason the manifest is not fit to upload: the official schema of its manifestVersion
 * (offline), then the limits and consistency rules the schema does not express. Empty = valid.
 */
export function validateManifest(manifest: unknown): string[] {
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) return ['/: the manifest must be a JSON object'];
  const m = manifest as Record<string, unknown>;
  const version = m['manifestVersion'];
  if (typeof version !== 'string') return ['/manifestVersion: required, a string such as "1.30"'];
  let validate: ValidateFunction;
  try {
    validate = validatorFor(version);
  } catch (e) {
    return [`/manifestVersion: no schema for "${version}" (${e instanceof Error ? e.message : String(e)})`];
  }
  const schemaProblems = validate(manifest) ? [] : (validate.errors ?? []).map(formatError);
  return [...schemaProblems, ...houseRules(m)];
}

export interface IconSpec {
  readonly size: number;
  /** Outline icons: white on transparent only. */
  readonly outline: boolean;
}

export const ICONS = { color: { size: 192, outline: false }, outline: { size: 32, outline: true } } as const satisfies Record<string, IconSpec>;

/** Problems with one icon file: not a PNG, wrong size, or (outline) a pixel neither white nor transparent. */
export function iconProblems(name: string, file: Uint8Array, spec: IconSpec): string[] {
  let header: PngHeader;
  try {
    header = readPngHeader(file);
  } catch (e) {
    return [`${name}: ${e instanceof Error ? e.message : String(e)}`];
  }
  const problems: string[] = [];
  if (header.width !== spec.size || header.height !== spec.size) {
    problems.push(`${name}: ${header.width}x${header.height}, must be ${spec.size}x${spec.size}`);
  }
  if (spec.outline) {
    if (header.colorType !== 6) return [...problems, `${name}: must be RGBA (PNG colour type 6) for a transparent background`];
    try {
      const { pixels } = decodePng(file);
      let bad = 0;
      let white = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 0) continue;
        if (pixels[i] === 255 && pixels[i + 1] === 255 && pixels[i + 2] === 255) white++;
        else bad++;
      }
      if (bad > 0) problems.push(`${name}: ${bad} pixels are neither white nor fully transparent`);
      if (white === 0) problems.push(`${name}: no visible pixels`);
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return problems;
}
