/** Structured log sink; the composition root picks the console one, tests a capturing one. */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

function line(level: Level, message: string, context?: Record<string, unknown>): string {
  return JSON.stringify({ at: new Date().toISOString(), level, message, ...context });
}

export function consoleLogger(): Logger {
  return {
    info: (m, c) => console.log(line('info', m, c)),
    warn: (m, c) => console.warn(line('warn', m, c)),
    error: (m, c) => console.error(line('error', m, c)),
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
