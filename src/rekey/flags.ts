import { parseTags } from '../stores/tags.js';
import type { StoreKind } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import { REKEY_CATEGORIES, type RekeyCategory } from './select.js';
import type { RekeyOptions } from './types.js';

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
  if (flags['aws-kms-key-id'] && storeKind !== 'aws')
    throw new UsageError(`--aws-kms-key-id needs the aws store, not ${storeKind}`);
  if (flags['gcp-kms-key'] && storeKind !== 'gcp')
    throw new UsageError(`--gcp-kms-key needs the gcp store, not ${storeKind}`);
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
