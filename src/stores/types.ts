import type { SecretValue } from '../util/secret-value.js';
import type { StoreKind } from './registry.js';

/** Our short names for the secret stores Airbyte supports: the keys of the registry. */
export type { StoreKind };

/**
 * What a store can do and how Airbyte treats it, so callers never have to guess from its kind.
 * Each store's definition declares them; an opened store may narrow them (Vault KV v1 keeps no
 * versions).
 */
export interface StoreCapabilities {
  /** Writing a name again keeps the older value as a version (Vault KV v2, AWS, Google, Azure). */
  versions: boolean;
  /** A deleted name stays recoverable for a while and blocks re-creation (AWS, Azure). */
  softDelete: boolean;
  /** Days our default (safe) delete keeps a name recoverable, where we choose it (AWS); else the service's setting. */
  recoveryWindowDays?: number;
  /** Largest payload the service accepts, in UTF-8 bytes; the limits wrapper refuses larger writes. */
  maxValueBytes: number;
  /** The service compares names without case (Key Vault), so two coordinates may name one secret. */
  caseInsensitiveNames: boolean;
  /**
   * Airbyte's read falls back to the coordinate's base name (no `_vN`) when the full name is
   * missing (AWS: AwsSecretManagerPersistence), so a base name can be in use and legacy names exist.
   */
  baseNameFallback: boolean;
  /** The store can change the encryption key of a secret in place (`rekey`), named by this flag. */
  keyChange?: { keyFlag: string };
  /** The store is Airbyte's `secrets` table in the config database itself. */
  airbyteDatabaseTable: boolean;
}

/** `created`: a new name; `updated`: a new value (version) on an existing name; `unchanged`: the identical value was there, nothing was written. */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** `deleted`: gone now; `scheduled`: in the store's recovery window; `absent`: there was nothing to delete. */
export type DeleteOutcome = 'deleted' | 'scheduled' | 'absent';

export interface ReadOptions {
  /**
   * Read as Airbyte's hydration does, including its fallbacks (AWS retries the coordinate base
   * without `_vN`). Without it the exact name is read.
   */
  asAirbyte?: boolean;
}

export interface WriteOptions {
  /**
   * The caller read the exact name moments ago and found nothing (the plan's probe, a name just
   * minted). A store that can create only-if-absent in one request (Vault KV v2 with cas 0, AWS
   * CreateSecret, Google CreateSecret, the table's INSERT ... DO NOTHING) skips its own read
   * first; when the name exists after all it falls back to the full idempotent write. A hint,
   * never a licence to overwrite: stores without such a request ignore it.
   */
  expectAbsent?: boolean;
}

export interface DeleteOptions {
  /** Skip the recovery window (AWS ForceDeleteWithoutRecovery, Azure purge, Vault metadata delete). */
  hard?: boolean;
}

export interface SecretDescription {
  coordinate: string;
  /** The name the service knows it by (Vault path, Azure name with `-`, ...). */
  name: string;
  state: 'active' | 'absent' | 'deleted-recoverable';
  /** When a soft-deleted secret will be purged, ISO 8601, where the service says. */
  scheduledPurgeAt?: string;
  tags?: Record<string, string>;
  /** Number of versions the service keeps, where it says. */
  versionCount?: number;
  kmsKeyId?: string;
  /**
   * When the service created the secret, ISO 8601, where it says: AWS CreatedDate, Google
   * createTime, Vault KV v2 metadata created_time, Azure createdOn (of the current version: Key
   * Vault dates versions, not secrets). The database table has none.
   */
  createdAt?: string;
}

/**
 * A secret store, addressed by Airbyte coordinate (`airbyte_workspace_<ws>_secret_<uuid>_v<N>`).
 * Each implementation maps a coordinate to the service's name exactly as Airbyte does, so that
 * what we write is what Airbyte reads. Every failure is a `StoreError`; "absent" is reported only
 * when the service itself says not-found.
 */
export interface SecretStore {
  readonly kind: StoreKind;
  /** A one-line description for logs and reports: kind and address, never a credential. */
  readonly description: string;
  /**
   * Which store this is, normalised (host lowercase, loopback spellings one, default ports, no
   * trailing slash; mount, region, project, vault URL): equal for two spellings of one store.
   * Runs, the writer lock's holder and rollbacks compare it (see `storeIdentity`).
   */
  readonly identity?: string;
  readonly capabilities: StoreCapabilities;

  /** The service's name for a coordinate (Vault: prefix + coordinate; Azure: `_` replaced by `-`). */
  nameOf(coordinate: string): string;

  /** The value stored under the coordinate, or `undefined` when the service says it is not there. */
  read(coordinate: string, options?: ReadOptions): Promise<SecretValue | undefined>;

  /**
   * Creates the name or adds a new value to it. When the identical value is already stored
   * nothing is written and the outcome is `unchanged` (no version churn).
   */
  write(coordinate: string, value: SecretValue, options?: WriteOptions): Promise<WriteOutcome>;

  /** Deletes in the store's safe way (recovery window where there is one) unless `hard`; absent names are `absent`, not errors. */
  delete(coordinate: string, options?: DeleteOptions): Promise<DeleteOutcome>;

  /**
   * Brings a name back from the store's recovery window (AWS RestoreSecret, Key Vault recover), for
   * undoing a cleanup; `absent` when nothing is recoverable under it. Only stores with a recovery
   * window that blocks re-creation have it; elsewhere a deleted name is simply written again.
   */
  restore?(coordinate: string): Promise<'restored' | 'absent'>;

  /** Every Airbyte-managed coordinate the store holds (names starting `airbyte_`), paging hidden. */
  list(): AsyncIterable<string>;

  /** State and metadata of a coordinate's name; `state: 'absent'` when there is none. */
  describe(coordinate: string): Promise<SecretDescription>;

  /**
   * Why Airbyte could not use this store as configured, found when it was opened (a Vault mount
   * with `cas_required`, a regional Google location): Airbyte's own writes or reads there fail
   * silently, so `plan` and `migrate` refuse it as a target and `audit` reports it.
   */
  readonly airbyteIncompatibility?: string | undefined;

  /**
   * The checks only this store knows how to make (Vault: the server answers, the token is
   * accepted, the mount exists and its KV version; the database table: the role's rights on
   * `secrets`). Never throws for a failed check: each is a `StoreCheck` with its fix. `doctor`,
   * `plan` and `migrate` add the checks every store shares (read, list, a write probe).
   */
  preflight?(options: PreflightOptions): Promise<StoreCheck[]>;

  /**
   * Calls the store itself can carry at once, where it has such a bound (the database store's
   * connection pool): the limits wrapper's adaptive limit never goes above it.
   */
  readonly inFlightCeiling?: number | undefined;

  /** Releases clients and sockets. */
  close(): Promise<void>;
}

export interface PreflightOptions {
  /** The command will write to this store (migrate, doctor), not only read it (plan). */
  writes: boolean;
}

/** One check of a store, as `doctor` prints it: one line, never a credential or a value. */
export interface StoreCheck {
  /** What was checked, a few words: `reachable`, `token`, `mount secret/`. */
  name: string;
  ok: boolean;
  /** What was found, or what is wrong. */
  detail: string;
  /** For a failed check: what to do about it. */
  fix?: string;
  /**
   * A failure nothing can go past (unreachable, credentials refused, no permission, no mount):
   * `plan` and `migrate` stop on it before any write; later checks of the store are skipped.
   */
  blocking?: boolean;
}
