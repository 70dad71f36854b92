import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Principal } from '../../domain/access/policy.ts';
import type { ProgramReadModel } from '../../domain/referrals/repository.ts';
import type { Dashboard, TabResult } from '../../dialogs/dashboard.ts';
import { PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import type { Logger } from '../logger.ts';
import type { SsoVerifier } from './tab-auth.ts';

export interface TabApiDeps {
  readonly dashboard: Dashboard;
  readonly read: () => ProgramReadModel;
  /** Null when no SSO audience is configured: only the development sign-in works then. */
  readonly sso: SsoVerifier | null;
  /** Local development mode only: `?as=alex` signs in as a Playground user. Never true in production. */
  readonly devSignIn: boolean;
  readonly logger: Logger;
}

const MPN = z.string().regex(/^\d{5,10}$/);
const ID = z.string().min(1).max(100);
const pauseBody = z.object({ until: z.string().max(20) }).strict();
const declineBody = z.object({ reason: z.string().max(40), text: z.string().max(300).optional() }).strict();

type Auth = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: string };

/**
 * The only identities the development sign-in takes: a Playground user's name or aadObjectId.
 * Anything else is refused, so `?as=` cannot stand for an arbitrary user of the store.
 */
const DEV_USERS: ReadonlyMap<string, string> = new Map(Object.entries(PLAYGROUND_USERS).flatMap(([name, aad]) => [[name, aad] as const, [aad, aad] as const]));
const DEV_NAMES = Object.keys(PLAYGROUND_USERS).join(', ');

function fail(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.send(status, { error: { code, message }, ...extra });
}

/**
 * The dashboard tab's API under /api/tab. The caller is who a valid Teams SSO token says (tenant
 * + AAD object id, looked up in the store's users), or, in local development only, one of the
 * Playground users named by `?as=`; rights come from the same access policy as the bot's commands.
 */
export function tabApiRoutes(deps: TabApiDeps): (server: Server) => void {
  const { dashboard, logger } = deps;

  async function authenticate(req: Request): Promise<Auth> {
    const header = req.header('authorization') ?? '';
    if (header !== '') {
      const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
      if (match?.[1] === undefined) return { ok: false, reason: 'Authorization must be a Bearer token' };
      if (deps.sso === null) return { ok: false, reason: 'single sign-on is not configured on this server' };
      const result = await deps.sso.verify(match[1]);
      if (!result.ok) return { ok: false, reason: result.reason };
      const { tenantId, aadObjectId } = result.identity;
      return { ok: true, principal: { tenantId, aadObjectId, user: deps.read().user(tenantId, aadObjectId) } };
    }
    // The server runs no query parser (only this route family reads a query), so read it here.
    const as = new URL(req.url ?? '/', 'http://localhost').searchParams.get('as') ?? '';
    if (as !== '' && deps.devSignIn) {
      const aad = DEV_USERS.get(as.toLowerCase());
      if (aad === undefined) return { ok: false, reason: `the development sign-in accepts only the Playground users (${DEV_NAMES}, or their aadObjectId)` };
      logger.warn('tab: DEVELOPMENT sign-in, no token checked', { as, aadObjectId: aad });
      return { ok: true, principal: { tenantId: PLAYGROUND_TENANT, aadObjectId: aad, user: deps.read().user(PLAYGROUND_TENANT, aad) } };
    }
    return { ok: false, reason: 'sign in through Teams' };
  }

  /** Runs `handle` for an authenticated caller; answers 401 otherwise, never running it. */
  function route(handle: (req: Request, res: Response, p: Principal) => Promise<void> | void) {
    return async (req: Request, res: Response): Promise<void> => {
      const auth = await authenticate(req);
      if (!auth.ok) {
        logger.warn('tab: request refused', { path: req.path(), reason: auth.reason });
        fail(res, 401, 'Unauthorized', auth.reason, { devMode: deps.devSignIn });
        return;
      }
      await handle(req, res, auth.principal);
    };
  }

  function answer<T>(res: Response, r: TabResult<T>, wrap: (v: T) => unknown = (v) => v): void {
    if (r.ok) res.send(200, wrap(r.value));
    else fail(res, r.status, r.code, r.message);
  }

  function param(req: Request, name: string, schema: z.ZodString): string | null {
    const parsed = schema.safeParse(req.params?.[name]);
    return parsed.success ? parsed.data : null;
  }

  return (server) => {
    if (deps.devSignIn) {
      logger.warn(
        `tab: DEVELOPMENT SIGN-IN IS ON: /tab?as=<user> signs in as a Playground user (${DEV_NAMES}) with no token checked. Local development only; never expose this instance.`,
      );
    }
    server.get('/api/tab/me', route((_req, res, p) => res.send(200, { ...dashboard.me(p), devMode: deps.devSignIn })));

    server.get(
      '/api/tab/locations/:mpnId',
      route((req, res, p) => {
        const mpnId = param(req, 'mpnId', MPN);
        if (mpnId === null) return fail(res, 400, 'BadRequest', 'mpnId must be 5 to 10 digits');
        answer(res, dashboard.location(p, mpnId));
      }),
    );

    server.post(
      '/api/tab/locations/:mpnId/pause',
      route(async (req, res, p) => {
        const mpnId = param(req, 'mpnId', MPN);
        const body = pauseBody.safeParse(req.body ?? {});
        if (mpnId === null || !body.success) return fail(res, 400, 'BadRequest', 'expected { "until": "YYYY-MM-DD" } for a location MPN ID');
        answer(res, await dashboard.pause(p, mpnId, body.data.until), (location) => ({ location }));
      }),
    );

    server.post(
      '/api/tab/locations/:mpnId/resume',
      route(async (req, res, p) => {
        const mpnId = param(req, 'mpnId', MPN);
        if (mpnId === null) return fail(res, 400, 'BadRequest', 'mpnId must be 5 to 10 digits');
        answer(res, await dashboard.resume(p, mpnId), (location) => ({ location }));
      }),
    );

    server.post(
      '/api/tab/referrals/:referralId/parts/:assignmentId/accept',
      route(async (req, res, p) => {
        const referralId = param(req, 'referralId', ID);
        const assignmentId = param(req, 'assignmentId', ID);
        if (referralId === null || assignmentId === null) return fail(res, 400, 'BadRequest', 'referral and part ids are required');
        answer(res, await dashboard.accept(p, referralId, assignmentId));
      }),
    );

    server.post(
      '/api/tab/referrals/:referralId/parts/:assignmentId/decline',
      route(async (req, res, p) => {
        const referralId = param(req, 'referralId', ID);
        const assignmentId = param(req, 'assignmentId', ID);
        const body = declineBody.safeParse(req.body ?? {});
        if (referralId === null || assignmentId === null || !body.success) return fail(res, 400, 'BadRequest', 'expected { "reason": "...", "text"?: "..." }');
        const text = body.data.text?.trim();
        answer(res, await dashboard.decline(p, referralId, assignmentId, { code: body.data.reason, text: text === undefined || text === '' ? null : text }));
      }),
    );
  };
}
