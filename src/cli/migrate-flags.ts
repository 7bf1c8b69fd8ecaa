import { Flags } from '@oclif/core';
import { logFlags } from './log-flags.js';
import { fromStoreFlags, limitFlags, targetStoreFlags, toStoreFlags } from './store-flags.js';

/** What `migrate` and `plan` share: both stores, their pacing, progress logs. */
const sharedFlags = {
  ...fromStoreFlags,
  ...toStoreFlags,
  ...targetStoreFlags,
  ...limitFlags,
  ...logFlags,
  'dry-run': Flags.boolean({
    summary: 'Only plan: read both stores and the database, write nothing anywhere.',
  }),
  'helm-shape': Flags.string({
    summary: 'Chart shape of the printed cut-over values.',
    options: ['v1', 'v2'],
    default: 'v2',
  }),
  'batch-size': Flags.integer({ summary: 'Rows per database read.', hidden: true, min: 1 }),
};

/** `migrate`'s flags: both stores, their pacing, and how the run goes. */
export const migrateFlags = {
  ...sharedFlags,
  resume: Flags.string({
    summary: 'Resume this run id (default: the newest unfinished run between the same stores).',
  }),
  reverify: Flags.boolean({
    summary:
      'Final verify reads every reference again, also those this run wrote and read back (default: those are not read a third time).',
  }),
  yes: Flags.boolean({
    char: 'y',
    summary: 'Apply without asking (default: show the plan and ask on a terminal; proceed without one).',
    default: false,
  }),
  plan: Flags.string({
    summary:
      "Apply exactly this saved plan (from 'plan --out'); refused if the database or the stores changed since.",
  }),
};

/** `plan`'s flags: `migrate`'s without those of applying, plus saving the plan and a change-review report. */
export const planFlags = {
  ...sharedFlags,
  out: Flags.string({
    summary: "Save the plan (coordinates, paths and digests, never values) for 'migrate --plan <file>'.",
  }),
  format: Flags.string({
    summary: 'Write a change-review report in this format (to --output, else stdout).',
    options: ['markdown', 'html', 'json'],
  }),
  output: Flags.string({ summary: 'File for the --format report (written 0600).', dependsOn: ['format'] }),
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
