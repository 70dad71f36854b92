import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  APP_PACKAGE_DIR,
  ICONS,
  fillPlaceholders,
  iconProblems,
  readSettings,
  readTemplate,
  validateManifest,
} from './lib/app-package.ts';
import { createZip } from './lib/zip.ts';

/**
 * `npm run package`: fills appPackage/manifest.json from the environment (and `.env`), checks it
 * against the official schema of its manifestVersion and the icons' sizes, then writes
 * appPackage/build/appPackage.zip with manifest.json, color.png and outline.png at its root.
 * Exit status 2 for missing or bad settings, 1 when the manifest or an icon is refused; nothing
 * is written in either case. `-- --out file.zip` writes elsewhere.
 */

const BAD_SETTINGS = 2;
const REFUSED = 1;

function fail(status: number, lines: readonly string[]): void {
  for (const line of lines) process.stderr.write(`package: ${line}\n`);
  process.exitCode = status;
}

function main(): void {
  const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
  if (existsSync('.env')) process.loadEnvFile('.env');

  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const settings = readSettings(process.env, version);
  if (!settings.ok) {
    fail(BAD_SETTINGS, settings.problems);
    return;
  }

  const manifest = fillPlaceholders(readTemplate(), settings.values);
  const problems = validateManifest(manifest);
  const files: Array<{ name: string; data: Buffer }> = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }];
  for (const [key, spec] of Object.entries(ICONS)) {
    const name = `${key}.png`;
    const file = new URL(name, APP_PACKAGE_DIR);
    if (!existsSync(file)) {
      problems.push(`${name}: missing from appPackage/ (npx tsx scripts/icons.ts draws it)`);
      continue;
    }
    const data = readFileSync(file);
    problems.push(...iconProblems(name, data, spec));
    files.push({ name, data });
  }
  if (problems.length > 0) {
    fail(REFUSED, [`refused: ${problems.length} problem(s); no package written`, ...problems]);
    return;
  }

  const out = path.resolve(args.out ?? fileURLToPath(new URL('build/appPackage.zip', APP_PACKAGE_DIR)));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, createZip(files));
  const { MICROSOFT_APP_ID, PUBLIC_HOSTNAME, APP_VERSION } = settings.values;
  console.log(`wrote ${out}: app ${MICROSOFT_APP_ID} version ${APP_VERSION} for https://${PUBLIC_HOSTNAME}`);
}

main();
