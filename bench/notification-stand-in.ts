import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable stand-in for the Teams connector's "send to conversation" endpoint, for the outbox
 * tests and the fan-out benchmark. It records every POST to /v3/conversations/{id}/activities and
 * answers what the script says (201 by default): 429 with or without Retry-After, 403, 404, 500…
 * Replies to an activity (…/activities/{id}) are recorded the same way.
 */
export interface StandInAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (the request is recorded on arrival). */
  readonly delayMs?: number;
}

export interface ReceivedPost {
  readonly conversationId: string;
  /** Arrival time (Date.now()). */
  readonly at: number;
  /** 1 for the first post to this conversation, 2 for the second… */
  readonly nth: number;
  readonly activity: Record<string, unknown>;
  /** Referral ids the card mentions (R-1234), to tell notifications apart. */
  readonly referralIds: readonly string[];
  readonly status: number;
}

export type StandInScript = (post: Omit<ReceivedPost, 'status'>) => StandInAnswer;

export interface NotificationStandIn {
  /** Service URL to store on the conversations under test. */
  readonly serviceUrl: string;
  /** Every post, in arrival order, whatever was answered. */
  readonly posts: readonly ReceivedPost[];
  /** Posts that were answered 2xx. */
  delivered(): ReceivedPost[];
  setScript(script: StandInScript): void;
  /** Called on each post's arrival, before it is answered. */
  onPost(listener: (post: ReceivedPost) => void): void;
  close(): Promise<void>;
}

const PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?\/?$/;

export async function startNotificationStandIn(script: StandInScript = () => ({ status: 201 })): Promise<NotificationStandIn> {
  const posts: ReceivedPost[] = [];
  const perConversation = new Map<string, number>();
  const listeners: Array<(post: ReceivedPost) => void> = [];
  let current = script;
  let ids = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null;
      let activity: Record<string, unknown> | null = null;
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf-8'));
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) activity = parsed as Record<string, unknown>;
      } catch {
        activity = null;
      }
      if (match?.[1] === undefined || activity === null) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"BadRequest","message":"not an activity post"}}');
        return;
      }
      const conversationId = decodeURIComponent(match[1]);
      const nth = (perConversation.get(conversationId) ?? 0) + 1;
      perConversation.set(conversationId, nth);
      const base = { conversationId, at: Date.now(), nth, activity, referralIds: [...new Set(JSON.stringify(activity).match(/R-\d+/g) ?? [])] };
      const answer = current(base);
      const post: ReceivedPost = { ...base, status: answer.status };
      posts.push(post);
      for (const l of listeners) l(post);
      const reply = (): void => {
        const ok = answer.status >= 200 && answer.status < 300;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(ok ? JSON.stringify({ id: `m${++ids}` }) : JSON.stringify({ error: { code: `Status${answer.status}`, message: `scripted ${answer.status}` } }));
      };
      if (answer.delayMs === undefined || answer.delayMs <= 0) reply();
      else setTimeout(reply, answer.delayMs);
    });
  });
  // Node closes idle keep-alive sockets after 5 s, the same moment Node's client agent may reuse
  // one: a post then meets a reset socket and, being ambiguous, is left unconfirmed. Connectors
  // keep idle connections far longer than clients do; so does this stand-in.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    posts,
    delivered: () => posts.filter((p) => p.status >= 200 && p.status < 300),
    setScript: (s) => {
      current = s;
    },
    onPost: (l) => listeners.push(l),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
