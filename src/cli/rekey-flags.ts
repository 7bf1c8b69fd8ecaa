import { Flags } from '@oclif/core';
import { REKEY_CATEGORIES, type RekeyCategory } from '../rekey/select.js';
import type { RekeyOptions } from '../rekey/types.js';
import { kindWithKeyFlag, type StoreKind, storeDefinition } from '../stores/registry.js';
import { parseTags } from '../stores/tags.js';
import { UsageError } from '../util/errors.js';
import { logFlags } from './log-flags.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from './store-flags.js';

const KEY_FLAGS = ['aws-kms-key-id', 'gcp-kms-key'] as const;

/** `rekey`'s flags: the store in use, what to select, what to change, and how the run goes. */
export const rekeyFlags = {
  ...logFlags,
  ...targetStoreFlags,
  ...limitFlags,
  ...storeInUseFlags,
  category: Flags.string({
    summary: 'Problems to fix.',
    options: [...REKEY_CATEGORIES, 'all'],
    multiple: true,
    delimiter: ',',
  }),
  workspace: Flags.string({ summary: 'Only references in these workspaces.', multiple: true }),
  actor: Flags.string({
    summary: 'Only references of these actors (or OAuth-parameter rows).',
    multiple: true,
  }),
  coordinate: Flags.string({ summary: 'Only references to these coordinates.', multiple: true }),
  'gcp-kms-key': Flags.string({
    summary: 'Cloud KMS key (projects/…/cryptoKeys/…) for the selected Google secrets.',
    helpGroup: 'GCP',
  }),
  tags: Flags.string({ summary: 'Tags (labels on Google) to set on the selected secrets, k=v,k2=v2.' }),
  'replace-tags': Flags.boolean({ summary: 'Remove tags not given in --tags.' }),
  'delete-old': Flags.boolean({
    summary:
      'After the rewrite, delete old names no row uses any more (recovery window where the store has one).',
  }),
  'dry-run': Flags.boolean({
    summary: 'Only plan: read the database and the store, write nothing anywhere.',
  }),
  resume: Flags.string({
    summary: 'Resume this run id (default: the newest unfinished re-key run on the store).',
  }),
};

/** What `rekey`'s flags ask for, as options for `planRekey`/`runRekey` (store, pool and progress aside). */
export function rekeyRequest(
  storeKind: StoreKind,
  flags: {
    'journal-schema': string;
    concurrency?: number | undefined;
    resume?: string | undefined;
    category?: string[] | undefined;
    workspace?: string[] | undefined;
    actor?: string[] | undefined;
    coordinate?: string[] | undefined;
    'aws-kms-key-id'?: string | undefined;
    'gcp-kms-key'?: string | undefined;
    tags?: string | undefined;
    'replace-tags'?: boolean | undefined;
    'delete-old'?: boolean | undefined;
  },
): Pick<
  RekeyOptions,
  'categories' | 'filter' | 'keys' | 'deleteOld' | 'journalSchema' | 'concurrency' | 'resume'
> {
  const categories = flags.category?.length
    ? [
        ...new Set(
          flags.category.flatMap((c) => (c === 'all' ? [...REKEY_CATEGORIES] : [c as RekeyCategory])),
        ),
      ]
    : undefined;
  // Each key flag belongs to the store whose key change it names.
  const keyFlag = storeDefinition(storeKind).capabilities.keyChange?.keyFlag;
  for (const flag of KEY_FLAGS) {
    if (flags[flag] && keyFlag !== flag)
      throw new UsageError(
        `--${flag} needs the ${kindWithKeyFlag(flag) ?? 'matching'} store, not ${storeKind}`,
      );
  }
  if (flags['replace-tags'] && !flags.tags) throw new UsageError('--replace-tags needs --tags');
  const kmsKeyId = flags['aws-kms-key-id'] ?? flags['gcp-kms-key'];
  const tags = flags.tags ? parseTags(flags.tags, '--tags') : undefined;
  const keys =
    kmsKeyId || tags
      ? {
          ...(kmsKeyId ? { kmsKeyId } : {}),
          ...(tags ? { tags } : {}),
          ...(flags['replace-tags'] ? { replaceTags: true } : {}),
        }
      : undefined;
  return {
    ...(categories ? { categories } : {}),
    filter: {
      ...(flags.workspace?.length ? { workspaces: flags.workspace } : {}),
      ...(flags.actor?.length ? { actors: flags.actor } : {}),
      ...(flags.coordinate?.length ? { coordinates: flags.coordinate } : {}),
    },
    ...(keys ? { keys } : {}),
    ...(flags['delete-old'] ? { deleteOld: true } : {}),
    journalSchema: flags['journal-schema'],
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.resume ? { resume: flags.resume } : {}),
  };
}
