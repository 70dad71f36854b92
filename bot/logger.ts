import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

/** Structured log sink; the composition root picks the console one, tests a capturing one. */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

/** Context keys (any case) whose values are never written, at any depth: secrets and user text. */
const REDACTED_KEYS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'set-cookie', 'x-api-key', 'apikey', 'text', 'body', 'reasontext']);
/** … and keys ending like these: `accessToken`, `microsoftAppPassword`, `clientSecret`. */
const REDACTED_SUFFIXES = ['token', 'password', 'secret'];
/** Deeper than this a context is not walked but replaced: no log line is worth a stack overflow. */
const MAX_DEPTH = 8;
const CENSOR = '[redacted]';

function redactedKey(key: string): boolean {
  const k = key.toLowerCase();
  return REDACTED_KEYS.has(k) || REDACTED_SUFFIXES.some((s) => k.endsWith(s));
}

function plainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every redacted key censored, however deep it sits in objects and arrays.
 * pino's own `redact` matches fixed paths (`a.b`, `*.b`), so a secret one level further down, or
 * inside an array, went out as written.
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return '[too deep]';
    return value.map((v: unknown) => redactDeep(v, depth + 1));
  }
  if (!plainObject(value)) return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactedKey(k) ? CENSOR : redactDeep(v, depth + 1);
  return out;
}

export interface ConsoleLoggerOptions {
  readonly level?: 'debug' | 'info' | 'warn' | 'error';
  /** Where the JSON lines go; stdout by default. Tests pass a stream to read the real output. */
  readonly destination?: pino.DestinationStream;
}

/**
 * JSON lines through pino, one per event, with the time and level pino adds. Secrets and message
 * text are redacted by key at any depth, so a careless context object cannot leak them.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: undefined,
    // Readable by people and by log tools alike: "warn" rather than 40, an ISO time rather than ms.
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const log = options.destination === undefined ? pino(settings) : pino(settings, options.destination);
  return {
    info: (m, c) => log.info(c ?? {}, m),
    warn: (m, c) => log.warn(c ?? {}, m),
    error: (m, c) => log.error(c ?? {}, m),
  };
}

/** A logger whose lines carry the id of the HTTP request being answered, when there is one. */
export interface RequestLogger extends Logger {
  /**
   * Runs `fn`; every line this logger writes during it, across awaits (the turn, its refusals,
   * onTurnError), carries `reqId`, so one grep finds everything a request did.
   */
  forRequest<T>(reqId: string, fn: () => T): T;
}

/**
 * Wraps `base` so lines written while a request is handled carry its id. The id travels with the
 * async context rather than as a parameter: the turn's code (dialogs, commands, refusal logs) was
 * built once with the logger and knows nothing of requests.
 */
export function withRequestIds(base: Logger): RequestLogger {
  const current = new AsyncLocalStorage<string>();
  const write =
    (level: Level) =>
    (message: string, context?: Record<string, unknown>): void => {
      const reqId = current.getStore();
      base[level](message, reqId === undefined ? context : { reqId, ...context });
    };
  return {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    forRequest: (reqId, fn) => current.run(reqId, fn),
  };
}

export interface LogEntry {
  readonly level: Level;
  readonly message: string;
  readonly context: Record<string, unknown> | undefined;
}

/** Keeps entries in memory so tests can assert on what was logged (refusals, warnings). */
export function memoryLogger(): Logger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const push = (level: Level) => (message: string, context?: Record<string, unknown>) => {
    entries.push({ level, message, context });
  };
  return { entries, info: push('info'), warn: push('warn'), error: push('error') };
}
