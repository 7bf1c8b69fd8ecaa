#!/usr/bin/env -S npx tsx
// Runs the commands from TypeScript source without a build (development only).
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
