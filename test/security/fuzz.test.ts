/**
 * Bad-input fuzzing (security issue, item "fuzzing"): random bodies, activities, paths and card
 * payloads through the real server built by buildApp, and random card actions through the bot
 * with botbuilder's TestAdapter. Properties: never a 5xx, never an exception out of a turn, the
 * process keeps answering (/healthz), refused or invalid card actions change nothing, and the
 * store still matches its schema (so the bot can restart on it).
 *
 * Budgets (numRuns) are in the test titles; they keep the file well under a minute on two cores.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { buildApp, composeBot, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { listen } from '../../bot/http/server.ts';
import type { Logger } from '../../bot/logger.ts';
import type { ReferralBot } from '../../bot/referral-bot.ts';
import { loadRouting } from '../../bot/router-factory.ts';
import { DEMO_MPN, PLAYGROUND_TENANT, PLAYGROUND_USERS, demoLocations, demoUsers } from '../../data/seed/demo-network.ts';
import { loadDemoSeed } from '../../data/seed/demo-seed.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { DECLINE_REASONS } from '../../domain/referrals/types.ts';

const RAW_RUNS = 120; // × 4 endpoints
const ACTIVITY_RUNS = 120;
const INVOKE_NAME_RUNS = 40;
const MALFORMED_RUNS = 80;
const STORE_SHAPE_RUNS = 60;
const INTAKE_RUNS = 100;
const TAB_RUNS = 200;
const CARD_RUNS = 250;

const API_KEY = 'fuzz-intake-key-0123456789';
const MPNS = demoLocations().map((l) => l.mpnId);
const REAL_VERBS = ['referral.accept', 'referral.decline', 'pause.confirm', 'pause.cancel', 'faq.feedback', 'ops.reassign'] as const;

// ---------------------------------------------------------------------------------------------
// Logging: like the console logger, every entry is serialised (JSON.stringify) so a value the
// production logger could not write fails here too; nothing is printed.

interface Entry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly context: Record<string, unknown> | undefined;
}

function serialisingLogger(): Logger & { readonly entries: Entry[] } {
  const entries: Entry[] = [];
  const push = (level: Entry['level']) => (message: string, context?: Record<string, unknown>) => {
    JSON.stringify({ at: new Date().toISOString(), level, message, ...context });
    entries.push({ level, message, context });
  };
  return { entries, info: push('info'), warn: push('warn'), error: push('error') };
}

function turnFailures(entries: readonly Entry[], from: number): string[] {
  return entries
    .slice(from)
    .filter((e) => e.level === 'error')
    .map((e) => `${e.message}: ${String(e.context?.['error'] ?? '')}`);
}

// ---------------------------------------------------------------------------------------------
// Values: JSON values plus "huge nesting", kept symbolic so the test can encode it without
// overflowing its own stack (JSON.stringify gives up around a few thousand levels).

class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}
  [fc.toStringMethod](): string {
    return `Deep(${this.kind} x ${this.depth})`;
  }
}

function toJson(v: unknown): string {
  if (v instanceof Deep) return v.kind === 'array' ? `${'['.repeat(v.depth)}${']'.repeat(v.depth)}` : `${'{"a":'.repeat(v.depth)}{}${'}'.repeat(v.depth)}`;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : toJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const fields = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${fields.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function materialize(v: unknown): unknown {
  if (v instanceof Deep) {
    let out: unknown = v.kind === 'array' ? [] : {};
    for (let i = 0; i < v.depth; i++) out = v.kind === 'array' ? [out] : { a: out };
    return out;
  }
  if (Array.isArray(v)) return v.map(materialize);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: materialize(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

const deepArb: fc.Arbitrary<unknown> = fc
  .record({ depth: fc.integer({ min: 1, max: 25_000 }), kind: fc.constantFrom<'array' | 'object'>('array', 'object') })
  .map(({ depth, kind }) => new Deep(depth, kind));
const anyValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: deepArb });

const PRINTABLE = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));
const printable = (maxLength: number) => fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength });
/** Characters a raw request target may carry (node refuses controls and spaces), without / ? #. */
const segmentChar = fc.constantFrom(...PRINTABLE.filter((c) => c !== '/' && c !== '?' && c !== '#'));

function day(base: Date, offsetDays: number): string {
  return new Date(base.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Card action payloads (activity.value of an adaptiveCard/action invoke).

interface CardIds {
  readonly referralIds: readonly string[];
  readonly assignmentIds: readonly string[];
  readonly now: Date;
}

function cardValueArb(ids: CardIds): fc.Arbitrary<unknown> {
  const idArb = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 70 }) },
    { weight: 2, arbitrary: fc.constantFrom(...ids.referralIds) },
    { weight: 2, arbitrary: fc.constantFrom(...ids.assignmentIds) },
    { weight: 1, arbitrary: anyValue },
  );
  const verbArb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<string>(...REAL_VERBS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('Referral.Accept', 'referral.accept ', 'pause.confirm\u0000', 'ops.reassign.', '__proto__', 'constructor') },
    { weight: 1, arbitrary: anyValue },
    { weight: 1, arbitrary: deepArb },
  );
  const dateArb = fc.oneof(fc.integer({ min: -40, max: 60 }).map((d) => day(ids.now, d)), fc.string({ maxLength: 12 }), anyValue);
  const issuedArb = fc.oneof(
    fc.integer({ min: -60, max: 60 }).map((m) => new Date(ids.now.getTime() + m * 60_000).toISOString()),
    fc.constantFrom('', 'now', '9999-12-31T00:00:00Z', '1970-01-01', 'NaN'),
    fc.string({ maxLength: 50 }),
    anyValue,
  );
  const dataRecord = fc.record(
    {
      referralId: idArb,
      assignmentId: idArb,
      confirm: fc.oneof(fc.boolean(), anyValue),
      reason: fc.oneof(fc.constantFrom<string>(...DECLINE_REASONS), fc.string({ maxLength: 20 }), anyValue),
      reasonText: fc.oneof(fc.string({ maxLength: 400 }), anyValue),
      mpnId: fc.oneof(fc.constantFrom(...MPNS), fc.stringMatching(/^\d{1,12}$/), fc.string({ maxLength: 25 }), anyValue),
      until: dateArb,
      issuedAt: issuedArb,
      target: fc.oneof(fc.constant('auto'), fc.constantFrom(...MPNS), fc.stringMatching(/^\d{5,10}$/), fc.string({ maxLength: 12 }), anyValue),
      topicId: fc.oneof(fc.constantFrom('capacity-pause', 'round-robin', 'split-assignments'), fc.string({ maxLength: 110 }), anyValue),
      helpful: fc.oneof(fc.boolean(), anyValue),
    },
    { requiredKeys: [] },
  );
  const dataArb = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(dataRecord, fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 3 })).map(([d, extra]) => ({ ...extra, ...d })) },
    { weight: 1, arbitrary: anyValue },
  );
  const actionArb = fc.oneof(
    { weight: 8, arbitrary: fc.record({ type: fc.constant('Action.Execute'), verb: verbArb, data: dataArb, id: fc.string({ maxLength: 10 }) }, { requiredKeys: ['type'] }) },
    { weight: 1, arbitrary: fc.record({ type: fc.oneof(fc.string({ maxLength: 20 }), anyValue, deepArb), verb: verbArb, data: dataArb }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anyValue },
  );
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ action: actionArb, trigger: fc.constantFrom('manual', 'automatic'), state: anyValue, authentication: anyValue }, { requiredKeys: ['action'] }) },
    { weight: 1, arbitrary: anyValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing.

interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** A raw request, so the path, headers and body go out exactly as generated; 20 s without an answer fails. */
function request(port: number, method: string, urlPath: string, body?: Buffer, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within 20 s to ${method} ${urlPath}`)));
    req.on('error', (err) => reject(new Error(`${method} ${urlPath}: the server did not answer (${String(err)})`)));
    if (body === undefined) req.end();
    else req.end(body);
  });
}

const INTERNALS = /node_modules|\/work\/|file:\/\/|\n\s+at |\bat [\w.<>]+ \([^)]*:\d+:\d+\)|ZodError|Maximum call stack/;

function assertAnswered(r: HttpResult, what: string): void {
  assert.ok(r.status >= 200 && r.status < 500, `${what}: answered ${r.status} ${r.body.slice(0, 300)}`);
  assert.doesNotMatch(r.body.slice(0, 20_000), INTERNALS, `${what}: the answer shows internals`);
}

/** A stand-in for the Bot Framework connector: accepts every reply at once. */
async function startConnector(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${count}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => count,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** What a restart would check: the whole store, as it would be read back, matches the schema. */
function storeProblem(data: Readonly<StoreData>): string | null {
  const parsed = storeSchema.safeParse(JSON.parse(JSON.stringify(data)));
  if (parsed.success) return null;
  return parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.')}: ${i.message}`)
    .join('; ');
}

// ---------------------------------------------------------------------------------------------

describe('security fuzzing: the real server (buildApp, demo data, development mode)', function () {
  this.timeout(60_000);

  let app: App;
  let port: number;
  let dir: string;
  let logger: ReturnType<typeof serialisingLogger>;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let config: ReturnType<typeof loadConfig>;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fuzz-'));
    logger = serialisingLogger();
    connector = await startConnector();
    config = loadConfig({ DATA_DIR: dir, PORT: '0', SEED_DEMO_DATA: 'true', INTAKE_API_KEY: API_KEY }, process.cwd());
    app = await buildApp(config, logger);
    port = await listen(app.server, 0);
  });

  after(async () => {
    await app.close();
    await connector.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.title.startsWith('after all of it') === true) return; // it checks (and replaces) the server itself
    const health = await request(port, 'GET', '/healthz');
    assert.equal(health.status, 200, 'GET /healthz still answers 200');
  });

  const base = (): Record<string, unknown> => ({
    id: 'a1',
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:alex', aadObjectId: PLAYGROUND_USERS.alex },
    recipient: { id: 'bot', name: 'bot' },
    conversation: { id: 'fuzz-chat', conversationType: 'personal' },
    channelData: { tenant: { id: PLAYGROUND_TENANT } },
  });

  const postActivity = (activity: unknown): Promise<HttpResult> =>
    request(port, 'POST', '/api/messages', Buffer.from(toJson(activity)), { 'content-type': 'application/json' });

  // -- random raw bodies ------------------------------------------------------------------------

  const rawBodyArb: fc.Arbitrary<{ kind: string; body: Buffer }> = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'json value', body: Buffer.from(JSON.stringify(v) ?? 'null') })),
    fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }).map((v) => ({ kind: 'anything', body: Buffer.from(JSON.stringify(v) ?? '') })),
    fc.string({ unit: 'binary', maxLength: 400 }).map((s) => ({ kind: 'string', body: Buffer.from(s) })),
    fc.uint8Array({ maxLength: 2000 }).map((b) => ({ kind: 'bytes', body: Buffer.from(b) })),
    fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat()).map(([v, n]) => {
      const s = JSON.stringify(v) ?? '';
      return { kind: 'truncated json', body: Buffer.from(s.slice(0, s.length === 0 ? 0 : n % s.length)) };
    }),
    deepArb.map((d) => ({ kind: 'deep nesting', body: Buffer.from(toJson(d)) })),
    fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.constantFrom('[', '{"a":', '{"type":"message","value":')).map(([n, open]) => ({ kind: 'unbalanced nesting', body: Buffer.from(open.repeat(n)) })),
    fc.integer({ min: 200 * 1024, max: 400 * 1024 }).map((n) => ({ kind: 'large', body: Buffer.from(JSON.stringify({ type: 'message', text: 'a'.repeat(n) })) })),
  );
  const contentTypeArb: fc.Arbitrary<string | null> = fc.oneof(
    { weight: 5, arbitrary: fc.constant('application/json') },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'text/plain',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'multipart/form-data',
        'application/octet-stream',
        'application/xml',
        'application/jsonp',
        'application/json+x',
        '*/*',
      ),
    },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: printable(40) },
  );
  const extraHeadersArb: fc.Arbitrary<Record<string, string>> = fc.record(
    { 'content-encoding': fc.constantFrom('identity', 'gzip', 'deflate', 'br', ''), 'transfer-encoding': fc.constant('chunked') },
    { requiredKeys: [] },
  );

  /** A raw body that happens to be an activity gets the stub connector, so its replies do not wait on DNS. */
  function forMessages(body: Buffer): Buffer {
    try {
      const v: unknown = JSON.parse(body.toString('utf-8'));
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string') {
        return Buffer.from(JSON.stringify({ ...v, serviceUrl: connector.url }));
      }
    } catch {
      // not JSON: sent as is
    }
    return body;
  }

  it(`${RAW_RUNS} random raw bodies (JSON values, strings, bytes, truncated JSON, huge nesting, wrong content types) × POST /api/messages, /api/referrals, tab pause and tab decline: never a 5xx`, async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(rawBodyArb, contentTypeArb, extraHeadersArb, async ({ kind, body }, contentType, extra) => {
        const headers = { ...(contentType === null ? {} : { 'content-type': contentType }), ...extra };
        const targets: Array<[string, Buffer, Record<string, string>]> = [
          ['/api/messages', forMessages(body), headers],
          ['/api/referrals', body, { ...headers, 'x-api-key': API_KEY }],
          [`/api/tab/locations/${DEMO_MPN.contosoUs}/pause?as=alex`, body, headers],
          ['/api/tab/referrals/R-1001/parts/x/decline?as=alex', body, headers],
        ];
        for (const [target, payload, h] of targets) {
          const r = await request(port, 'POST', target, payload, h);
          sent++;
          assertAnswered(r, `POST ${target} with a ${kind} body (${payload.length} bytes, ${JSON.stringify(h)})`);
        }
      }),
      { numRuns: RAW_RUNS },
    );
    assert.equal(sent, RAW_RUNS * 4, `${sent} requests sent`);
  });

  // -- activities ---------------------------------------------------------------------------------

  const COMMANDS = [
    'help',
    'pending',
    `pending ${DEMO_MPN.fabrikamUs} page 2`,
    'status',
    'acceptance rate FY27-Q2',
    'accept R-1001',
    'decline R-1002 no capacity',
    'pause for 2 weeks',
    'resume',
    'referral R-1003',
    'explain R-1003',
    'reassign R-1004 auto',
    'unanswered',
    'notifications',
    'subscribe 4100001',
    'unsubscribe',
    'How long can we pause referrals?',
  ];
  const textArb = fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 200 }), fc.tuple(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 40 })).map(([c, s]) => `${c} ${s}`));
  const aadArb = fc.oneof(fc.constantFrom<string>(...Object.values(PLAYGROUND_USERS)), fc.string({ maxLength: 40 }));

  function wellTypedActivityArb(ids: CardIds): fc.Arbitrary<Record<string, unknown>> {
    return fc
      .record(
        {
          type: fc.oneof(
            { weight: 3, arbitrary: fc.constant('invoke') },
            { weight: 2, arbitrary: fc.constant('message') },
            { weight: 3, arbitrary: fc.constantFrom('conversationUpdate', 'installationUpdate', 'messageReaction', 'messageUpdate', 'messageDelete', 'event', 'typing', 'endOfConversation') },
            { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
          ),
          text: textArb,
          aad: aadArb,
          tenant: fc.oneof({ weight: 4, arbitrary: fc.constant(PLAYGROUND_TENANT) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }),
          conversationType: fc.constantFrom('personal', 'groupChat', 'channel', 'other'),
          conversationId: fc.oneof(fc.constant('fuzz-chat'), fc.string({ minLength: 1, maxLength: 60 })),
          mention: fc.boolean(),
          members: fc.array(fc.record({ id: fc.oneof(fc.constant('bot'), fc.string({ maxLength: 10 })) }), { maxLength: 3 }),
          action: fc.oneof(fc.constantFrom('add', 'remove', 'add-upgrade', 'remove-upgrade'), fc.string({ maxLength: 12 })),
          eventName: fc.string({ maxLength: 30 }),
          value: anyValue,
          cardValue: cardValueArb(ids),
        },
        { requiredKeys: ['type', 'aad', 'tenant', 'conversationType', 'conversationId', 'mention', 'cardValue'] },
      )
      .map((g) => {
        const a: Record<string, unknown> = {
          ...base(),
          type: g.type,
          from: { id: '29:fuzz', aadObjectId: g.aad },
          conversation: { id: g.conversationId, conversationType: g.conversationType, isGroup: g.conversationType !== 'personal' },
          channelData: { tenant: { id: g.tenant }, ...(g.conversationType === 'channel' ? { team: { id: 'team-1' }, channel: { id: 'channel-1' } } : {}) },
        };
        if (g.text !== undefined) a['text'] = g.mention ? `<at>bot</at> ${g.text}` : g.text;
        if (g.mention) a['entities'] = [{ type: 'mention', mentioned: { id: 'bot', name: 'bot' }, text: '<at>bot</at>' }];
        if (g.members !== undefined) a[g.type === 'conversationUpdate' ? 'membersAdded' : 'membersRemoved'] = g.members;
        if (g.action !== undefined) a['action'] = g.action;
        if (g.type === 'invoke') {
          a['name'] = 'adaptiveCard/action';
          a['value'] = g.cardValue;
        } else {
          if (g.eventName !== undefined) a['name'] = g.eventName;
          if (g.value !== undefined) a['value'] = g.value;
        }
        return a;
      });
  }

  function cardIds(): CardIds {
    const referrals = app.referrals.read().referrals();
    return { referralIds: referrals.map((r) => r.id), assignmentIds: referrals.flatMap((r) => r.assignments.map((p) => p.id)), now: new Date() };
  }

  it(`${ACTIVITY_RUNS} random well-typed activities (messages, card invokes with random verbs and data, installs, events, unknown types) on POST /api/messages: never a 5xx, no turn throws, the store stays readable`, async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(wellTypedActivityArb(cardIds()), async (activity) => {
        const mark = logger.entries.length;
        const readable = storeProblem(app.store.data) === null;
        const r = await postActivity(activity);
        sent++;
        const failures = turnFailures(logger.entries, mark);
        assertAnswered(r, `activity ${String(activity['type'])}${failures.length > 0 ? ` (${failures.join('; ')})` : ''}`);
        assert.deepEqual(failures, [], 'the turn threw');
        // Only an input that breaks a readable store is to blame (shrinking replays on the same store).
        if (readable) assert.equal(storeProblem(app.store.data), null, 'this activity left the store not matching its schema: a restart would refuse it');
      }),
      {
        numRuns: ACTIVITY_RUNS,
        // Known inputs first, so a regression is caught on every run; then random ones.
        examples: [
          [{ ...base(), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: new Deep(5000, 'array'), data: {} } } }],
          [{ ...base(), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: new Deep(5000, 'array') } } }],
          [{ ...base(), type: 'message', entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'bot' }, text: '<at>bot</at>' }] }],
        ],
      },
    );
    assert.equal(sent, ACTIVITY_RUNS);
  });

  it(`${INVOKE_NAME_RUNS} invokes with random names (and random values) on POST /api/messages: a 4xx or 200, never a 5xx`, async () => {
    const nameArb = fc.oneof(
      fc.constantFrom(
        'config/fetch',
        'config/submit',
        'task/fetch',
        'task/submit',
        'tab/fetch',
        'composeExtension/query',
        'composeExtension/fetchTask',
        'composeExtension/queryLink',
        'signin/verifyState',
        'signin/tokenExchange',
        'fileConsent/invoke',
        'actionableMessage/executeAction',
        'message/submitAction',
        'handoff/action',
        'healthCheck',
        'application/search',
      ),
      fc.string({ maxLength: 30 }),
    );
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.option(nameArb, { nil: undefined }), anyValue, async (name, value) => {
        const mark = logger.entries.length;
        const r = await postActivity({ ...base(), type: 'invoke', ...(name === undefined ? {} : { name }), value });
        sent++;
        const failures = turnFailures(logger.entries, mark);
        assertAnswered(r, `invoke named ${JSON.stringify(name)}${failures.length > 0 ? ` (${failures.join('; ')})` : ''}`);
      }),
      { numRuns: INVOKE_NAME_RUNS, examples: [[undefined, null], ['composeExtension/query', {}]] },
    );
    assert.equal(sent, INVOKE_NAME_RUNS);
  });

  it(`${MALFORMED_RUNS} activities whose unchecked fields have the wrong JSON type (entities, membersAdded, action, name, value, from, conversation, channelData…): never a 5xx, no turn throws`, async () => {
    const fieldArb = fc.constantFrom(
      'entities',
      'membersAdded',
      'membersRemoved',
      'action',
      'name',
      'value',
      'attachments',
      'replyToId',
      'locale',
      'timestamp',
      'textFormat',
      'from.aadObjectId',
      'from.name',
      'recipient.name',
      'conversation.conversationType',
      'conversation.isGroup',
      'conversation.tenantId',
      'channelData.tenant',
      'channelData.team',
      'channelData.channel',
      'channelData.eventType',
    );
    const arb = fc.record({
      type: fc.constantFrom('message', 'conversationUpdate', 'installationUpdate', 'invoke', 'messageReaction', 'event'),
      text: fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 40 })),
      fields: fc.uniqueArray(fc.tuple(fieldArb, fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3, selector: ([f]) => f }),
    });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ type, text, fields }) => {
        const a: Record<string, unknown> = { ...base(), type, text, ...(type === 'invoke' ? { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'pause.cancel', data: {} } } } : {}) };
        for (const [field, value] of fields) {
          const [head, tail] = field.split('.') as [string, string | undefined];
          if (tail === undefined) a[head] = value;
          else a[head] = { ...(a[head] as Record<string, unknown> | undefined), [tail]: value };
        }
        const mark = logger.entries.length;
        const r = await postActivity(a);
        sent++;
        assertAnswered(r, `${type} with ${JSON.stringify(fields)}`);
        assert.deepEqual(turnFailures(logger.entries, mark), [], `the turn threw on ${type} with ${JSON.stringify(fields)}`);
      }),
      {
        numRuns: MALFORMED_RUNS,
        examples: [
          [{ type: 'conversationUpdate', text: 'help', fields: [['membersAdded', {}]] }],
          [{ type: 'message', text: 'help', fields: [['entities', 'x']] }],
          [{ type: 'installationUpdate', text: 'help', fields: [['action', 5]] }],
          [{ type: 'message', text: 'help', fields: [['locale', 5]] }],
        ],
      },
    );
    assert.equal(sent, MALFORMED_RUNS);
  });

  it(`${STORE_SHAPE_RUNS} activities with odd caller and conversation fields (from.aadObjectId, conversation id and type) that reach the FAQ log and the conversation book: the store stays readable by a restart`, async () => {
    const arb = fc.record({
      aad: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 20 }), fc.constant(PLAYGROUND_USERS.megan)),
      conversationId: fc.oneof(fc.constant('fuzz-chat'), fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 20 }).map((x) => `;${x}`)),
      conversationType: fc.constantFrom('personal', 'groupChat', 'channel'),
      feedback: fc.boolean(),
      text: fc.oneof(fc.constant('zzqx flurble wombat gadget'), fc.string({ minLength: 1, maxLength: 40 })),
    });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ aad, conversationId, conversationType, feedback, text }) => {
        const a = {
          ...base(),
          from: { id: '29:odd', aadObjectId: aad },
          conversation: { id: conversationId, conversationType },
          channelData: { tenant: { id: PLAYGROUND_TENANT }, team: { id: 'team-1' }, channel: { id: 'channel-1' } },
          ...(feedback
            ? { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'faq.feedback', data: { topicId: 'capacity-pause', helpful: true } } } }
            : { type: 'message', text: `<at>bot</at> ${text}`, entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'bot' }, text: '<at>bot</at>' }] }),
        };
        const readable = storeProblem(app.store.data) === null;
        const r = await postActivity(a);
        sent++;
        assertAnswered(r, `from.aadObjectId ${JSON.stringify(aad)}`);
        if (readable) {
          const what = `from.aadObjectId = ${JSON.stringify(aad)}, conversation ${JSON.stringify({ id: conversationId, conversationType })}, ${feedback ? 'faq.feedback' : 'message'}`;
          assert.equal(storeProblem(app.store.data), null, `after ${what}, the store no longer matches its schema: a restart would refuse it`);
        }
      }),
      {
        numRuns: STORE_SHAPE_RUNS,
        examples: [
          [{ aad: 42, conversationId: 'fuzz-chat', conversationType: 'personal', feedback: true, text: 'help' }],
          [{ aad: [], conversationId: 'fuzz-chat', conversationType: 'personal', feedback: false, text: 'zzqx flurble wombat gadget' }],
          [{ aad: PLAYGROUND_USERS.megan, conversationId: ';messageid=1', conversationType: 'channel', feedback: false, text: 'help' }],
        ],
      },
    );
    assert.equal(sent, STORE_SHAPE_RUNS);
  });

  // -- intake -------------------------------------------------------------------------------------

  it(`${INTAKE_RUNS} intake-shaped bodies with random fields on POST /api/referrals (right x-api-key): 200, 201, 400 or 409 (413 past the body limit), never a 5xx`, async () => {
    const workload = fc.oneof(fc.constantFrom('Teams', 'Intune', 'Exchange', 'SharePoint', 'Defender', 'Purview', 'Copilot', 'Entra', '', ' '), fc.string({ maxLength: 110 }));
    const customer = fc.record(
      {
        name: fc.oneof(fc.constantFrom('Fuzz Co', ''), fc.string({ maxLength: 210 }), anyValue),
        country: fc.oneof(fc.constantFrom('US', 'GB', 'DE', 'FR', 'MX', 'ZZ', 'us'), fc.string({ maxLength: 3 }), anyValue),
        language: fc.oneof(fc.constantFrom('en', 'de', 'fr', 'es', 'zz', 'EN'), fc.string({ maxLength: 3 }), anyValue),
        seats: fc.oneof(fc.integer({ min: -5, max: 20_000_000 }), fc.double(), fc.constantFrom(150, 500, 1e300), anyValue),
        industry: fc.oneof(fc.constantFrom('Retail', 'Healthcare', ''), fc.string({ maxLength: 110 }), anyValue),
        cporClaims: fc.oneof(fc.array(fc.record({ mpnId: fc.oneof(fc.constantFrom(...MPNS), fc.string({ maxLength: 25 })), workload }, { requiredKeys: [] }), { maxLength: 55 }), anyValue),
      },
      { requiredKeys: [] },
    );
    const body = fc.tuple(
      fc.record(
        {
          id: fc.oneof(fc.constantFrom('FZ-1', 'FZ-2', 'FZ-3', 'R-1001'), fc.string({ maxLength: 70 }), anyValue),
          type: fc.oneof(fc.constantFrom('Standard', 'Benefit', 'standard'), fc.string({ maxLength: 10 }), anyValue),
          workloads: fc.oneof(fc.array(workload, { maxLength: 22 }), anyValue),
          customer: fc.oneof({ weight: 4, arbitrary: customer }, { weight: 1, arbitrary: anyValue }),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 2 }),
      fc.boolean(),
    );
    let sent = 0;
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async ([fields, extra, withExtra]) => {
        const payload = withExtra ? { ...extra, ...fields } : fields;
        const bytes = Buffer.from(toJson(payload));
        const r = await request(port, 'POST', '/api/referrals', bytes, { 'content-type': 'application/json', 'x-api-key': API_KEY });
        sent++;
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        assertAnswered(r, `intake ${toJson(payload).slice(0, 300)}`);
        // The generator can nest deep enough to pass the server's body limit; only then is 413 right.
        const expected = bytes.length > config.maxBodyBytes ? [413] : [200, 201, 400, 409];
        assert.ok(expected.includes(r.status), `intake answered ${r.status} to ${bytes.length} bytes: ${r.body.slice(0, 200)}`);
      }),
      { numRuns: INTAKE_RUNS },
    );
    assert.equal(sent, INTAKE_RUNS, `statuses: ${JSON.stringify([...seen])}`);
  });

  // -- the dashboard tab's API --------------------------------------------------------------------

  it(`${TAB_RUNS} random /api/tab requests (me, locations/<random segment>, pause, resume, accept, decline; random params, bodies, methods, ?as=, Authorization): never a 5xx`, async () => {
    const ids = cardIds();
    const segment = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...MPNS, ...ids.referralIds.slice(0, 20), ...ids.assignmentIds.slice(0, 20)) },
      { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
      { weight: 2, arbitrary: fc.string({ unit: segmentChar, maxLength: 20 }) },
      { weight: 2, arbitrary: fc.constantFrom('%', '%%', '%zz', '%00', '%2F', '%2e%2e', '..', '.', '%E0%A4%A', '%C0%AF', '%FF', '%u0041', '', '%20', '4100001%00', '0'.repeat(300)) },
      { weight: 2, arbitrary: fc.stringMatching(/^\d{1,12}$/) },
    );
    const route = fc.oneof(
      fc.constant({ method: 'GET', path: '/api/tab/me' }),
      segment.map((m) => ({ method: 'GET', path: `/api/tab/locations/${m}` })),
      segment.map((m) => ({ method: 'POST', path: `/api/tab/locations/${m}/pause` })),
      segment.map((m) => ({ method: 'POST', path: `/api/tab/locations/${m}/resume` })),
      fc.tuple(segment, segment, fc.constantFrom('accept', 'decline')).map(([r, a, verb]) => ({ method: 'POST', path: `/api/tab/referrals/${r}/parts/${a}/${verb}` })),
    );
    const methodArb = fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') });
    const prefixArb = fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '//', '/.', '/api/..', 'http://127.0.0.1') });
    const asArb = fc.oneof(
      { weight: 8, arbitrary: fc.constant('alex') },
      { weight: 2, arbitrary: fc.constantFrom('megan', 'adele', 'isaiah', 'ALEX', '', PLAYGROUND_USERS.alex) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.string({ unit: segmentChar, maxLength: 20 }) },
    );
    const queryArb = fc.tuple(asArb, fc.option(fc.string({ unit: segmentChar, maxLength: 30 }), { nil: undefined })).map(([as, more]) => `?as=${as}${more === undefined ? '' : `&${more}`}`);
    const bodyArb = fc.oneof(
      fc.constant(undefined),
      fc.record({ until: fc.oneof(fc.integer({ min: -5, max: 40 }).map((d) => day(new Date(), d)), fc.string({ maxLength: 25 }), anyValue) }, { requiredKeys: [] }).map((v) => Buffer.from(toJson(v))),
      fc.record({ reason: fc.oneof(fc.constantFrom<string>(...DECLINE_REASONS), fc.string({ maxLength: 45 }), anyValue), text: fc.oneof(fc.string({ maxLength: 310 }), anyValue) }, { requiredKeys: [] }).map((v) => Buffer.from(toJson(v))),
      rawBodyArb.map((b) => b.body),
    );
    const authArb = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: printable(60).map((t) => `Bearer ${t}`) }, { weight: 1, arbitrary: printable(60) });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(route, methodArb, prefixArb, queryArb, bodyArb, contentTypeArb, authArb, async (r, method, prefix, query, body, contentType, auth) => {
        const target = `${prefix}${r.path}${query}`;
        const headers: Record<string, string> = {
          ...(body !== undefined && contentType !== null ? { 'content-type': contentType } : {}),
          ...(auth === undefined ? {} : { authorization: auth }),
        };
        const res = await request(port, method ?? r.method, target, body, headers);
        sent++;
        assertAnswered(res, `${method ?? r.method} ${target}`);
      }),
      { numRuns: TAB_RUNS },
    );
    assert.equal(sent, TAB_RUNS);
  });

  it('after all of it, the process still answers, and the store it wrote opens again (restart on the same DATA_DIR)', async () => {
    assert.equal((await request(port, 'GET', '/healthz')).status, 200);
    await app.close();
    const restarted = await buildApp(config, serialisingLogger());
    app = restarted;
    port = await listen(app.server, 0);
    assert.equal((await request(port, 'GET', '/api/tab/me?as=alex')).status, 200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('security fuzzing: random card action payloads through the bot (TestAdapter)', function () {
  this.timeout(60_000);
  const NOW = new Date('2026-11-25T12:00:00Z');
  const routing = loadRouting();

  let dir: string;
  let store: JsonStore<StoreData>;
  let service: ReferralService;
  let bot: ReferralBot;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fuzz-cards-'));
    store = await JsonStore.open(path.join(dir, 'db.json'), storeSchema, emptyStore);
    const repo = new LowdbProgramRepository(store);
    let n = 0;
    await loadDemoSeed(repo, NOW, () => `seed-${++n}`);
    service = new ReferralService(repo, () => NOW, () => `id-${++n}`);
    bot = composeBot({ store, repository: repo, referrals: service, logger: serialisingLogger(), now: () => NOW, routing });
  });

  after(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  type Who = keyof typeof PLAYGROUND_USERS | 'stranger';
  const aadOf = (who: Who): string => (who === 'stranger' ? '99999999-0000-0000-0000-000000000099' : PLAYGROUND_USERS[who]);

  /** The demo's rights, written out here rather than asked of the code under test. */
  function rolesOf(who: Who, tenant: string): { locations: Map<string, 'member' | 'admin'>; operations: boolean } {
    const user = tenant === PLAYGROUND_TENANT ? demoUsers().find((u) => u.aadObjectId === aadOf(who)) : undefined;
    const locations = new Map<string, 'member' | 'admin'>();
    for (const r of user?.roles ?? []) if (r.mpnId !== null && r.role !== 'operations') locations.set(r.mpnId, r.role);
    return { locations, operations: user?.roles.some((r) => r.role === 'operations') ?? false };
  }

  /** Whether the payload, as materialised, names an action this caller may really take. */
  function mayChange(who: Who, tenant: string, value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    const action = (value as { action?: unknown }).action;
    if (action === null || typeof action !== 'object') return false;
    const { type, verb, data } = action as { type?: unknown; verb?: unknown; data?: unknown };
    if (type !== 'Action.Execute' || data === null || typeof data !== 'object') return false;
    const d = data as Record<string, unknown>;
    const rights = rolesOf(who, tenant);
    const part = service
      .read()
      .referral(typeof d['referralId'] === 'string' ? d['referralId'] : '')
      ?.assignments.find((a) => a.id === d['assignmentId']);
    if (verb === 'referral.accept' || verb === 'referral.decline') return part !== undefined && rights.locations.has(part.mpnId);
    if (verb === 'ops.reassign') return part !== undefined && rights.operations;
    if (verb === 'pause.confirm') return typeof d['mpnId'] === 'string' && rights.locations.get(d['mpnId']) === 'admin';
    return false;
  }

  function snapshot(): unknown {
    const d = store.data;
    return structuredClone({ events: d.events, referrals: d.referrals, locations: d.locations, users: d.users });
  }

  it(`${CARD_RUNS} random adaptiveCard/action values (real and random verbs, random data, forged ids, huge nesting) from random users: a 200 card or a 4xx error, never an exception; refused or invalid actions change nothing`, async () => {
    const referrals = service.read().referrals();
    const ids: CardIds = { referralIds: referrals.map((r) => r.id), assignmentIds: referrals.flatMap((r) => r.assignments.map((p) => p.id)), now: NOW };
    const arb = fc.record({
      who: fc.constantFrom<Who>('alex', 'megan', 'adele', 'isaiah', 'stranger'),
      tenant: fc.oneof({ weight: 5, arbitrary: fc.constant(PLAYGROUND_TENANT) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }),
      value: cardValueArb(ids),
    });
    let tried = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ who, tenant, value }) => {
        tried++;
        const concrete = materialize(value);
        const allowed = mayChange(who, tenant, concrete);
        const before = snapshot();
        const adapter = new TestAdapter(async (context) => bot.run(context), {
          channelId: 'msteams',
          serviceUrl: 'https://test.example',
          conversation: { id: `chat-${who}`, isGroup: false, conversationType: 'personal', name: 'chat' },
          from: { id: `29:${who}`, name: who, aadObjectId: aadOf(who) },
          recipient: { id: 'bot', name: 'bot' },
        });
        const activity: Partial<Activity> = { type: ActivityTypes.Invoke, name: 'adaptiveCard/action', channelData: { tenant: { id: tenant } }, value: concrete };
        try {
          await adapter.receiveActivity(activity);
        } catch (err) {
          // Rethrown without its stack: a stack overflow's trace would fill the report.
          throw new Error(`the turn threw instead of answering: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
        }
        const replies = adapter.activeQueue.splice(0);
        assert.equal(replies.length, 1, `one answer, got ${replies.length}`);
        const reply = replies[0];
        assert.equal(reply?.type, 'invokeResponse');
        const res = reply?.value as { status?: number; body?: { statusCode?: number; type?: string; value?: { type?: string; code?: unknown; message?: unknown } } } | undefined;
        const status = res?.status ?? 0;
        assert.ok(status === 200 || (status >= 400 && status < 500), `answered ${status}`);
        if (status === 200) {
          assert.equal(res?.body?.type, 'application/vnd.microsoft.card.adaptive');
          assert.equal(res?.body?.value?.type, 'AdaptiveCard');
        } else {
          assert.equal(res?.body?.type, 'application/vnd.microsoft.error');
          assert.equal(typeof res?.body?.value?.code, 'string');
          assert.equal(typeof res?.body?.value?.message, 'string');
        }
        if (!allowed) {
          compared++;
          assert.deepEqual(snapshot(), before, 'a refused or invalid card action changed the store');
        }
      }),
      {
        numRuns: CARD_RUNS,
        examples: [
          [{ who: 'isaiah', tenant: PLAYGROUND_TENANT, value: { action: { type: 'Action.Execute', verb: new Deep(5000, 'array'), data: {} } } }],
          [{ who: 'isaiah', tenant: PLAYGROUND_TENANT, value: { action: { type: new Deep(5000, 'array') } } }],
        ],
      },
    );
    assert.equal(tried, CARD_RUNS);
    assert.ok(compared >= CARD_RUNS * 0.9, `state compared on ${compared} of ${tried} inputs (the others were valid actions by a user allowed to take them)`);
  });
});
