import pino from 'pino';

/** Structured log sink; the composition root picks the console one, tests a capturing one. */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

/** Context keys whose values are never written, whatever the level: secrets and user text. */
const REDACTED = ['authorization', 'password', 'token', 'apiKey', 'x-api-key', 'text', 'body'];

/**
 * JSON lines through pino, one per event, with the time and level pino adds. Secrets and message
 * text are redacted by key, so a careless context object cannot leak them into the log.
 */
export function consoleLogger(options: { readonly level?: 'debug' | 'info' | 'warn' | 'error' } = {}): Logger {
  const log = pino({
    level: options.level ?? 'info',
    base: undefined,
    // Readable by people and by log tools alike: "warn" rather than 40, an ISO time rather than ms.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
  });
  return {
    info: (m, c) => log.info(c ?? {}, m),
    warn: (m, c) => log.warn(c ?? {}, m),
    error: (m, c) => log.error(c ?? {}, m),
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
