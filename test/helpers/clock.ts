import { mock } from 'node:test';

/**
 * Runs `fn` with this process's `Date` set to `at` (timers keep running), so a store write to an
 * in-process emulator is dated then, as the real service dates what it was sent at that time.
 * For planting secrets of a known age (Airbyte's two-hour ephemeral secrets).
 */
export async function atTime<T>(at: Date, fn: () => Promise<T>): Promise<T> {
  mock.timers.enable({ apis: ['Date'], now: at });
  try {
    return await fn();
  } finally {
    mock.timers.reset();
  }
}

/** `ms` before now. */
export const ago = (ms: number) => new Date(Date.now() - ms);
