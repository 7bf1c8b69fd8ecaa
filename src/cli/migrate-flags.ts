import { Flags } from '@oclif/core';
import { fromStoreFlags, limitFlags, targetStoreFlags, toStoreFlags } from './store-flags.js';

/** `migrate`'s (and `plan`'s) flags: both stores, their pacing, and how the run goes. */
export const migrateFlags = {
  ...fromStoreFlags,
  ...toStoreFlags,
  ...targetStoreFlags,
  ...limitFlags,
  'dry-run': Flags.boolean({
    summary: 'Only plan: read both stores and the database, write nothing anywhere.',
  }),
  resume: Flags.string({
    summary: 'Resume this run id (default: the newest unfinished run between the same stores).',
  }),
  reverify: Flags.boolean({
    summary:
      'Final verify reads every reference again, also those this run wrote and read back (default: those are not read a third time).',
  }),
  'helm-shape': Flags.string({
    summary: 'Chart shape of the printed cut-over values.',
    options: ['v1', 'v2'],
    default: 'v2',
  }),
  'batch-size': Flags.integer({ summary: 'Rows per database read.', hidden: true, min: 1 }),
};

/** The run options `migrate`'s flags set (pool, stores and progress aside). */
export function migrationRequest(flags: {
  'journal-schema': string;
  concurrency?: number | undefined;
  resume?: string | undefined;
  'batch-size'?: number | undefined;
  reverify?: boolean | undefined;
}): { journalSchema: string; concurrency?: number; resume?: string; batchSize?: number; reverify?: boolean } {
  return {
    ...(flags.reverify ? { reverify: true } : {}),
    journalSchema: flags['journal-schema'],
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.resume ? { resume: flags.resume } : {}),
    ...(flags['batch-size'] ? { batchSize: flags['batch-size'] } : {}),
  };
}
