import { isRecord } from './decode.ts';

export type Credentials = { readonly kind: 'dev'; readonly as: string } | { readonly kind: 'teams'; readonly token: () => Promise<string> };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `{ error: { code, message } }` (the tab API) or `{ code, message }` (restify's own errors). */
function errorOf(body: unknown): { code: string | undefined; message: string | undefined } {
  const e = isRecord(body) && isRecord(body['error']) ? body['error'] : isRecord(body) ? body : {};
  return {
    code: typeof e['code'] === 'string' ? e['code'] : undefined,
    message: typeof e['message'] === 'string' ? e['message'] : undefined,
  };
}

export async function callApi(path: string, credentials: Credentials | null, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<unknown> {
  const url = new URL(path, window.location.origin);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials?.kind === 'dev') url.searchParams.set('as', credentials.as);
  if (credentials?.kind === 'teams') headers['authorization'] = `Bearer ${await credentials.token()}`;
  const method = init.method ?? 'GET';
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'NetworkError', `The server could not be reached (${method} ${url.pathname}): ${messageOf(err)}`, null);
  }
  const text = await response.text();
  let body: unknown = null;
  let parsed = false;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (!response.ok) {
    const e = errorOf(body);
    const message = e.message ?? (text.trim().slice(0, 200) || response.statusText || 'no details');
    throw new ApiError(response.status, e.code ?? `HTTP ${response.status}`, message, body);
  }
  if (!parsed) throw new ApiError(response.status, 'BadResponse', `${method} ${url.pathname} did not answer with JSON.`, null);
  return body;
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? err.message : `${err.message} (${err.code}, HTTP ${err.status})`;
  if (err instanceof Error) return err.message;
  if (isRecord(err) && typeof err['message'] === 'string') return err['message'];
  return String(err);
}
