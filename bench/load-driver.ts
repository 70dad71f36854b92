import http from 'node:http';
import { messageActivity } from './activity.ts';
import type { ConnectorStandIn } from './connector-stand-in.ts';

export interface LoadOptions {
  /** http://127.0.0.1:port/api/messages of the server under test. */
  readonly url: string;
  readonly standIn: ConnectorStandIn;
  readonly users: number;
  readonly texts: readonly string[];
  /** Distinguishes runs, so a late reply from one run is never counted by the next. */
  readonly runId: string;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** How long a message may take, POST and reply together, before it counts as an error. */
  readonly timeoutMs: number;
}

export interface LoadResult {
  /** Messages that completed (200 and reply arrived) inside the measured window. */
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** POST start to the later of the 200 and the reply, for messages completed in the window. */
  readonly latenciesMs: readonly number[];
  readonly sent: number;
  readonly ok: number;
  readonly non200: number;
  readonly requestErrors: number;
  readonly missingReplies: number;
}

/**
 * A closed-loop load: each user owns a conversation and sends its next message only once the
 * previous one was answered (HTTP 200 and the reply at the stand-in). Throughput counts messages
 * completed after the warm-up. Every user stops by itself at the deadline; a message in flight is
 * bounded by timeoutMs, so the whole run is bounded by warm-up + duration + timeout.
 *
 * It is deliberately light (raw node:http, one keep-alive agent, no JSON parsing of responses)
 * because it shares two CPU cores with the server under test.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.users });
  const t0 = performance.now();
  const measureFrom = t0 + o.warmupMs;
  const end = measureFrom + o.durationMs;
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let non200 = 0;
  let requestErrors = 0;
  let missingReplies = 0;

  const user = async (u: number) => {
    const conversationId = `a:${o.runId}-c${u}`;
    const userId = `29:${o.runId}-u${u}`;
    for (let seq = 0; performance.now() < end; seq++) {
      const activityId = `m${seq}`;
      // Users start at different questions so the mix is the same at any moment.
      const text = o.texts[(u * 7 + seq) % o.texts.length] ?? '';
      const body = JSON.stringify(messageActivity({ serviceUrl: o.standIn.serviceUrl, conversationId, userId, activityId, text }));
      const started = performance.now();
      const reply = o.standIn.expectReply(conversationId, activityId, o.timeoutMs);
      sent++;
      const status = await post(agent, o.url, body, o.timeoutMs);
      if (status !== 200) {
        reply.cancel();
        if (status === -1) requestErrors++;
        else non200++;
        continue;
      }
      if (!(await reply.arrived)) {
        missingReplies++;
        continue;
      }
      ok++;
      const done = performance.now();
      if (done >= measureFrom && done <= end) latencies.push(done - started);
    }
  };

  try {
    await Promise.all(Array.from({ length: o.users }, (_, u) => user(u)));
  } finally {
    agent.destroy();
  }
  const seconds = o.durationMs / 1000;
  return {
    completed: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latenciesMs: latencies,
    sent,
    ok,
    non200,
    requestErrors,
    missingReplies,
  };
}

/** Resolves the status code once the response is fully read, or -1 on a network error/timeout. */
function post(agent: http.Agent, url: string, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? -1));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}
