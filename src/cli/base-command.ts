import { Command, Flags, type Interfaces } from '@oclif/core';
import { StoreError } from '../stores/errors.js';
import { UsageError } from '../util/errors.js';

/**
 * The base of every command: shared flags, `--json`, and one mapping from failures to exit codes
 * a CI job can act on: 0 done, 1 findings or failed items, 2 usage, configuration or connection
 * errors. Every failure prints one line; none prints a secret value.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    'database-url': Flags.string({
      summary:
        "Airbyte's config database: postgres://… or jdbc:postgresql://host:port/db (default: DATABASE_URL).",
      helpGroup: 'GLOBAL',
    }),
    'journal-schema': Flags.string({
      summary: "Schema of the tool's own tables (journal, audit history).",
      default: 'airbyte_secrets',
      helpGroup: 'GLOBAL',
    }),
  };

  /** Exit code to use when the command completed but found problems (set by subclasses). */
  protected problemExit = 0;

  protected override async catch(
    err: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    // oclif's own parse errors (unknown flag, missing arg) are usage errors: exit 2.
    const exit = exitCodeFor(err);
    const message =
      err instanceof StoreError || err instanceof UsageError ? err.message : firstLine(err.message);
    if (this.jsonEnabled()) {
      this.logJson({ error: { name: err.name, message, exitCode: exit } });
      this.exit(exit);
    }
    this.logToStderr(`Error: ${message}`);
    this.exit(exit);
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    if (!err && this.problemExit) process.exitCode = this.problemExit;
    return super.finally(err);
  }
}

export type BaseFlags = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags']>;

function exitCodeFor(err: Error & { exitCode?: number; oclif?: { exit?: number } }): number {
  if (err instanceof UsageError) return 2;
  if (err instanceof StoreError) return 2;
  if (err.oclif?.exit !== undefined) return err.oclif.exit === 0 ? 0 : 2;
  if (typeof err.exitCode === 'number') return err.exitCode;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONN|ENOTFOUND|EAI_|28|3D|08)/.test(code)) return 2;
  return 2;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
