/** Flags (with a value) left out of a printed follow-up command: it names its run or plan itself. */
const DROPPED_WITH_VALUE = new Set(['--resume', '--plan', '--out', '--output', '--format']);

/**
 * A command to run next, printed for a human to copy: `commandId` with the same flags as `argv`
 * (none of which carries a credential: those come from the environment) except `--resume`,
 * `--plan`, `--out`, `--output` and `--format`, then `extra`. A password in a database URL is
 * replaced by `<password>`.
 */
export function followUpCommand(
  bin: string,
  commandId: string,
  argv: readonly string[],
  extra: readonly string[],
): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = arg.split('=')[0] ?? arg;
    if (DROPPED_WITH_VALUE.has(name)) {
      if (!arg.includes('=')) i += 1;
      continue;
    }
    if (arg === '--dry-run') continue;
    kept.push(withoutPassword(arg));
  }
  return [bin, ...commandId.split(':'), ...kept, ...extra].map(shellQuote).join(' ');
}

/** The exact command that resumes run `runId` (the same command and flags, `--resume <run-id>`). */
export function resumeCommand(
  bin: string,
  commandId: string,
  argv: readonly string[],
  runId: string,
): string {
  return followUpCommand(bin, commandId, argv, ['--resume', runId]);
}

function withoutPassword(arg: string): string {
  return arg.replace(/^((?:--[\w-]+=)?(?:jdbc:)?postgres(?:ql)?:\/\/[^:/@\s]+:)[^@/\s]+@/, '$1<password>@');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
