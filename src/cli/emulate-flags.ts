import { Flags } from '@oclif/core';
import type { EmulatorOptions } from '../emulators/harness.js';
import { UsageError } from '../util/errors.js';

/** How `emulate` serves: where it listens, the latency, the quota and the faults it injects. */
export const emulateFlags = {
  port: Flags.integer({
    summary: 'Port to listen on (0 picks a free one).',
    default: 0,
    min: 0,
    max: 65535,
  }),
  host: Flags.string({
    summary: 'Address to listen on; 0.0.0.0 only inside a container (the emulator has no real security).',
    default: '127.0.0.1',
  }),
  latency: Flags.integer({ summary: 'Milliseconds added to every response.', default: 0, min: 0 }),
  capacity: Flags.integer({
    summary: 'Requests per second the server works through; beyond it requests queue and latency rises.',
    min: 1,
  }),
  quota: Flags.boolean({
    summary: "Enforce the provider's published quota.",
    default: true,
    allowNo: true,
  }),
  'fault-rate': Flags.string({ summary: 'Share of requests (0..1) that fail: throttled, 5xx or reset.' }),
};

/** The emulator's options from `emulate`'s flags; a bad `--fault-rate` is a usage error before anything starts. */
export function emulatorOptions(flags: {
  port: number;
  host: string;
  latency: number;
  capacity?: number | undefined;
  quota: boolean;
  'fault-rate'?: string | undefined;
}): EmulatorOptions {
  const faultRate = flags['fault-rate'] === undefined ? undefined : parseRate(flags['fault-rate']);
  return {
    port: flags.port,
    host: flags.host,
    latencyMs: flags.latency,
    ...(flags.capacity ? { capacity: flags.capacity } : {}),
    ...(flags.quota ? {} : { quota: false }),
    ...(faultRate ? { faults: { rate: faultRate, seed: Date.now() } } : {}),
  };
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!(rate >= 0 && rate <= 1))
    throw new UsageError(`--fault-rate must be a number from 0 to 1, got "${text}"`);
  return rate;
}
