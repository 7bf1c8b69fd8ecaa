#!/usr/bin/env -S npx tsx
// Runs the commands from TypeScript source without a build (development only).
import { quietSdks, rerunQuietly } from './quiet-sdks.js';

// Before any SDK is loaded: their debug logs can print secret values.
if (quietSdks()) {
  await rerunQuietly();
} else {
  const { execute } = await import('@oclif/core');
  await execute({ development: true, dir: import.meta.url });
}
