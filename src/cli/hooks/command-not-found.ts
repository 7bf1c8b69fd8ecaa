import type { Hook } from '@oclif/core';

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * An unknown command gets one line naming the nearest command, on a terminal or not (no prompt:
 * a CronJob has nobody to answer it), and exit 2 like every usage error.
 */
const hook: Hook.CommandNotFound = async (opts) => {
  const typed = opts.id.replace(/:/g, ' ');
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replace(/:/g, ' '));
  const nearest = ids
    .map((id) => ({ id, d: distance(typed, id) }))
    .sort((x, y) => x.d - y.d || x.id.localeCompare(y.id))[0];
  const hint =
    nearest && nearest.d <= Math.max(2, Math.floor(typed.length / 3)) ? ` Did you mean '${nearest.id}'?` : '';
  process.stderr.write(
    `Error: '${typed}' is not an ${opts.config.bin} command.${hint} See '${opts.config.bin} --help'.\n`,
  );
  process.exit(2);
};

export default hook;
