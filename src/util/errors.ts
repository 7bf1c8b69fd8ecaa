/** Turns any thrown value into an Error (graphile-worker's coerceError). */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : `non-error thrown: ${String(err)}`);
}

/**
 * An error the operator must fix (bad flag, missing setting, unreachable database). The CLI prints
 * its one-line message and exits 2. Never put a secret value in the message.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
