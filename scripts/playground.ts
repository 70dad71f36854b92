import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `npm run playground`: Microsoft 365 Agents Playground (a local Teams-like web client) against the
 * bot that `npm start` runs. The functions are exported so the @e2e test drives the Playground the
 * same way this command does.
 */

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PLAYGROUND_CONFIG_FILE = path.join(REPO_ROOT, '.m365agentsplayground.yml');
export const DEFAULT_PLAYGROUND_PORT = 56150;

/** The bin of the devDependency, run with this node rather than through npx (one process less to stop). */
export function playgroundCli(): string {
  return createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
}

export function playgroundVersion(): string {
  const pkg: unknown = createRequire(import.meta.url)('@microsoft/m365agentsplayground/package.json');
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

// ---------------------------------------------------------------------------------------------
// The config file. There is no YAML parser among the dependencies, and the Playground rejects a
// file that strays from its schema, so this reads only the fixed layout the Playground's own
// default uses and refuses anything else rather than guess.

export class PlaygroundConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundConfigError';
  }
}

function layoutError(problem: string): PlaygroundConfigError {
  return new PlaygroundConfigError(`${problem} (.m365agentsplayground.yml must keep the layout of the Playground's default file)`);
}

interface Field {
  readonly key: string;
  /** The value as written, quotes included, so a rewrite reproduces it exactly. */
  readonly raw: string;
}

export interface PlaygroundUser {
  readonly id: string;
  readonly name: string;
  readonly givenName: string;
  readonly aadObjectId: string;
  readonly fields: readonly Field[];
}

export interface PlaygroundConfig {
  readonly tenantId: string;
  readonly botName: string;
  readonly personalChatId: string;
  readonly currentUser: PlaygroundUser;
  readonly users: readonly PlaygroundUser[];
}

interface Section {
  readonly header: number;
  /** Exclusive: the next line that starts at column 0 (a key or a comment). */
  readonly end: number;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v.replace(/\s+#.*$/, '');
}

function sections(lines: readonly string[]): Map<string, Section> {
  const found = new Map<string, Section>();
  const starts: Array<{ key: string; line: number }> = [];
  const columnZero: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '' || /^\s/.test(line)) return;
    columnZero.push(i);
    const m = /^([A-Za-z]\w*):/.exec(line);
    if (m?.[1] !== undefined) starts.push({ key: m[1], line: i });
  });
  for (const { key, line } of starts) {
    const end = columnZero.find((i) => i > line) ?? lines.length;
    found.set(key, { header: line, end });
  }
  return found;
}

function section(all: Map<string, Section>, key: string): Section {
  const s = all.get(key);
  if (s === undefined) throw layoutError(`no "${key}:" section`);
  return s;
}

function scalar(lines: readonly string[], all: Map<string, Section>, key: string): string {
  const m = new RegExp(`^${key}:\\s*(.+)$`).exec(lines[section(all, key).header] ?? '');
  if (m?.[1] === undefined) throw layoutError(`"${key}" has no value`);
  return unquote(m[1]);
}

function body(lines: readonly string[], s: Section): Array<{ line: string; n: number }> {
  const out: Array<{ line: string; n: number }> = [];
  for (let n = s.header + 1; n < s.end; n += 1) {
    const line = lines[n] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    out.push({ line, n });
  }
  return out;
}

function mapping(lines: readonly string[], all: Map<string, Section>, key: string): Field[] {
  return body(lines, section(all, key)).map(({ line, n }) => {
    const m = /^ {2}(\w+):\s*(.*)$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) throw layoutError(`line ${n + 1} of "${key}" is not "  key: value"`);
    return { key: m[1], raw: m[2] };
  });
}

function list(lines: readonly string[], all: Map<string, Section>, key: string): Field[][] {
  const items: Field[][] = [];
  for (const { line, n } of body(lines, section(all, key))) {
    const first = /^ {2}- (\w+):\s*(.*)$/.exec(line);
    const next = /^ {4}(\w+):\s*(.*)$/.exec(line);
    const current = items[items.length - 1];
    if (first?.[1] !== undefined && first[2] !== undefined) items.push([{ key: first[1], raw: first[2] }]);
    else if (next?.[1] !== undefined && next[2] !== undefined && current !== undefined) current.push({ key: next[1], raw: next[2] });
    else throw layoutError(`line ${n + 1} of "${key}" is not a list item field`);
  }
  return items;
}

function field(fields: readonly Field[], key: string, where: string): string {
  const f = fields.find((x) => x.key === key);
  if (f === undefined) throw layoutError(`${where} has no "${key}"`);
  return unquote(f.raw);
}

function user(fields: readonly Field[], where: string): PlaygroundUser {
  return {
    id: field(fields, 'id', where),
    name: field(fields, 'name', where),
    givenName: field(fields, 'givenName', where),
    aadObjectId: field(fields, 'aadObjectId', where),
    fields,
  };
}

export function parsePlaygroundConfig(text: string): PlaygroundConfig {
  const lines = text.split(/\r?\n/);
  const all = sections(lines);
  return {
    tenantId: scalar(lines, all, 'tenantId'),
    botName: field(mapping(lines, all, 'bot'), 'name', 'bot'),
    personalChatId: field(mapping(lines, all, 'personalChat'), 'id', 'personalChat'),
    currentUser: user(mapping(lines, all, 'currentUser'), 'currentUser'),
    users: list(lines, all, 'users').map((fields, i) => user(fields, `users[${i}]`)),
  };
}

function matches(u: PlaygroundUser, who: string): boolean {
  const w = who.trim().toLowerCase();
  return [u.givenName, u.name, u.id, u.aadObjectId].some((v) => v.toLowerCase() === w);
}

/**
 * The same file with `who` as the current user: the Playground 0.2.x page has no user switcher,
 * and the current user is the only one who can type. The previous current user takes `who`'s
 * place in `users` (the schema wants exactly five there), and the personal chat id gets the
 * user's id appended because in Teams every user has a 1:1 chat of their own with the bot.
 */
export function configAs(text: string, who: string): { readonly text: string; readonly user: PlaygroundUser } {
  const config = parsePlaygroundConfig(text);
  if (matches(config.currentUser, who)) return { text, user: config.currentUser };
  const index = config.users.findIndex((u) => matches(u, who));
  const chosen = config.users[index];
  if (chosen === undefined) {
    const names = [config.currentUser, ...config.users].map((u) => u.givenName.toLowerCase()).join(', ');
    throw new PlaygroundConfigError(`no user "${who}" (choose one of: ${names})`);
  }
  const lines = text.split(/\r?\n/);
  const all = sections(lines);
  const asMapping = (fields: readonly Field[]) => fields.map((f) => `  ${f.key}: ${f.raw}`);
  const asItem = (fields: readonly Field[]) => fields.map((f, i) => `${i === 0 ? '  - ' : '    '}${f.key}: ${f.raw}`);
  const users = config.users.flatMap((u, i) => asItem(i === index ? config.currentUser.fields : u.fields));
  const replacements = [
    { s: section(all, 'currentUser'), body: asMapping(chosen.fields) },
    { s: section(all, 'users'), body: users },
    { s: section(all, 'personalChat'), body: [`  id: ${JSON.stringify(`${config.personalChatId}-${chosen.id}`)}`] },
  ].sort((a, b) => b.s.header - a.s.header);
  for (const { s, body: replacement } of replacements) {
    // Blank lines and comments at the end of a section belong to what follows: keep them.
    let last = s.end;
    while (last > s.header + 1 && ((lines[last - 1] ?? '').trim() === '' || (lines[last - 1] ?? '').trim().startsWith('#'))) last -= 1;
    lines.splice(s.header + 1, last - s.header - 1, ...replacement);
  }
  return { text: lines.join('\n'), user: chosen };
}

// ---------------------------------------------------------------------------------------------
// The process.

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://localhost:3978/api/messages. */
  readonly botEndpoint: string;
  /** The Playground picks a free port itself when this one is taken; read `port` on the result. */
  readonly port: number;
  readonly configFile: string;
  /** It writes its console output here, not to stdout, whenever stdout is not a terminal. */
  readonly logFile: string;
  readonly cwd: string;
  readonly openBrowser: boolean;
  /** A process group of its own, so a test can stop it and anything it spawned in one go. */
  readonly detached: boolean;
  readonly startTimeoutMs: number;
}

export interface RunningPlayground {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Who types in the page, as the running Playground reports it. */
  readonly currentUser: string;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export async function logTail(logFile: string, lines = 15): Promise<string> {
  try {
    const text = await readFile(logFile, 'utf-8');
    const clean = text.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
    return clean.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

function currentUserOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('config' in json)) return undefined;
  const config = json.config;
  if (typeof config !== 'object' || config === null || !('currentUser' in config)) return undefined;
  const u = config.currentUser;
  return typeof u === 'object' && u !== null && 'name' in u && typeof u.name === 'string' ? u.name : undefined;
}

/** `promise`, or 'late' after `ms`; the timer is cleared either way so it never holds the process. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const EXIT_WITH_STDIN = `data:text/javascript;base64,${Buffer.from(
  "process.stdin.on('end', () => process.exit(0)); process.stdin.resume();",
).toString('base64')}`;

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configFile,
    M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile,
  };
  if (!options.openBrowser) env['TEAMSAPPTESTER_BROWSER'] = 'none';
  const args = ['-e', options.botEndpoint, '-c', 'msteams', '--dt', '-p', String(options.port)];
  // stdin is a pipe we hold open for the Playground's whole life (it has been seen to quit when
  // stdin closes). The preload turns that into a guarantee the other way round: when this process
  // dies, even by SIGKILL, the pipe closes and the Playground goes too instead of keeping its port.
  const child = spawn(process.execPath, ['--import', EXIT_WITH_STDIN, playgroundCli(), ...args], {
    cwd: options.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let finished = false;
  void exited.then(() => {
    finished = true;
  });
  const killGroup = (signal: NodeJS.Signals) => {
    if (finished || child.pid === undefined) return;
    try {
      if (options.detached) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  // Last resort if the caller dies without stopping it: a detached group would outlive us.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    killGroup('SIGTERM');
    if ((await within(5000, exited)) === 'late') {
      killGroup('SIGKILL');
      await exited;
    }
    process.removeListener('exit', onExit);
  };

  let output = '';
  let stderr = '';
  child.stderr?.setEncoding('utf-8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // Both pipes are read to the end, or a chatty Playground would block on a full pipe.
  const listening = new Promise<number>((resolve) => {
    child.stdout?.setEncoding('utf-8').on('data', (chunk: string) => {
      output = (output + chunk).slice(-4000);
      const m = /Listening on (\d+)/.exec(output);
      if (m?.[1] !== undefined) resolve(Number(m[1]));
    });
  });

  const deadline = Date.now() + options.startTimeoutMs;
  const fail = async (why: string): Promise<never> => {
    await stop();
    const err = stderr.trim() === '' ? '' : `\nstderr:\n${stderr.trim()}`;
    throw new Error(`The Agents Playground ${why}. Its log (${options.logFile}) ends with:\n${await logTail(options.logFile)}${err}`);
  };
  const first = await within(options.startTimeoutMs, Promise.race([listening, exited.then(() => 'exited' as const)]));
  if (first === 'exited') return fail('exited before it started listening');
  if (first === 'late') return fail(`did not start listening within ${options.startTimeoutMs} ms`);
  const port = first;
  const url = `http://localhost:${port}`;

  // It reads the config file only after it listens and exits on a bad one, so "listening" is not
  // "ready": its internal testConfig route answers once the file was accepted. (Not /v1/config,
  // the page's own call: that one first waits up to 15 s for the bot and logs to the page.)
  for (;;) {
    if (finished) return fail('exited while loading .m365agentsplayground.yml (a file that breaks its schema does that)');
    if (Date.now() > deadline) return fail(`did not load its configuration within ${options.startTimeoutMs} ms`);
    try {
      const res = await fetch(`${url}/_internal/v1/testConfig`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) {
        const currentUser = currentUserOf(await res.json());
        if (currentUser !== undefined) return { child, port, url, currentUser, exited, stop };
      }
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---------------------------------------------------------------------------------------------
// The command.

async function botIsUp(healthUrl: string): Promise<boolean> {
  try {
    const res = await fetch(healthUrl, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
}

async function main(): Promise<number> {
  // The same .env as `npm start`, so both agree on PORT.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let values: { as?: string | undefined; port: string };
  try {
    ({ values } = parseArgs({
      options: { as: { type: 'string' }, port: { type: 'string', default: String(DEFAULT_PLAYGROUND_PORT) } },
    }));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    console.error('Usage: npm run playground -- [--as megan] [--port 56150]');
    return 1;
  }
  const botPort = (process.env['PORT'] ?? '').trim() || '3978';
  const playgroundPort = Number(values.port);
  if (!/^\d+$/.test(botPort) || !Number.isInteger(playgroundPort) || playgroundPort < 1 || playgroundPort > 65535) {
    console.error(`Invalid port: PORT=${botPort}, --port ${values.port}`);
    return 1;
  }

  const healthUrl = `http://localhost:${botPort}/healthz`;
  if (!(await botIsUp(healthUrl))) {
    console.error(`The bot is not answering on ${healthUrl}.`);
    console.error('Start it first, in another terminal:  npm start');
    console.error('(If it runs on another port, set the same PORT for both commands.)');
    return 1;
  }

  let configFile = process.env['M365_AGENTS_PLAYGROUND_CONFIG_PATH'] ?? PLAYGROUND_CONFIG_FILE;
  const configText = await readFile(configFile, 'utf-8');
  let config: PlaygroundConfig;
  let tempDir: string | undefined;
  try {
    config = parsePlaygroundConfig(configText);
    if (values.as !== undefined) {
      const alternate = configAs(configText, values.as);
      tempDir = await mkdtemp(path.join(os.tmpdir(), 'agents-playground-'));
      configFile = path.join(tempDir, '.m365agentsplayground.yml');
      await writeFile(configFile, alternate.text);
    }
  } catch (err) {
    if (!(err instanceof PlaygroundConfigError)) throw err;
    console.error(err.message);
    return 1;
  }
  if ((process.env['MicrosoftAppId'] ?? '').trim() !== '') {
    console.warn('Warning: MicrosoftAppId is set, so the bot checks tokens and will refuse the Playground. Unset it to run locally.');
  }
  const allowed = (process.env['ALLOWED_TENANTS'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (allowed.length > 0 && !allowed.includes(config.tenantId)) {
    console.warn(`Warning: ALLOWED_TENANTS does not include the Playground tenant ${config.tenantId}; the bot will refuse it.`);
  }

  const dataDir = path.resolve((process.env['DATA_DIR'] ?? '').trim() || '.data');
  const logFile = (process.env['M365_AGENTS_PLAYGROUND_LOGFILE'] ?? '').trim() || path.join(dataDir, 'm365agentsplayground.log');
  const openBrowser = process.env['TEAMSAPPTESTER_BROWSER'] !== 'none' && hasDisplay();
  const botEndpoint = `http://localhost:${botPort}/api/messages`;
  try {
    return await run({ botEndpoint, playgroundPort, configFile, logFile, openBrowser });
  } finally {
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  }
}

async function run(o: {
  botEndpoint: string;
  playgroundPort: number;
  configFile: string;
  logFile: string;
  openBrowser: boolean;
}): Promise<number> {
  const { botEndpoint, playgroundPort, configFile, logFile, openBrowser } = o;
  let playground: RunningPlayground;
  try {
    playground = await startPlayground({
      botEndpoint,
      port: playgroundPort,
      configFile,
      logFile,
      cwd: process.cwd(),
      openBrowser,
      detached: false,
      startTimeoutMs: 60_000,
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stopping = true;
      playground.child.kill(signal);
    });
  }
  if (playground.port !== playgroundPort) console.log(`Port ${playgroundPort} was taken; the Playground uses ${playground.port}.`);
  console.log(`Microsoft 365 Agents Playground ${playgroundVersion()} is talking to ${botEndpoint} (Teams channel, telemetry off).`);
  console.log(`\n  Open ${playground.url}   — you are ${playground.currentUser}${openBrowser ? ' (opening your browser)' : ''}\n`);
  console.log(`Playground log: ${path.relative(process.cwd(), logFile) || logFile}. Press Ctrl+C to stop.`);

  const { code, signal } = await playground.exited;
  // Ctrl+C reaches the Playground straight from the terminal too, sometimes before our handler runs.
  const asked = stopping || signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' || code === 130;
  if (asked) return 0;
  console.error(`The Agents Playground stopped (exit ${code ?? signal}). Its log ends with:\n${await logTail(logFile)}`);
  return code === 0 || code === null ? 1 : code;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  process.exitCode = await main();
}
