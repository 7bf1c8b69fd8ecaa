import { parseStoreKind, STORE_KINDS, type StoreKind, storeDefinition } from '../stores/registry.js';
import { UsageError } from '../util/errors.js';
import type { ChartShape } from './chart-keys.js';

/**
 * Store names as Airbyte takes them, which is stricter than our own `--from`/`--to` names.
 *
 * - `SECRET_PERSISTENCE`: each persistence is a bean with `@Requires(property =
 *   "airbyte.secret.persistence", pattern = "(?i)^<name>$")` (airbyte-platform
 *   airbyte-config/config-secrets/src/main/kotlin/secrets/persistence/*Persistence.kt, names in
 *   airbyte-commons-micronaut/src/main/kotlin/io/airbyte/micronaut/runtime/AirbyteConfig.kt
 *   `SECRET_MANAGER_*`): one of the names, in any case, and nothing else.
 * - Chart v2 renders `type` as it is and compares it with upper-case literals to decide which
 *   store's settings to render (charts/v2/airbyte/templates/config/_secretsManager.tpl
 *   `eq $opt "AWS_SECRET_MANAGER"`): any other spelling gets no settings at all.
 * - Chart v1 renders `snakecase type` (charts/airbyte-*\/templates/_helpers.tpl
 *   `airbyte.secretPersistence`, removed in 802b7fc947), so `awsSecretManager` and
 *   `AWS_SECRET_MANAGER` both become a name Airbyte accepts.
 */

/** Airbyte's no-op persistence: accepted by Airbyte, refused by us with its reason. */
const NO_OP = 'NO_OP';

const PERSISTENCE_NAMES = STORE_KINDS.map((kind) => storeDefinition(kind).names.persistence);

/** `SECRET_PERSISTENCE` from Airbyte's env, matched as Airbyte's `(?i)^name$` does. */
export function kindFromPersistence(text: string, origin: string): StoreKind {
  const kind = exactKind(text.toUpperCase(), origin);
  if (kind) return kind;
  throw refusal(text, origin, 'Airbyte matches SECRET_PERSISTENCE against its names in any case only');
}

/** A values file's `global.secretsManager.type`, as the chart of that shape renders it for Airbyte. */
export function kindFromValuesType(text: string, shape: ChartShape, origin: string): StoreKind {
  if (shape === 'v2') {
    const kind = exactKind(text, origin);
    if (kind) return kind;
    throw refusal(
      text,
      origin,
      'chart v2 compares type with upper-case names and renders no store settings for any other spelling',
    );
  }
  const kind = exactKind(snakecase(text).toUpperCase(), origin);
  if (kind) return kind;
  throw refusal(text, origin, 'chart v1 passes snakecase(type) to Airbyte, which does not accept it');
}

/** The kind whose persistence name is exactly `upper`; NO_OP is refused with its reason. */
function exactKind(upper: string, origin: string): StoreKind | undefined {
  if (upper === NO_OP) {
    try {
      return parseStoreKind(NO_OP);
    } catch (err) {
      throw err instanceof UsageError ? new UsageError(`${origin}: ${err.message}`) : err;
    }
  }
  return STORE_KINDS.find((kind) => storeDefinition(kind).names.persistence === upper);
}

function refusal(text: string, origin: string, why: string): UsageError {
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  let meant: string | undefined;
  try {
    meant = storeDefinition(parseStoreKind(text)).names.persistence;
  } catch {
    meant = undefined;
  }
  if (!meant) {
    return new UsageError(
      `${origin}: "${shown}" is not a store Airbyte knows: write one of ${PERSISTENCE_NAMES.join(', ')}`,
    );
  }
  return new UsageError(`${origin}: "${shown}" is not a store name Airbyte accepts (${why}): write ${meant}`);
}

/**
 * Sprig's `snakecase` (huandu/xstrings ToSnakeCase) for the names at stake: a word starts at an
 * upper-case letter after a lower-case letter or digit, or at the last capital of a run followed
 * by a lower-case letter (`AWSSecret` → `aws_secret`); `-`, `_` and spaces separate words.
 */
export function snakecase(text: string): string {
  const words: string[] = [];
  let word = '';
  const chars = [...text];
  for (const [i, c] of chars.entries()) {
    if (c === '-' || c === '_' || c === ' ') {
      if (word) words.push(word);
      word = '';
      continue;
    }
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1] ?? '';
    const upper = /[A-Z]/.test(c);
    const startsWord =
      upper && word !== '' && (/[a-z0-9]/.test(prev) || (/[A-Z]/.test(prev) && /[a-z]/.test(next)));
    if (startsWord) {
      words.push(word);
      word = '';
    }
    word += c;
  }
  if (word) words.push(word);
  return words.map((w) => w.toLowerCase()).join('_');
}
