/** Flags (with a value) left out of the printed resume command: it resumes by run id, never re-applies a saved plan. */
const DROPPED_WITH_VALUE = new Set(['--resume', '--plan', '--out', '--output', '--format']);

/**
 * The exact command that resumes run `runId`: the same command and flags (none of which carries
 * a credential: those come from the environment), `--resume <run-id>` instead of any `--resume`
 * or `--plan`, and a password in a URL replaced by `$PGPASSWORD`-style placeholder text.
 */
export function resumeCommand(
  bin: string,
  commandId: string,
  argv: readonly string[],
  runId: string,
): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = arg.split('=')[0] ?? arg;
    if (DROPPED_WITH_VALUE.has(name)) {
      if (!arg.includes('=')) i += 1;
      continue;
    }
    kept.push(withoutPassword(arg));
  }
  return [bin, ...commandId.split(':'), ...kept, '--resume', runId].map(shellQuote).join(' ');
}

function withoutPassword(arg: string): string {
  return arg.replace(/^((?:jdbc:)?postgres(?:ql)?:\/\/[^:/@\s]+:)[^@/\s]+@/, '$1<password>@');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
