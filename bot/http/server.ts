import restify from 'restify';
import type { Request, Response, Next, Server } from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger, RequestLogger } from '../logger.ts';
import { checkActivityBody, tenantOf } from './activity-body.ts';

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly runTurn: (context: TurnContext) => Promise<void>;
  /** Lines written while a request is answered (the turn's too) carry its id through this logger. */
  readonly logger: RequestLogger;
  readonly maxBodyBytes: number;
  readonly allowedTenants: readonly string[];
  /** Later features (intake API, dashboard tab) add their routes here. */
  readonly routes?: ReadonlyArray<(server: Server) => void>;
  /** What /healthz reports beyond "the process answers": the store, the outbox. */
  readonly health?: () => { readonly ok: boolean; readonly details: Readonly<Record<string, unknown>> };
}

/**
 * restify 11 inflates gzip bodies itself and a lying Content-Encoding crashes the whole process
 * (restify issue 1785); Bot Framework never compresses requests, so refuse them before any body
 * parser runs.
 */
function rejectContentEncoding(req: Request, res: Response, next: Next): void {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    res.send(415, { code: 'UnsupportedMediaType', message: 'Content-Encoding is not accepted; send an uncompressed body' });
    next(false);
    return;
  }
  next();
}

/**
 * restify's body parser hands multipart bodies to formidable 1.2.6, which bypasses `maxBodySize`
 * and writes each uploaded file (up to 200 MB) to the temp folder, where nothing removes it: any
 * caller, before authentication, could fill the disk. No route of ours takes a form or a file.
 */
function rejectMultipart(req: Request, res: Response, next: Next): void {
  const type = req.headers['content-type'];
  if (type !== undefined && type.trim().toLowerCase().startsWith('multipart/')) {
    res.send(415, { code: 'UnsupportedMediaType', message: 'multipart bodies are not accepted; send JSON' });
    next(false);
    return;
  }
  next();
}

/** Requests being answered, per server, so shutdown can wait for them (see drainRequests). */
const inFlight = new WeakMap<Server, { count: number; idle: Array<() => void> }>();

/**
 * Counts requests in flight and logs each one when it ends: request id, method, path, status and
 * time; never a body or a header value.
 */
function trackRequests(server: Server, logger: Logger): void {
  const state = { count: 0, idle: [] as Array<() => void> };
  inFlight.set(server, state);
  server.pre((req: Request, res: Response, next: Next) => {
    const started = Date.now();
    state.count++;
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      state.count--;
      logger.info('request', { reqId: req.id(), method: req.method, path: req.path(), status: res.statusCode, ms: Date.now() - started });
      if (state.count === 0) for (const resolve of state.idle.splice(0)) resolve();
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  });
}

/** Resolves true once no request is in flight, or false after `timeoutMs` with some still running. */
export function drainRequests(server: Server, timeoutMs: number): Promise<boolean> {
  const state = inFlight.get(server);
  if (state === undefined || state.count === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    state.idle.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'fasttrack-referrals-bot', handleUncaughtExceptions: false });
  trackRequests(server, deps.logger);
  server.pre(rejectContentEncoding);
  server.pre(rejectMultipart);
  server.use(
    restify.plugins.bodyParser({
      maxBodySize: deps.maxBodyBytes,
      mapParams: false,
      mapFiles: false,
      rejectUnknown: false,
    }),
  );
  // restify calls the next handler synchronously, so the route (and the turn it runs) starts
  // inside this scope; the body parser above reads from socket events, outside any scope.
  server.use((req: Request, _res: Response, next: Next) => deps.logger.forRequest(req.id(), () => next()));
  // Tenant ids are GUIDs, which Teams and admins may write in either case.
  const allowedTenants = new Set(deps.allowedTenants.map((t) => t.toLowerCase()));

  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    const health = deps.health?.() ?? { ok: true, details: {} };
    // 503 tells a load balancer to stop sending work here: the store refuses writes.
    res.send(health.ok ? 200 : 503, { status: health.ok ? 'ok' : 'degraded', ...health.details });
    next();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const check = checkActivityBody(req.body);
    if (!check.ok) {
      deps.logger.warn('rejected inbound activity', { reason: check.reason });
      res.send(400, { code: 'BadRequest', message: check.reason });
      return;
    }
    const tenant = tenantOf(check.activity);
    if (allowedTenants.size > 0 && (tenant === undefined || !allowedTenants.has(tenant.toLowerCase()))) {
      deps.logger.warn('refused activity from a tenant that is not allowed', { tenant: tenant ?? null });
      res.send(403, { code: 'Forbidden', message: 'this tenant is not allowed to use the bot' });
      return;
    }
    try {
      await deps.adapter.process(req, res, deps.runTurn);
    } catch (err) {
      deps.logger.error('adapter failed to process an activity', { error: String(err) });
      if (!res.headersSent) res.send(500, { code: 'InternalError', message: 'the activity could not be processed' });
    }
  });

  for (const addRoutes of deps.routes ?? []) addRoutes(server);

  server.on(
    'restifyError',
    (req: Request, _res: Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, cb: () => void) => {
      if ((err.statusCode ?? 500) >= 500) {
        // Also for errors raised before the request's log scope began (the body parser's).
        deps.logger.error('request failed', { reqId: req.id(), path: req.path(), error: err.message });
        // Never leak stack traces or internal messages to callers.
        err.toJSON = () => ({ code: 'InternalError', message: 'internal error' });
      }
      cb();
    },
  );
  return server;
}

/** Starts listening and resolves with the bound port (useful with port 0 in tests). */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(address.port);
    });
  });
}
