/**
 * Every failure the domain reports carries a stable code, so that the bot and the HTTP layer map it
 * to a user-facing sentence or a status without matching on message text.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, string | number | null>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(e: unknown, code?: string): e is DomainError {
  return e instanceof DomainError && (code === undefined || e.code === code);
}
