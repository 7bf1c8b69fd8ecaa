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

/**
 * The run stopped on SIGINT/SIGTERM after the items in flight: exit 130. `runId` is the journaled
 * run marked `interrupted` (absent when the signal came before anything was journaled).
 */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor(readonly runId?: string) {
    super(
      runId
        ? `Interrupted: run ${runId} stopped after the items in flight and is marked interrupted.`
        : 'Interrupted before anything was written.',
    );
    this.name = 'InterruptedError';
  }
}

/** The operator answered no to the confirmation: nothing was written; exit 1. */
export class NotConfirmedError extends Error {
  readonly exitCode = 1;
  constructor() {
    super('Not applied: the plan was not confirmed; nothing was written.');
    this.name = 'NotConfirmedError';
  }
}
