import type { EmulatorInfo } from '../emulators/index.js';

/** What `emulate` prints once it listens: the address, its dummy credentials, how to point the tool at it. */
export function renderEmulator(info: EmulatorInfo): string {
  const creds = Object.entries(info.credentials).map(([k, v]) => `  ${k}: ${v}`);
  const env = Object.entries(info.env).map(([k, v]) => `  export ${k}=${v}`);
  return [
    `${info.kind} emulator listening on ${info.url} (dummy credentials, in-memory state)`,
    ...creds,
    ...(env.length > 0 ? ['Point airbyte-secrets at it:', ...env] : []),
    ...(info.flags.length > 0 ? [`  or flags: ${info.flags.join(' ')}`] : []),
    'Stop with Ctrl-C.',
  ].join('\n');
}
