import { UsageError } from '../util/errors.js';

/**
 * Tags as Airbyte reads them from `AWS_SECRET_MANAGER_SECRET_TAGS` and `AB_AZURE_KEY_VAULT_TAGS`:
 * `key1=value1,key2=value2`. Each pair is trimmed and split at its first `=`; keys and values use
 * the characters AWS allows in tags (letters, digits, spaces and `_ . : / = + - @`). Blank text
 * means no tags; anything else that does not fit is an error naming the setting, as in Airbyte.
 */

const PAIR = /^([A-Za-z0-9_\s.:/+\-@]+)=([A-Za-z0-9_\s.:/=+\-@]+)$/;

export function parseTags(
  text: string | undefined,
  setting = 'AWS_SECRET_MANAGER_SECRET_TAGS',
): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  const tags: Record<string, string> = {};
  for (const part of text.split(',')) {
    const match = PAIR.exec(part.trim());
    if (!match?.[1] || !match[2]) {
      throw new UsageError(
        `${setting} does not match the expected format "key1=value1,key2=value2" (at "${part.trim()}")`,
      );
    }
    tags[match[1]] = match[2];
  }
  return tags;
}

/** Tags in Airbyte's `key1=value1,key2=value2` text form. */
export function tagsText(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Tags as the charts' values list them: `[{key, value}]`. */
export function tagsList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
