import { Flags } from '@oclif/core';
import { LOG_FORMATS, type LogFormat } from './progress.js';

/** How progress is logged on stderr: `text` (bars on a terminal, lines elsewhere) or `json` (one object per line). */
export const logFlags = {
  'log-format': Flags.string({
    summary:
      'Progress on stderr: text (a bar on a terminal, timestamped lines elsewhere) or json (one object per line).',
    options: [...LOG_FORMATS],
    default: 'text',
    helpGroup: 'GLOBAL',
  }),
};

/** `--log-format` from the raw arguments (the progress display starts before a command's own parse ends). */
export function logFormatOf(argv: readonly string[]): LogFormat {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    const value =
      arg === '--log-format' ? argv[i + 1] : arg.startsWith('--log-format=') ? arg.slice(13) : undefined;
    if (value === 'json') return 'json';
  }
  return 'text';
}
