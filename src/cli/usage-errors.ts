import { nearest } from '../util/nearest.js';

/** What the message needs to know about the command that failed to parse. */
export interface CommandShape {
  /** `runs show`. */
  id: string;
  bin: string;
  /** The command's flags by name (base flags and `--json` included). */
  flags: Record<string, { char?: string; aliases?: string[] } | undefined>;
}

type ParseError = Error & {
  args?: Array<{ name?: string; description?: string; options?: readonly string[] }>;
  flags?: string[];
};

/**
 * oclif's parse errors as one complete line naming what to fix. oclif writes several lines
 * (`Missing 1 required arg:` / the list / `See more help`), and a first line alone says nothing:
 *
 *   Missing 1 required arg:\nrun_id  Run id\nSee more help with --help
 *     -> missing argument RUN_ID (Run id): airbyte-secrets runs show RUN_ID (see --help)
 *   Nonexistent flag: --dryrun  -> unknown flag --dryrun for migrate. Did you mean --dry-run?
 *   The following error occurred:\n  --a cannot also be provided when using --b  -> --a cannot …
 *   Parsing --concurrency \n\tExpected an integer…  -> --concurrency: Expected an integer…
 */
export function oneLineParseError(err: ParseError, command: CommandShape): string {
  const help = `see '${command.bin} ${command.id} --help'`;
  const message = stripAnsi(err.message).replace(/\n+See more help with --help\s*$/, '');
  if (/^Missing \d+ required args?/.test(message) && Array.isArray(err.args)) {
    const named = err.args.filter((a) => a.name);
    const usage = named.map((a) => a.name?.toUpperCase()).join(' ');
    const about = named
      .map((a) => {
        const text = (a.description ?? '').replace(/\.$/, '');
        const options = a.options?.length ? ` (${a.options.join(', ')})` : '';
        return `${text}${options}`;
      })
      .filter(Boolean)
      .join('; ');
    return `missing argument${named.length === 1 ? '' : 's'} ${usage}: ${command.bin} ${command.id} ${usage}${about ? ` — ${about}` : ''}`;
  }
  if (/^Nonexistent flags?:/.test(message) && Array.isArray(err.flags)) {
    const names = Object.entries(command.flags).flatMap(([name, f]) => [name, ...(f?.aliases ?? [])]);
    const guesses = err.flags.map((typed) => {
      const flag = typed.replace(/=.*$/, '');
      const near = flag.startsWith('--') ? nearest(flag.slice(2), names) : undefined;
      return { flag, near };
    });
    const [only] = guesses;
    if (only && guesses.length === 1) {
      const hint = only.near ? `. Did you mean --${only.near}?` : '';
      return `unknown flag ${only.flag} for ${command.id}${hint} (${help})`;
    }
    const list = guesses.map((g) => (g.near ? `${g.flag} (did you mean --${g.near}?)` : g.flag)).join(', ');
    return `unknown flags ${list} for ${command.id} (${help})`;
  }
  const parsing = /^Parsing (--[^\s]+)\s*\n\t?([^\n]*)/.exec(message);
  if (parsing) return `${parsing[1]}: ${parsing[2]?.trim()} (${help})`;
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (/^The following errors? occurred:$/.test(lines[0] ?? '')) return lines.slice(1).join('; ') || message;
  const [first = '', ...rest] = lines;
  return first.endsWith(':') && rest.length ? `${first} ${rest.join('; ')}` : first;
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing colour codes is the point
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
