import { Flags } from '@oclif/core';
import { limitFlags, targetStoreFlags } from './store-flags.js';

/** Flags of the commands that delete: the evidence of which store Airbyte uses, dry run, confirmation. */
export const deletionFlags = {
  'airbyte-uses': Flags.string({
    summary:
      'The store Airbyte uses now, as you checked in its deployment (positive evidence of the switch).',
  }),
  'airbyte-values': Flags.string({
    summary:
      "Airbyte's deployed Helm values.yaml: its global.secretsManager.type says which store Airbyte uses.",
  }),
  'dry-run': Flags.boolean({ summary: 'Only print what would be deleted.', default: false }),
  yes: Flags.boolean({
    summary: 'Delete without asking (default: ask on a terminal, else dry run).',
    default: false,
  }),
};

/** `cleanup`'s flags: the old store, the store it is verified against, and how far to go. */
export const cleanupFlags = {
  ...targetStoreFlags,
  ...limitFlags,
  ...deletionFlags,
  store: Flags.string({ summary: 'The old store to clean.', required: true }),
  'verified-in': Flags.string({
    summary: 'The store Airbyte uses now (default: --airbyte-uses, else SECRET_PERSISTENCE).',
  }),
  hard: Flags.boolean({
    summary: 'Skip recovery windows (AWS force delete, Azure purge).',
    default: false,
  }),
  undo: Flags.string({
    summary: 'Put back what this cleanup run deleted, from the store Airbyte uses.',
  }),
  force: Flags.boolean({
    summary: "Clean even though Airbyte's env still names this store.",
    hidden: true,
  }),
};
