import { Flags } from '@oclif/core';
import { limitFlags, targetStoreFlags } from './store-flags.js';

/** `cleanup`'s flags: the old store, the store it is verified against, and how far to go. */
export const cleanupFlags = {
  ...targetStoreFlags,
  ...limitFlags,
  store: Flags.string({ summary: 'The old store to clean.', required: true }),
  'verified-in': Flags.string({
    summary: 'The store Airbyte uses now (default: from SECRET_PERSISTENCE).',
  }),
  yes: Flags.boolean({ summary: 'Delete for real (default: dry run).', default: false }),
  hard: Flags.boolean({
    summary: 'Skip recovery windows (AWS force delete, Azure purge).',
    default: false,
  }),
  force: Flags.boolean({
    summary: "Clean even though Airbyte's env still names this store.",
    hidden: true,
  }),
};
