import type { Hook } from '@oclif/core';

/** Edit distance, for "did you mean": one row of the table at a time, left to right. */
function distance(a: string, b: string): number {
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  let result = b.length;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let left = i;
    let diagonal = i - 1;
    for (const [j, up] of above.slice(1).entries()) {
      left = Math.min(up + 1, left + 1, diagonal + (a[i - 1] === b[j] ? 0 : 1));
      row.push(left);
      diagonal = up;
    }
    above = row;
    result = left;
  }
  return result;
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
