#!/usr/bin/env node
// Configurations are rewritten with their numbers kept exact, which needs JSON.rawJSON (Node.js 22+).
if (typeof JSON.rawJSON !== 'function') {
  process.stderr.write(`airbyte-secrets needs Node.js 22 or newer; this is ${process.version}.\n`);
  process.exit(2);
}
// Before any SDK is loaded: their debug logs can print secret values.
const { quietSdks, rerunQuietly } = await import('./quiet-sdks.js');
if (quietSdks()) {
  await rerunQuietly();
} else {
  const { execute } = await import('@oclif/core');
  // A connection killed under a pending query can leave a promise that never settles; Node would
  // then exit 13 with a warning. Say it in one line instead, exit 2: running again resumes.
  let settled = false;
  process.once('beforeExit', () => {
    if (settled) return;
    const message =
      'lost the connection to the database or a store while waiting on it: run the same command again to resume';
    if (process.argv.includes('--json'))
      process.stdout.write(
        `${JSON.stringify({ error: { name: 'ConnectionLost', message, exitCode: 2 } })}\n`,
      );
    else process.stderr.write(`Error: ${message}\n`);
    process.exit(2);
  });
  await execute({ dir: import.meta.url });
  settled = true;
}
