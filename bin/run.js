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
  await execute({ dir: import.meta.url });
}
