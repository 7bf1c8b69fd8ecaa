import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Third-party reference material (Airbyte's fixtures, published connector specs) lives in
 * ../shared beside the clone and is never copied into the project. Tests that read it run when it
 * is there and say clearly that they skipped otherwise.
 */
export const SHARED_DIR =
  process.env.AIRBYTE_SECRETS_SHARED ?? join(dirname(fileURLToPath(import.meta.url)), '../../../shared');
export const hasShared = existsSync(join(SHARED_DIR, 'airbyte'));
export const SKIP_SHARED = hasShared
  ? false
  : `../shared not found at ${SHARED_DIR}: skipped (third-party fixtures are not shipped)`;
