import type { Hook } from '@oclif/core';
import { nearest } from '../../util/nearest.js';

/**
 * An unknown command gets one line naming the nearest command, on a terminal or not (no prompt:
 * a CronJob has nobody to answer it), and exit 2 like every usage error.
 */
const hook: Hook.CommandNotFound = async (opts) => {
  const typed = opts.id.replace(/:/g, ' ');
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replace(/:/g, ' '));
  const near = nearest(typed, ids);
  const hint = near ? ` Did you mean '${near}'?` : '';
  process.stderr.write(
    `Error: '${typed}' is not an ${opts.config.bin} command.${hint} See '${opts.config.bin} --help'.\n`,
  );
  process.exit(2);
};

export default hook;
