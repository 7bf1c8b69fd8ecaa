import type { Command, Config } from '@oclif/core';

/** How one CLI command ended when run in-process. */
export interface CommandOutcome<T> {
  /** What `run()` returned (its `--json` document); undefined when it failed. */
  result: T | undefined;
  /** The exit code the command would have ended the process with. */
  exitCode: number;
  /** The one-line error message, when it failed. */
  error?: string;
}

/** A loaded command class; `run` is concrete there (it is abstract only on oclif's base class). */
interface LoadedCommand extends Command {
  run(): Promise<unknown>;
}
type CommandClass = new (argv: string[], config: Config) => LoadedCommand;

/**
 * Runs a command of this CLI in this process, as oclif would (same parsing, `init`, `catch`,
 * `finally`), and returns what its `run()` returned. With `quiet`, the command runs under `--json`
 * and its JSON document is kept instead of printed, so only the caller writes to stdout.
 * The process exit code the command sets is captured and put back, so one command's findings do
 * not decide the caller's exit code.
 */
export async function runCommandInProcess<T>(
  config: Config,
  id: string,
  argv: string[],
  options: { quiet?: boolean } = {},
): Promise<CommandOutcome<T>> {
  const Loaded = (await config.findCommand(id, { must: true }).load()) as unknown as CommandClass;
  let failure: string | undefined;
  class InProcess extends Loaded {
    // Under --json the document is kept, not printed (the caller has the returned value).
    protected override logJson(_json: unknown): void {}

    protected override async catch(err: Error): Promise<unknown> {
      failure = firstLine(err);
      return super.catch(err);
    }

    start(): Promise<T> {
      return this._run<T>();
    }
  }
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    const result = await new InProcess(options.quiet ? [...argv, '--json'] : argv, config).start();
    return { result, exitCode: Number(process.exitCode ?? 0) };
  } catch (err) {
    const exit = (err as { oclif?: { exit?: number } }).oclif?.exit;
    return {
      result: undefined,
      exitCode: typeof exit === 'number' ? exit : 2,
      error: failure ?? firstLine(err),
    };
  } finally {
    process.exitCode = previousExitCode;
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim();
}
