import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';
import { COMMANDS, typedCommand } from '../../bot/commands/command-table.ts';
import {
  COMMAND_LIMITS,
  ICONS,
  fillPlaceholders,
  iconProblems,
  readTemplate,
  schemaFile,
  schemaUrl,
  validateManifest,
} from '../../scripts/lib/app-package.ts';
import { ACCENT_COLOR, colorIcon, outlineIcon } from '../../scripts/lib/icon-art.ts';
import { decodePng, encodePng, readPngHeader } from '../../scripts/lib/png.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const APP_PACKAGE = path.join(REPO, 'appPackage');
const APP_ID = '6f1a2b3c-1111-4222-8333-444455556666';
const HOST = 'referrals.example.com';
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

interface Command {
  title: string;
  description?: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}
interface Bot {
  botId?: string;
  scopes: string[];
  isNotificationOnly?: boolean;
  supportsFiles?: boolean;
  commandLists: CommandList[];
}
interface StaticTab {
  entityId: string;
  name?: string;
  contentUrl?: string;
  websiteUrl?: string;
  scopes: string[];
}
interface Manifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  name: { short: string; full?: string };
  description: { short: string; full: string };
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: Bot[];
  staticTabs: StaticTab[];
  permissions?: string[];
  devicePermissions?: string[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  [key: string]: unknown;
}

function filled(): Manifest {
  return fillPlaceholders(readTemplate(), { MICROSOFT_APP_ID: APP_ID, PUBLIC_HOSTNAME: HOST, APP_VERSION: VERSION }) as Manifest;
}

function bot(m: Manifest): Bot {
  const b = m.bots[0];
  assert.ok(b !== undefined, 'the manifest declares no bot');
  return b;
}

function commandsFor(m: Manifest, scope: string): string[] {
  const lists = bot(m).commandLists.filter((l) => l.scopes.includes(scope));
  assert.equal(lists.length, 1, `exactly one command list for ${scope}`);
  return (lists[0]?.commands ?? []).map((c) => c.title);
}

/** The validation problems of a copy of the filled manifest after `mutate`. */
function problemsAfter(mutate: (m: Manifest) => void): string[] {
  const copy = structuredClone(filled());
  mutate(copy);
  return validateManifest(copy);
}

function hasProblem(problems: readonly string[], start: string, includes: string): boolean {
  return problems.some((p) => p.startsWith(start) && p.includes(includes));
}

describe('Teams app package: appPackage/manifest.json', () => {
  it('filled with test values, validates against the official schema of its manifestVersion', () => {
    const m = filled();
    assert.ok(existsSync(schemaFile(m.manifestVersion)), `no schema shipped for ${m.manifestVersion}`);
    assert.equal(m.$schema, schemaUrl(m.manifestVersion));
    assert.deepEqual(validateManifest(m), []);
    assert.doesNotMatch(JSON.stringify(m), /\$\{\{/);
  });

  it('a broken copy does not validate, and each problem names its place', () => {
    const tooMany = (n: number) => (m: Manifest) => {
      const list = bot(m).commandLists[0];
      assert.ok(list !== undefined);
      while (list.commands.length < n) list.commands.push({ title: `extra ${list.commands.length}`, description: 'x' });
    };
    // The official schema (v1.24 and later) allows 12 commands; a 13th fails the schema itself…
    assert.ok(hasProblem(problemsAfter(tooMany(13)), '/bots/0/commandLists/0/commands:', 'must NOT have more than 12 items'));
    // …and an 11th fails Teams' documented menu limit of 10.
    const eleven = problemsAfter(tooMany(11));
    assert.deepEqual(eleven, ['/bots/0/commandLists/0/commands: 11 commands, Teams shows at most 10']);
    assert.ok(
      hasProblem(
        problemsAfter((m) => delete bot(m).botId),
        '/bots/0:',
        "must have required property 'botId'",
      ),
    );
    assert.ok(hasProblem(problemsAfter((m) => (m.accentColor = 'blue')), '/accentColor:', 'must match pattern'));
    assert.ok(hasProblem(problemsAfter((m) => (m.id = 'not-a-guid')), '/id:', 'must match pattern'));
    assert.ok(hasProblem(problemsAfter((m) => (m.name.short = 'F'.repeat(31))), '/name/short:', 'must NOT have more than 30 characters'));
    assert.ok(hasProblem(problemsAfter((m) => (m['botid'] = APP_ID)), '/:', 'must NOT have additional properties ("botid")'));
    assert.ok(hasProblem(problemsAfter((m) => (m.permissions = ['identity', 'readEverything'])), '/permissions/1:', 'must be equal to one of the allowed values'));
    assert.ok(hasProblem(problemsAfter((m) => (m.staticTabs[1] = { entityId: 'x', scopes: ['personal'], contentUrl: 'ftp://x' })), '/staticTabs/1/contentUrl:', 'must match pattern'));
    assert.ok(hasProblem(problemsAfter((m) => (m.manifestVersion = '1.29')), '/$schema:', 'for manifestVersion 1.29'));
    assert.ok(hasProblem(problemsAfter((m) => (m.validDomains = ['${{PUBLIC_HOSTNAME}}'])), '/:', 'unfilled placeholders'));
    assert.ok(hasProblem(problemsAfter((m) => (m.manifestVersion = '9.99')), '/manifestVersion:', 'no schema'));
  });

  it('has the app id, the names, the package.json version and the icons', () => {
    const m = filled();
    assert.equal(m.id, APP_ID);
    assert.equal(m.version, VERSION);
    assert.equal(m.name.short, 'FastTrack Referrals');
    assert.ok((m.name.full ?? '').length > m.name.short.length);
    assert.ok(m.description.short.length <= 80);
    assert.equal(m.developer.name, 'FastTrack Partner Community');
    for (const url of [m.developer.websiteUrl, m.developer.privacyUrl, m.developer.termsOfUseUrl]) assert.match(url, /^https:\/\/[^/]+\.[^/]+/);
    assert.deepEqual(m.icons, { color: 'color.png', outline: 'outline.png' });
    assert.equal(m.accentColor, ACCENT_COLOR);
    assert.deepEqual([...(m.permissions ?? [])].sort(), ['identity', 'messageTeamMembers']);
    assert.deepEqual(m.devicePermissions ?? [], []);
  });

  it('declares the bot in personal, team and group chat, with a command list for each scope', () => {
    const m = filled();
    assert.equal(m.bots.length, 1);
    const b = bot(m);
    assert.equal(b.botId, APP_ID);
    assert.deepEqual([...b.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(b.isNotificationOnly, false);
    assert.equal(b.supportsFiles, false);
    assert.deepEqual(b.commandLists.flatMap((l) => l.scopes).sort(), ['groupChat', 'personal', 'team']);

    const personal = commandsFor(m, 'personal');
    for (const c of ['help', 'pending', 'accept', 'decline', 'acceptance rate', 'pause', 'resume', 'status']) assert.ok(personal.includes(c), `personal lacks ${c}`);
    const operations = new Set(COMMANDS.filter((c) => c.who.length === 1 && c.who[0] === 'operations').map((c) => c.name.replace(/-/g, ' ')));
    assert.ok(personal.some((c) => operations.has(c)), 'personal lists no FastTrack operations command');
    const team = commandsFor(m, 'team');
    for (const c of ['help', 'subscribe', 'unsubscribe', 'pending', 'status']) assert.ok(team.includes(c), `team lacks ${c}`);
    const groupChat = commandsFor(m, 'groupChat');
    for (const c of ['help', 'pending', 'status']) assert.ok(groupChat.includes(c), `groupChat lacks ${c}`);
    // subscribe/unsubscribe only work in a team channel; elsewhere the bot refuses them.
    for (const c of ['subscribe', 'unsubscribe']) assert.ok(!personal.includes(c) && !groupChat.includes(c), `${c} offered outside a team`);
  });

  it('lists only commands the bot routes', () => {
    const m = filled();
    for (const list of bot(m).commandLists) {
      for (const { title, description = '' } of list.commands) {
        const name = title.replace(/ /g, '-');
        if (typedCommand(title) === name) continue;
        // A command that needs an argument: its description must show the help card's example,
        // and that example must route to the command.
        const help = COMMANDS.find((c) => c.name === name)?.help;
        assert.ok(help !== undefined, `"${title}" (${list.scopes.join()}) is not a command the bot routes`);
        assert.ok(description.includes(help.usage), `"${title}": the description should show "${help.usage}"`);
        assert.equal(typedCommand(help.usage), name, `"${help.usage}" does not route to ${name}`);
      }
    }
  });

  it("keeps the command menus within Teams' documented limits", () => {
    for (const list of bot(filled()).commandLists) {
      assert.ok(list.commands.length <= COMMAND_LIMITS.perList, `${list.scopes.join()}: ${list.commands.length} commands`);
      assert.equal(new Set(list.commands.map((c) => c.title)).size, list.commands.length, `${list.scopes.join()}: a command twice`);
      for (const c of list.commands) {
        assert.ok(c.title.length <= 32, `title "${c.title}"`);
        assert.ok(c.description !== undefined && c.description.length > 0 && c.description.length <= 128, `description of "${c.title}"`);
      }
    }
  });

  it('has the Referrals tab at https://<host>/tab, the host in validDomains and the SSO resource', () => {
    const m = filled();
    const tab = m.staticTabs.find((t) => t.entityId === 'referrals');
    assert.ok(tab !== undefined, 'no referrals tab');
    assert.equal(tab.name, 'Referrals');
    assert.equal(tab.contentUrl, `https://${HOST}/tab`);
    assert.equal(tab.websiteUrl, `https://${HOST}/tab`);
    assert.deepEqual(tab.scopes, ['personal']);
    assert.ok(m.validDomains.includes(HOST));
    assert.deepEqual(m.webApplicationInfo, { id: APP_ID, resource: `api://${HOST}/${APP_ID}` });
  });
});

describe('Teams app package: icons', () => {
  const color = readFileSync(path.join(APP_PACKAGE, 'color.png'));
  const outline = readFileSync(path.join(APP_PACKAGE, 'outline.png'));

  it('color.png is 192×192, opaque, the white mark on the accent colour', () => {
    assert.deepEqual(iconProblems('color.png', color, ICONS.color), []);
    const { width, height, pixels } = decodePng(color);
    assert.deepEqual([width, height], [192, 192]);
    const rgb = (i: number) => `#${[...pixels.subarray(i * 4, i * 4 + 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`.toUpperCase();
    let white = 0;
    for (let i = 0; i < width * height; i++) {
      assert.equal(pixels[i * 4 + 3], 255, `pixel ${i} is not opaque`);
      if (rgb(i) === '#FFFFFF') white++;
    }
    assert.equal(rgb(0), ACCENT_COLOR);
    assert.ok(white > 500, `only ${white} white pixels`);
  });

  it('outline.png is 32×32 RGBA, every pixel fully transparent or white', () => {
    const header = readPngHeader(outline);
    assert.deepEqual([header.width, header.height, header.bitDepth, header.colorType], [32, 32, 8, 6]);
    const { pixels } = decodePng(outline);
    let visible = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) continue;
      visible++;
      assert.deepEqual([...pixels.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is visible and not white`);
    }
    assert.ok(visible > 100, `only ${visible} visible pixels`);
    assert.equal(pixels[3], 0, 'the corner is not transparent');
    assert.deepEqual(iconProblems('outline.png', outline, ICONS.outline), []);
  });

  it('the committed PNGs are what scripts/icons.ts draws', () => {
    assert.deepEqual(decodePng(color).pixels, colorIcon().pixels, 'color.png is stale: npx tsx scripts/icons.ts');
    assert.deepEqual(decodePng(outline).pixels, outlineIcon().pixels, 'outline.png is stale: npx tsx scripts/icons.ts');
  });

  it('refuses a wrong size, an outline with a coloured pixel, and a file that is not a PNG', () => {
    assert.deepEqual(iconProblems('color.png', outline, ICONS.color), ['color.png: 32x32, must be 192x192']);
    const tinted = outlineIcon();
    tinted.pixels.set([255, 0, 0, 255], 0);
    assert.deepEqual(iconProblems('outline.png', encodePng(tinted), ICONS.outline), ['outline.png: 1 pixels are neither white nor fully transparent']);
    assert.deepEqual(iconProblems('outline.png', Buffer.from('GIF89a'), ICONS.outline), ['outline.png: not a PNG file (bad signature)']);
  });
});

interface ZipItem {
  readonly name: string;
  readonly method: number;
  readonly data: Buffer;
}

/** Reads an archive through its central directory, checking each entry's local header and CRC. */
function readZip(zip: Buffer): ZipItem[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0 && eocd === zip.length - 22, 'no end of central directory record (or a comment)');
  const count = zip.readUInt16LE(eocd + 10);
  const size = zip.readUInt32LE(eocd + 12);
  let at = zip.readUInt32LE(eocd + 16);
  assert.equal(at + size, eocd, 'the central directory does not end at the end record');
  const items: ZipItem[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `central header ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const plain = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    assert.equal(zip.toString('utf8', local + 30, local + 30 + zip.readUInt16LE(local + 26)), name);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + compressed);
    assert.ok(method === 0 || method === 8, `${name}: method ${method}`);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    assert.equal(data.length, plain, `${name}: size`);
    assert.equal(crc32(data), crc, `${name}: CRC`);
    items.push({ name, method, data });
    at += 46 + nameLength + skip;
  }
  return items;
}

describe('Teams app package: npm run package', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function runPackage(env: Record<string, string>, out: string) {
    // Explicit values (even empty ones) win over a developer's .env, which fills only unset keys.
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package.ts', '--out', out], {
      cwd: REPO,
      env: { ...process.env, MicrosoftAppId: '', PUBLIC_HOSTNAME: '', TAB_SSO_AUDIENCE: '', DATA_DIR: path.join(dir, 'data'), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('writes a zip with exactly manifest.json, color.png and outline.png at the root, the manifest filled', () => {
    const out = path.join(dir, 'build', 'appPackage.zip');
    const run = runPackage({ MicrosoftAppId: ` ${APP_ID} `, PUBLIC_HOSTNAME: HOST.toUpperCase() }, out);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const items = readZip(readFileSync(out));
    assert.deepEqual(items.map((i) => i.name).sort(), ['color.png', 'manifest.json', 'outline.png']);
    const file = (name: string) => items.find((i) => i.name === name)?.data ?? Buffer.alloc(0);
    assert.deepEqual(file('color.png'), readFileSync(path.join(APP_PACKAGE, 'color.png')));
    assert.deepEqual(file('outline.png'), readFileSync(path.join(APP_PACKAGE, 'outline.png')));
    const text = file('manifest.json').toString('utf8');
    assert.doesNotMatch(text, /\$\{\{/);
    const m = JSON.parse(text) as Manifest;
    assert.deepEqual(m, filled());
    assert.equal(bot(m).botId, APP_ID);
    assert.deepEqual(m.validDomains, [HOST]);
    assert.deepEqual(validateManifest(m), []);
  });

  it('the zip is readable by the unzip command too', function () {
    if (spawnSync('unzip', ['-v'], { encoding: 'utf8' }).status !== 0) this.skip();
    const out = path.join(dir, 'unzip-check.zip');
    assert.equal(runPackage({ MicrosoftAppId: APP_ID, PUBLIC_HOSTNAME: HOST }, out).status, 0);
    const test = spawnSync('unzip', ['-tq', out], { encoding: 'utf8' });
    assert.equal(test.status, 0, test.stdout + test.stderr);
    const list = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' });
    assert.deepEqual(list.stdout.trim().split('\n').sort(), ['color.png', 'manifest.json', 'outline.png']);
  });

  it('without MicrosoftAppId: exit 2, one line naming it, nothing written', () => {
    const out = path.join(dir, 'no-app-id.zip');
    const run = runPackage({ PUBLIC_HOSTNAME: HOST }, out);
    assert.equal(run.status, 2, run.stderr);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? '', /MicrosoftAppId: required/);
    assert.equal(existsSync(out), false);
  });

  it('with a URL for PUBLIC_HOSTNAME, or an app id that is not a GUID: exit 2, one line each', () => {
    const out = path.join(dir, 'bad.zip');
    const run = runPackage({ MicrosoftAppId: 'my-bot', PUBLIC_HOSTNAME: `https://${HOST}/` }, out);
    assert.equal(run.status, 2, run.stderr);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, run.stderr);
    assert.match(lines[0] ?? '', /MicrosoftAppId: "my-bot" is not a GUID/);
    assert.match(lines[1] ?? '', /PUBLIC_HOSTNAME: .*without the scheme/);
    assert.equal(existsSync(out), false);
  });

  it('refuses a package whose SSO resource differs from the bot\'s TAB_SSO_AUDIENCE', () => {
    const out = path.join(dir, 'audience.zip');
    const run = runPackage({ MicrosoftAppId: APP_ID, PUBLIC_HOSTNAME: HOST, TAB_SSO_AUDIENCE: `api://other.example.com/${APP_ID}` }, out);
    assert.equal(run.status, 2, run.stderr);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? '', /TAB_SSO_AUDIENCE: .* is neither the package's SSO resource api:\/\/referrals\.example\.com\//);
    assert.equal(existsSync(out), false);
    for (const audience of [`api://${HOST}/${APP_ID}`, APP_ID]) {
      assert.equal(runPackage({ MicrosoftAppId: APP_ID, PUBLIC_HOSTNAME: HOST, TAB_SSO_AUDIENCE: audience }, out).status, 0, audience);
    }
  });
});
