/**
 * Airbyte secret coordinates (airbyte-platform airbyte-config/config-models/src/main/kotlin/io/airbyte/config/secrets/SecretCoordinate.kt):
 * `airbyte_<prefix><baseId>_secret_<uuid>_v<N>`.
 * Parsing follows `AirbyteManagedSecretCoordinate.fromFullCoordinate`: a coordinate is
 * Airbyte-managed when it starts with `airbyte_` and the text after the LAST `_v` parses as a
 * Kotlin `toLongOrNull()` (optional sign, decimal digits, 64-bit range); anything else is external.
 */

import { codePoint } from '../util/code-point.js';

export const AIRBYTE_PREFIX = 'airbyte_';
export const VERSION_DELIMITER = '_v';
export const DEFAULT_SECRET_BASE_PREFIX = 'workspace_';
/** Base id of ephemeral secrets (check/discover before a save) and of the default organization. */
export const EPHEMERAL_BASE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The prefixes Airbyte's code produces (SecretCoordinate.kt; `rsm_<SCOPE>_` in
 * airbyte-commons-server/.../handlers/SecretPersistenceConfigHandler.kt). The storage ones have no `_` before the id.
 */
export const KNOWN_COORDINATE_PREFIXES = [
  'workspace_',
  'organization_',
  'oauth_workspace_',
  'rsm_ORGANIZATION_',
  'rsm_WORKSPACE_',
  'storage_organization',
  'storage_workspace',
] as const;

export type Coordinate = ManagedCoordinate | ExternalCoordinate;

interface CoordinateText {
  /**
   * The coordinate Airbyte reads and writes. For a managed coordinate it is re-rendered from base
   * and version, as Airbyte does, so `…_v01` becomes `…_v1`; `text` then keeps the original.
   */
  full: string;
  /** The text as given, only when it differs from `full`. */
  text?: string;
}

export interface ManagedCoordinate extends CoordinateText {
  managed: true;
  /** Everything before the last `_v`. */
  base: string;
  version: number;
  /** The text between `airbyte_` and the base id, e.g. `workspace_`, when the base has the generated shape. */
  prefix?: string;
  baseId?: string;
  uuid?: string;
}

export interface ExternalCoordinate extends CoordinateText {
  managed: false;
  base?: undefined;
  version?: undefined;
  prefix?: undefined;
  baseId?: undefined;
  uuid?: undefined;
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const GENERATED_BASE = new RegExp(`^${AIRBYTE_PREFIX}(.*)(${UUID})_secret_(${UUID})$`);
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export function parseCoordinate(text: string): Coordinate {
  if (!text.startsWith(AIRBYTE_PREFIX)) return { full: text, managed: false };
  const at = text.lastIndexOf(VERSION_DELIMITER);
  if (at === -1) return { full: text, managed: false };
  const version = parseKotlinLong(text.slice(at + VERSION_DELIMITER.length));
  if (version === undefined) return { full: text, managed: false };
  const c = managedCoordinate(text.slice(0, at), version);
  if (c.full !== text) c.text = text;
  return c;
}

/** Builds `airbyte_<prefix><baseId>_secret_<uuid>_v<version>` (Airbyte always prepends `airbyte_`). */
export function formatCoordinate(parts: {
  prefix?: string;
  baseId: string;
  uuid: string;
  version?: number;
}): string {
  const base = `${AIRBYTE_PREFIX}${parts.prefix ?? DEFAULT_SECRET_BASE_PREFIX}${parts.baseId}_secret_${parts.uuid}`;
  return `${base}${VERSION_DELIMITER}${parts.version ?? 1}`;
}

/** The same base at version `n`. Throws for an external coordinate, which has no version. */
export function withVersion(coordinate: Coordinate | string, n: number): ManagedCoordinate {
  const c = typeof coordinate === 'string' ? parseCoordinate(coordinate) : coordinate;
  if (!c.managed) throw new Error(`Not an Airbyte-managed coordinate: ${c.full}`);
  if (!Number.isSafeInteger(n)) throw new Error(`Bad version ${n} for ${c.full}`);
  return managedCoordinate(c.base, BigInt(n));
}

export function isEphemeral(coordinate: Coordinate | string): boolean {
  const c = typeof coordinate === 'string' ? parseCoordinate(coordinate) : coordinate;
  return c.managed && c.baseId === EPHEMERAL_BASE_ID;
}

function managedCoordinate(base: string, version: bigint): ManagedCoordinate {
  const c: ManagedCoordinate = {
    full: `${base}${VERSION_DELIMITER}${version}`,
    managed: true,
    base,
    version: Number(version),
  };
  const [, prefix, baseId, uuid] = GENERATED_BASE.exec(base) ?? [];
  if (prefix !== undefined && baseId !== undefined && uuid !== undefined) {
    c.prefix = prefix;
    c.baseId = baseId;
    c.uuid = uuid;
  }
  return c;
}

/**
 * Kotlin `String.toLongOrNull()`: optional `+`/`-`, decimal digits as `Character.digit` reads
 * them (any BMP Unicode digit, not surrogate pairs), within 64 bits.
 */
function parseKotlinLong(s: string): bigint | undefined {
  const [, sign, digits] = /^([+-]?)(\p{Nd}+)$/u.exec(s) ?? [];
  if (digits === undefined || [...digits].some((ch) => ch.length > 1)) return undefined;
  let value = 0n;
  for (const ch of digits) value = value * 10n + BigInt(digitValue(codePoint(ch)));
  if (sign === '-') value = -value;
  return value < LONG_MIN || value > LONG_MAX ? undefined : value;
}

/** Unicode decimal digits come in runs of ten starting at zero, so a digit's value is its offset in its run. */
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * The characters a coordinate may hold before any store turns it into a path or a name. Airbyte
 * makes `airbyte_<prefix><uuid>_secret_<uuid>_v<N>` (letters, digits, `_`, `-`); an external
 * coordinate (`secret_coordinate::<name>`, a `_secret` typed by hand) is taken as it is by
 * SecretCoordinate.fromFullCoordinate, so it could name anything: `../other-team/db` under
 * VAULT_PREFIX, `sys/mounts`, a name with a newline. Letters, digits and `_ - . + = @` cover what
 * the stores' own naming rules allow beyond that; `/` is refused (a path separator for Vault), and
 * so is `..` (a path step upwards wherever a name becomes part of a URL).
 */
const SAFE_COORDINATE = /^[A-Za-z0-9_.+=@-]+$/;

/** Why no store may be asked about this coordinate, or undefined when it is fine. */
export function coordinateProblem(text: string): string | undefined {
  if (text.length === 0) return 'the coordinate is empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return 'the coordinate holds control characters';
  if (text.includes('/') || text.includes('\\')) return 'the coordinate holds a path separator';
  if (text.includes('..')) return 'the coordinate holds ".."';
  if (!SAFE_COORDINATE.test(text)) return 'the coordinate holds characters outside A-Z a-z 0-9 _ - . + = @';
  return undefined;
}

/** The coordinate for a message: control characters and quotes escaped as JSON does, so it stays on one line. */
export function printableCoordinate(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
