import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logger.ts';

/** The tab's sources: index.html, styles.css, and main.ts with the modules it imports (bundled here). */
export const TAB_DIR = fileURLToPath(new URL('../../tab/', import.meta.url));

/** The hosts that may frame the tab: Teams (web, desktop, mobile), Outlook and Microsoft 365. */
export const TAB_FRAME_ANCESTORS = [
  "'self'",
  'teams.microsoft.com',
  '*.teams.microsoft.com',
  '*.skype.com',
  '*.office.com',
  'outlook.office.com',
  '*.cloud.microsoft',
] as const;

/**
 * The tab's Content-Security-Policy: its own script, styles and API only, framed by Teams only.
 * teams-js fetches its list of valid host origins from res.cdn.office.net at load (it falls back
 * to a built-in list when it cannot), hence that one extra connect-src.
 */
export const TAB_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' https://res.cdn.office.net",
  "base-uri 'none'",
  "form-action 'none'",
  `frame-ancestors ${TAB_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': TAB_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

function asset(body: Buffer, contentType: string): Asset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Bundles of this process, by folder. The sources do not change while the process runs, and the
 * tests build many apps in one process; one esbuild run each is enough.
 */
const bundles = new Map<string, Promise<Buffer>>();

/** tab/main.ts with teams-js and chart.js, as one minified ES module, in memory (once per process). */
export function bundleTabScript(dir: string = TAB_DIR): Promise<Buffer> {
  let bundle = bundles.get(dir);
  if (bundle === undefined) {
    bundle = buildTabScript(dir);
    // A failed build is not kept: the next app in this process tries again.
    bundle.catch(() => bundles.delete(dir));
    bundles.set(dir, bundle);
  }
  return bundle;
}

async function buildTabScript(dir: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [path.join(dir, 'main.ts')],
    absWorkingDir: dir,
    tsconfig: path.join(dir, 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const [output, ...more] = result.outputFiles;
  if (output === undefined || more.length > 0) throw new Error(`esbuild produced ${result.outputFiles.length} files for tab/main.ts, expected 1`);
  return Buffer.from(output.contents);
}

/** Settles at start-up; a failure is logged once and the route answers 500 (the rest still works). */
function prepare(what: string, make: () => Promise<Asset>, logger: Logger): Promise<Asset | null> {
  const started = Date.now();
  return make().then(
    (a) => {
      logger.info('dashboard tab asset ready', { asset: what, bytes: a.body.length, ms: Date.now() - started });
      return a;
    },
    (err: unknown) => {
      logger.error('dashboard tab asset failed', { asset: what, error: err instanceof Error ? err.message : String(err) });
      return null;
    },
  );
}

function send(req: Request, res: Response, a: Asset | null, what: string): void {
  if (a === null) {
    res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
    res.end(JSON.stringify({ code: 'InternalError', message: `${what} is not available; see the bot's log` }));
    return;
  }
  const headers = { 'Cache-Control': 'no-cache', ETag: a.etag, ...SECURITY_HEADERS };
  if (req.header('if-none-match') === a.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': a.contentType, 'Content-Length': String(a.body.length) });
  res.end(a.body);
}

export interface TabStaticOptions {
  /** Where index.html, main.ts and styles.css are; the repository's tab/ by default. */
  readonly dir?: string;
}

/**
 * The dashboard tab's page: GET /tab (index.html), /tab/main.js and /tab/styles.css, with a strict
 * CSP that lets Teams frame it. Everything is read, and the script bundled with esbuild, once,
 * when this is called (at start-up); requests that come sooner wait for it.
 */
export function tabStaticRoutes(logger: Logger, options: TabStaticOptions = {}): (server: Server) => void {
  const dir = options.dir ?? TAB_DIR;
  const page = prepare('tab/index.html', async () => asset(await readFile(path.join(dir, 'index.html')), 'text/html; charset=utf-8'), logger);
  const styles = prepare('tab/styles.css', async () => asset(await readFile(path.join(dir, 'styles.css')), 'text/css; charset=utf-8'), logger);
  const script = prepare('tab/main.js', async () => asset(await bundleTabScript(dir), 'text/javascript; charset=utf-8'), logger);
  return (server) => {
    const servePage = async (req: Request, res: Response): Promise<void> => send(req, res, await page, 'the dashboard page');
    server.get('/tab', servePage);
    server.get('/tab/', servePage);
    server.get('/tab/main.js', async (req: Request, res: Response) => send(req, res, await script, 'the dashboard script'));
    server.get('/tab/styles.css', async (req: Request, res: Response) => send(req, res, await styles, 'the dashboard styles'));
  };
}
