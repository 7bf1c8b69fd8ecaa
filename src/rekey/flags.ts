import { kindWithKeyFlag, type StoreKind, storeDefinition } from '../stores/registry.js';
import { parseTags } from '../stores/tags.js';
import { UsageError } from '../util/errors.js';
import { REKEY_CATEGORIES, type RekeyCategory } from './select.js';
import type { RekeyOptions } from './types.js';

const KEY_FLAGS = ['aws-kms-key-id', 'gcp-kms-key'] as const;

/** What `rekey`'s flags ask for, as options for `planRekey`/`runRekey` (store and pool aside). */
export function rekeyRequest(
  storeKind: StoreKind,
  flags: {
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
): Pick<RekeyOptions, 'categories' | 'filter' | 'keys' | 'deleteOld'> {
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
  };
}
