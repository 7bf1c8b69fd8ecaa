import type { Hook } from '@oclif/core';
import { versionText } from '../version.js';

/**
 * `--version` (and `-v`) name the commit the package was built from, not only oclif's
 * `name/version platform node` line; oclif runs the init hook before its own version output.
 */
const hook: Hook.Init = async (opts) => {
  if (opts.id !== '--version' && opts.id !== '-v') return;
  process.stdout.write(`${versionText()}\n`);
  process.exit(0);
};

export default hook;
