import { UsageError } from '../util/errors.js';
import type { Found, SettingReader, SettingSpec } from './definition.js';
import { parseTags } from './tags.js';

/** Checks shared by several stores' settings builders; each problem names the setting and its origin. */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks an http(s) URL; returns true when it is plain http to loopback (allowed only if `httpsOnly`). */
export function checkUrl(src: SettingReader, label: string, found: Found, httpsOnly: boolean): boolean {
  let url: URL;
  try {
    url = new URL(found.value);
  } catch {
    throw src.invalid(label, found, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw src.invalid(label, found, 'is not an http(s) URL');
  if (httpsOnly && url.protocol === 'http:') {
    if (!LOOPBACK.has(url.hostname))
      throw src.invalid(label, found, 'must use https (http only for a local emulator)');
    return true;
  }
  return false;
}

/**
 * Tags: flag or env as `k=v,k2=v2` (Airbyte's format), or the values file's list, which the charts
 * render into that format; every form is checked by the same parser Airbyte's format implies.
 */
export function tagsOf(src: SettingReader, spec: SettingSpec): Record<string, string> | undefined {
  // Read first, so a malformed values entry is reported even when a flag overrides it.
  const fromValues = src.valuesTags();
  const found =
    (spec.flag ? src.flag(spec.flag) : undefined) ?? fromValues ?? (spec.env ? src.env(spec.env) : undefined);
  if (!found) return undefined;
  try {
    const tags = parseTags(found.value, found.origin);
    return Object.keys(tags).length > 0 ? tags : undefined;
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(`${src.kind}: ${err.message}`) : err;
  }
}
