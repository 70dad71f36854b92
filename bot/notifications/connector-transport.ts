import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { AttemptResult } from '../../domain/notifications/delivery-policy.ts';
import type { ConversationRef } from '../../domain/notifications/types.ts';
import type { Activity } from 'botbuilder';

/**
 * Posts one activity to a conversation and says how it went; never throws. `claim` is called once
 * the connection is ready, right before the request; if it answers false nothing is sent
 * (`skipped`). Without `claim` the request is simply sent.
 */
export interface NotificationTransport {
  send(to: ConversationRef, activity: Partial<Activity>, claim?: () => Promise<boolean>): Promise<AttemptResult>;
}

/** Errors that prove the request never reached the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** A send that hangs this long is abandoned (and counted as unconfirmed, since it may have landed). */
const SEND_TIMEOUT_MS = 30_000;

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
}

/**
 * botbuilder's connector client retries by itself: 500s up to three times (a 500 may come after
 * the message was posted, so each retry can post it again) and 429s after sleeping on a timer the
 * outbox cannot see or persist. The outbox decides retries itself, so that policy is taken out of
 * this client's pipeline. A test (outbox-worker.test.ts) proves a 500 reaches the service
 * once, so a botbuilder upgrade that moves the pipeline fails loudly rather than duplicating.
 */
function withoutBuiltInRetries(connector: ConnectorClient): void {
  const pipeline = (connector as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (pipeline === undefined || typeof pipeline.removePolicy !== 'function') {
    throw new Error('the botbuilder connector client has no pipeline to remove its retry policy from');
  }
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
}

function describe(err: unknown): { status: number | null; code: string | null; retryAfter: string | null; message: string } {
  const e = (err ?? {}) as { statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown; response?: { headers?: { get?: (name: string) => string | undefined } } };
  const retryAfter = typeof e.response?.headers?.get === 'function' ? (e.response.headers.get('retry-after') ?? null) : null;
  return {
    status: typeof e.statusCode === 'number' ? e.statusCode : null,
    code: typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : null,
    retryAfter,
    message: (typeof e.message === 'string' ? e.message : String(err)).slice(0, 200),
  };
}

/** What a failed sendToConversation means for delivery. */
function classify(err: unknown): AttemptResult {
  const d = describe(err);
  if (d.status !== null) return { kind: 'http', status: d.status, retryAfter: d.retryAfter, message: d.message };
  if (d.code !== null && NOT_SENT_CODES.has(d.code)) return { kind: 'not-sent', message: `${d.code}: ${d.message}` };
  return { kind: 'lost', message: `${d.code ?? 'error'}: ${d.message}` };
}

/**
 * Sends through the real botbuilder CloudAdapter: it authenticates to the connector with the
 * bot's credentials (none in local development) for the conversation's service URL.
 */
export class ConnectorTransport implements NotificationTransport {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  async send(to: ConversationRef, activity: Partial<Activity>, claim: () => Promise<boolean> = () => Promise.resolve(true)): Promise<AttemptResult> {
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: to.serviceUrl,
      conversation: { id: to.id, isGroup: to.scope !== 'personal', conversationType: to.scope, tenantId: to.tenantId, name: '' },
      bot: { id: this.appId === '' ? 'bot' : `28:${this.appId}`, name: '' },
    };
    // botbuilder hands an error thrown inside the logic to the adapter's onTurnError (which would
    // apologise into the very conversation that failed) instead of rejecting, so the outcome is
    // caught inside the logic and returned from here.
    let outcome: AttemptResult | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        const connector = context.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
        try {
          withoutBuiltInRetries(connector);
        } catch (err) {
          outcome = { kind: 'not-sent', message: String(err) };
          return;
        }
        try {
          if (!(await claim())) {
            outcome = { kind: 'skipped' };
            return;
          }
        } catch (err) {
          outcome = { kind: 'not-sent', message: `could not record the attempt: ${String(err)}` };
          return;
        }
        try {
          await connector.conversations.sendToConversation(to.id, { ...activity, conversation: reference.conversation }, { timeout: SEND_TIMEOUT_MS });
          outcome = { kind: 'sent' };
        } catch (err) {
          outcome = classify(err);
        }
      });
    } catch (err) {
      // Failed before the request: credentials, token, connector set-up.
      return { kind: 'not-sent', message: describe(err).message };
    }
    return outcome ?? { kind: 'not-sent', message: 'the adapter did not run the send (see the turn error log)' };
  }
}
