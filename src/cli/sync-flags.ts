import { Flags } from '@oclif/core';
import { logFlags } from './log-flags.js';
import { fromStoreFlags, limitFlags, targetStoreFlags, toStoreFlags } from './store-flags.js';

/** `sync`'s flags: both stores, their pacing, one pass or follow. */
export const syncFlags = {
  ...fromStoreFlags,
  ...toStoreFlags,
  ...targetStoreFlags,
  ...limitFlags,
  ...logFlags,
  follow: Flags.boolean({ summary: 'Keep polling until SIGINT/SIGTERM.' }),
  interval: Flags.integer({ summary: 'Seconds between passes with --follow.', default: 5, min: 1 }),
  resume: Flags.string({ summary: 'Resume this sync run id (default: the newest unfinished one).' }),
};

/** The sync options `sync`'s flags set (pool, stores, signal and output aside). */
export function syncRequest(flags: {
  'journal-schema': string;
  follow: boolean;
  interval: number;
  concurrency?: number | undefined;
  resume?: string | undefined;
}): { journalSchema: string; follow: boolean; intervalMs: number; concurrency?: number; resume?: string } {
  return {
    journalSchema: flags['journal-schema'],
    follow: flags.follow,
    intervalMs: flags.interval * 1000,
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.resume ? { resume: flags.resume } : {}),
  };
}
