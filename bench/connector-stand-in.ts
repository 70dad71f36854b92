import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Bot Connector service on localhost: the bots under test reply to it (each
 * inbound activity's serviceUrl points here), and the load driver waits on it to know a reply
 * really left the bot. Only the two endpoints a bot uses to answer a turn are implemented.
 */
export interface ConnectorStandIn {
  /** serviceUrl to put on inbound activities. */
  readonly serviceUrl: string;
  /** Resolves true when a reply to (conversation, activity) arrives, false after timeoutMs. */
  expectReply(conversationId: string, activityId: string, timeoutMs: number): PendingReply;
  counts(): StandInCounts;
  close(): Promise<void>;
}

export interface PendingReply {
  readonly arrived: Promise<boolean>;
  cancel(): void;
}

export interface StandInCounts {
  /** Every activity POSTed to a conversations endpoint. */
  readonly received: number;
  /** Replies nobody was waiting for: duplicates, late ones, or ones for unknown activities. */
  readonly unexpected: number;
  /** Requests that were not a known endpoint or not a JSON activity. */
  readonly malformed: number;
  /** Body bytes of every activity received: tells how heavy each bot's replies are. */
  readonly bytes: number;
}

const REPLY_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

interface Waiter {
  settle(arrived: boolean): void;
}

export async function startConnectorStandIn(): Promise<ConnectorStandIn> {
  const waiters = new Map<string, Waiter>();
  let received = 0;
  let unexpected = 0;
  let malformed = 0;
  let bytes = 0;
  let nextId = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = req.method === 'POST' ? REPLY_PATH.exec(req.url ?? '') : null;
      const raw = Buffer.concat(chunks);
      const body = parseActivity(raw.toString('utf-8'));
      if (match === null || body === undefined) {
        malformed++;
        respond(res, 404, '{"error":{"code":"NotFound"}}');
        return;
      }
      received++;
      bytes += raw.length;
      const conversation = decodeURIComponent(match[1] ?? '');
      // The first endpoint names the activity replied to; sendToConversation carries it in the body.
      const replyTo = match[2] === undefined ? body.replyToId : decodeURIComponent(match[2]);
      const waiter = replyTo === undefined ? undefined : waiters.get(keyOf(conversation, replyTo));
      if (waiter === undefined) unexpected++;
      else waiter.settle(true);
      respond(res, 200, JSON.stringify({ id: `r${nextId++}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    expectReply(conversationId, activityId, timeoutMs) {
      const key = keyOf(conversationId, activityId);
      let settle: (arrived: boolean) => void = () => undefined;
      const arrived = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => settle(false), timeoutMs);
        settle = (ok) => {
          clearTimeout(timer);
          waiters.delete(key);
          resolve(ok);
        };
      });
      waiters.set(key, { settle });
      return { arrived, cancel: () => settle(false) };
    },
    counts: () => ({ received, unexpected, malformed, bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of [...waiters.values()]) w.settle(false);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** restify patches http.ServerResponse process-wide (writeHead returns nothing), so no chaining. */
function respond(res: http.ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(body);
}

function keyOf(conversationId: string, activityId: string): string {
  return `${conversationId}\u0000${activityId}`;
}

function parseActivity(text: string): { replyToId?: string } | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (json === null || typeof json !== 'object' || typeof (json as { type?: unknown }).type !== 'string') return undefined;
    const replyToId = (json as { replyToId?: unknown }).replyToId;
    return typeof replyToId === 'string' ? { replyToId } : {};
  } catch {
    return undefined;
  }
}
