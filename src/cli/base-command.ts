import { Command, Flags, type Interfaces } from '@oclif/core';
import type pg from 'pg';
import type { ProgressEvent } from '../engine/progress.js';
import { checkJournalSchema } from '../journal/schema.js';
import { detectTerminal, setTerminal } from '../report/terminal.js';
import { StoreError } from '../stores/errors.js';
import type { StoreSettings } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { InterruptedError, UsageError } from '../util/errors.js';
import type { CommandHost } from './command-host.js';
import {
  CommandResources,
  type OpenedDatabase,
  openAirbyteDatabase,
  openDatabaseToSeed,
  openStore,
  openStoreInUse,
  type StoreInUseFlags,
} from './context.js';
import { logFormatOf } from './log-flags.js';
import { progressReporter } from './progress.js';
import { resumeCommand } from './resume-command.js';
import { stopOnSignal } from './signals.js';

/**
 * The base of every command: shared flags, `--json`, and one mapping from failures to exit codes
 * a CI job can act on: 0 done, 1 findings or failed items, 2 usage, configuration or connection
 * errors. Every failure prints one line; none prints a secret value.
 *
 * It also owns what a command opens (Airbyte's database, secret stores, emulators) and closes it
 * when the command ends, however it ends, and the progress display; so a command is its flags,
 * one call into `src/` and one renderer.
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
      parse: async (name) => checkJournalSchema(name),
      helpGroup: 'GLOBAL',
    }),
    layout: Flags.string({
      char: 'o',
      summary: "-o wide: tables at full width; by default they fit the terminal's width (cells cut with …).",
      options: ['wide'],
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      summary: 'Colour on a terminal (default); --no-color or NO_COLOR for none, FORCE_COLOR to force it.',
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
  };

  /** Exit code to use when the command completed but found problems (set by subclasses). */
  protected problemExit = 0;

  /** Closed in reverse order in `finally`, after success or failure alike. */
  protected readonly resources = new CommandResources();

  #progress: ReturnType<typeof progressReporter> | undefined;
  #stop: ReturnType<typeof stopOnSignal> | undefined;

  /** Progress on stderr (`--log-format`; silent under `--json`), started on first use. */
  protected get onProgress(): (event: ProgressEvent) => void {
    this.#progress ??= progressReporter({ quiet: this.jsonEnabled(), format: logFormatOf(this.argv) });
    return this.#progress.onProgress;
  }

  /** Aborted on the first SIGINT/SIGTERM (a second one stops the process at once), for runs that finish the item in flight. */
  protected get stopSignal(): AbortSignal {
    this.#stop ??= stopOnSignal();
    return this.#stop.signal;
  }

  /** Parses as oclif does, then sets how wide and colourful the renderers write (src/report/terminal.ts). */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends FlagOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    const flags = parsed.flags as { layout?: string; color?: boolean };
    setTerminal(
      detectTerminal(process.stdout, process.env, { wide: flags.layout === 'wide', color: flags.color }),
    );
    return parsed;
  }

  /** Airbyte's config database (`--database-url` or DATABASE_*), closed when the command ends. */
  protected openDatabase(flags: DatabaseFlags, poolSize?: number): Promise<OpenedDatabase> {
    return openAirbyteDatabase(this.resources, flags, poolSize);
  }

  /** The database `sample seed` fills, closed when the command ends. */
  protected openDatabaseToSeed(flags: DatabaseFlags): Promise<pg.Pool> {
    return openDatabaseToSeed(this.resources, flags);
  }

  /** One side's store (`from` or `to`) from flags, values files and Airbyte's env; `kind` when already known (a journaled run). */
  protected openStore(
    side: 'from' | 'to',
    flags: Record<string, unknown>,
    db: OpenedDatabase,
    kind?: string,
  ): Promise<SecretStore & { settings: StoreSettings }> {
    return openStore(this.resources, side, flags, db, kind);
  }

  /** The one store a command works on: `--store`, its values files, else what Airbyte uses. */
  protected openStoreInUse(
    flags: StoreInUseFlags,
    db: OpenedDatabase,
  ): Promise<SecretStore & { settings: StoreSettings }> {
    return openStoreInUse(this.resources, flags, db);
  }

  /** This command's resources, progress and rendering, for the code under src/cli that runs it. */
  protected host(): CommandHost {
    return {
      openDatabase: (flags, poolSize) => this.openDatabase(flags, poolSize),
      openStore: (side, flags, db) => this.openStore(side, flags, db),
      onProgress: (event) => this.onProgress(event),
      stopSignal: () => this.stopSignal,
      finish: (result, render, problems) => this.finish(result, render, problems),
      endProgress: () => this.endProgress(),
      json: this.jsonEnabled(),
      bin: this.config.bin,
      argv: this.argv,
    };
  }

  /** Ends the progress display (before anything else is printed on a terminal). */
  protected endProgress(): void {
    this.#progress?.done();
  }

  /**
   * The end of a successful run: progress ends, `problems` makes the exit code 1, and humans get
   * `render(result)` on stdout; under `--json` oclif prints the returned result instead.
   */
  protected finish<T>(result: T, render: (result: T) => string, problems = false): T {
    this.endProgress();
    if (problems) this.problemExit = 1;
    if (!this.jsonEnabled()) this.log(render(result));
    return result;
  }

  protected override async catch(
    err: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    // oclif's own parse errors (unknown flag, missing arg) are usage errors: exit 2.
    const exit = exitCodeFor(err);
    const message =
      err instanceof StoreError || err instanceof UsageError
        ? withoutParseWrapping(err.message)
        : firstLine(err.message);
    const resume =
      err instanceof InterruptedError && err.runId
        ? resumeCommand(this.config.bin, this.id ?? '', this.argv, err.runId)
        : undefined;
    if (this.jsonEnabled()) {
      this.logJson({ error: { name: err.name, message, exitCode: exit, ...(resume ? { resume } : {}) } });
      this.exit(exit);
    }
    this.endProgress();
    this.logToStderr(err instanceof InterruptedError ? message : `Error: ${message}`);
    if (resume) this.logToStderr(`Resume with: ${resume}`);
    this.exit(exit);
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.#progress?.done();
    this.#stop?.dispose();
    await this.resources.close();
    if (!err && this.problemExit) process.exitCode = this.problemExit;
    return super.finally(err);
  }
}

/** The base flags with `names` hidden (a command they do not apply to, e.g. `demo`). */
export function hiddenBaseFlags(...names: (keyof BaseFlagSet)[]): BaseFlagSet {
  const flags = { ...BaseCommand.baseFlags };
  for (const name of names) Object.assign(flags, { [name]: { ...flags[name], hidden: true } });
  return flags;
}

type BaseFlagSet = (typeof BaseCommand)['baseFlags'];
// biome-ignore lint/suspicious/noExplicitAny: oclif's own FlagOutput
type FlagOutput = Record<string, any>;

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

/** oclif wraps an error thrown by a flag's `parse` in `Parsing --flag \n\t<message>\nSee more help…`: one line. */
function withoutParseWrapping(message: string): string {
  return /^Parsing --[^\n]*\n\t([^\n]*)\nSee more help with --help$/.exec(message)?.[1] ?? message;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

type DatabaseFlags = { 'database-url'?: string | undefined };
