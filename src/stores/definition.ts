import type { DatabaseConnection } from '../airbyte/connection.js';
import type { UsageError } from '../util/errors.js';
import type { SecretValue } from '../util/secret-value.js';
import type { StoreQuota } from './quotas.js';
import type { SecretStore, StoreCapabilities } from './types.js';

/**
 * What one store brings to the tool, in one place: the names Airbyte and its charts use for it,
 * what it can do (capabilities), its quota, how its settings are read and checked, how it is
 * described and how Airbyte is switched to it, and how it is opened. Each store's folder
 * (`src/stores/<kind>/index.ts`) exports one; `registry.ts` lists them. Nothing outside a store's
 * folder tests its kind: callers read the definition or the opened store's `capabilities`.
 */
export interface StoreDefinition<S extends KindedSettings> {
  readonly kind: S['kind'];
  readonly names: StoreNames;
  /** Every env name Airbyte reads for this store (its deployment sets them; the demo clears them). */
  readonly airbyteEnv: readonly string[];
  readonly capabilities: StoreCapabilities;
  /** Pacing and retry figures, from the provider's published quotas. */
  readonly quota: StoreQuota;
  /** Validated settings from the combined sources; every problem is one line naming the setting. */
  settings(reader: SettingReader, context: SettingsContext): S | Promise<S>;
  /** The parts of a one-line description: address and the choices that matter, never a credential. */
  describe(settings: S): string[];
  readonly cutover: StoreCutover<S>;
  /** The command-line flags that set this store's settings (the CLI adds them to its help group). */
  readonly flags: readonly StoreFlag[];
  /** Builds the store itself; its SDK is loaded here, on first use, never when the definition is. */
  open(settings: S): Promise<SecretStore>;
}

/** One command-line flag of a store, as plain data: the CLI turns it into an oclif flag. */
export interface StoreFlag {
  /** The flag's name (`vault-address`); a `SettingSpec.flag` names the same. */
  name: string;
  /** One line for `--help`, naming Airbyte's env variable where there is one. */
  summary: string;
  type: 'string' | 'boolean';
}

/** Settings every store kind shares: its kind and optional limits. */
export interface KindedSettings {
  kind: string;
  limits?: StoreLimits;
}

export interface StoreLimits {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests per second (writes for stores with a write quota); defaults to the provider's published quota. */
  rate?: number;
}

export interface StoreNames {
  /** Airbyte's `SECRET_PERSISTENCE` value (chart v2's `type`, the `SecretPersistenceType` enum). */
  persistence: string;
  /** Chart v1's `global.secretsManager.type` (the env value is its snake_case). */
  chartV1Type: string;
  /** The block under `global.secretsManager` holding the store's settings in both charts; none for the database. */
  valuesBlock?: string;
  /**
   * Further accepted spellings, compared lower-case with `_`, `-` and spaces removed (our short
   * name, `persistence` and `chartV1Type` are always accepted).
   */
  aliases: string[];
}

/** The Airbyte config database connection, as resolved from `--database-url`/`DATABASE_URL`. */
export type { DatabaseConnection };

export interface SettingsContext {
  limits?: StoreLimits;
  /** Airbyte's config database, when the command has one open. */
  databaseConnection?: DatabaseConnection;
}

/** Chart v1 or chart v2 of Airbyte's Helm chart. */
export type ChartShape = 'v1' | 'v2';

/** A credential the chart reads from the Kubernetes Secret. */
export interface CredentialKey {
  /** The env var Airbyte reads it from. */
  env: string;
  /** The values key holding it inline (chart v2 writes it into the Secret it creates). */
  inline: string;
  /** The values key naming its key in the Secret (`authTokenSecretKey`). */
  keyOption: string;
  /** Default key in the Secret, per chart version. */
  defaults: Record<ChartShape, string>;
  /** Further keys worth trying when none is configured (Airbyte's docs use `gcp.json`). */
  alsoTry?: string[];
}

/** One setting as found, and where, so an error can say which source to fix. */
export interface Found<T = string> {
  value: T;
  origin: string;
}

/** Where one setting of a store may come from, weakest first: env, values file (with its Secret), flag. */
export interface SettingSpec {
  /** How the setting is named in messages: `address`, `auth token`. */
  label: string;
  env?: string;
  /** Keys in the store's values block, first found wins (`kmsArn`, then chart v1's `kms`). */
  values?: string[];
  /** For credentials: where the chart keeps it in the Kubernetes Secret. */
  credential?: CredentialKey;
  flag?: string;
}

/**
 * How a store's settings builder reads its settings. `src/config` implements it over Airbyte's
 * env, a Helm values file with its Secret manifest, and flags (later sources override earlier
 * ones; `""` counts as unset), so a store knows its setting names but not where files come from.
 */
export interface SettingReader {
  /** The store kind, for messages. */
  readonly kind: string;
  /** The chart shape of the values file being read; absent without a values file. */
  readonly chart?: ChartShape;
  flag(name: string): Found | undefined;
  env(name: string): Found | undefined;
  /** A plain value from the store's block in the values file (the first of `keys` present). */
  valuesEntry(keys: string[]): Found | undefined;
  /**
   * The block's `tags` as `k=v,k2=v2`: a list of `{key, value}` rendered the way both charts
   * render it (`form: 'list'`), or a ready string as written (`form: 'text'`).
   */
  valuesTags(): ValuesTags | undefined;
  /** A non-secret setting: flag, else values, else env. */
  text(spec: SettingSpec): Found | undefined;
  /** A credential: flag, else inline in values, else the Secret manifest, else env. */
  secret(spec: SettingSpec): Found<SecretValue> | undefined;
  require(spec: SettingSpec): Found;
  requireSecret(spec: SettingSpec): Found<SecretValue>;
  /** `vault: no address: set --vault-address, VAULT_ADDRESS, or global.secretsManager.vault.address in values.yaml` */
  missing(spec: SettingSpec): UsageError;
  /** A setting that is there but wrong: `aws: region "x" from --aws-region is not an AWS region`. */
  invalid(label: string, found: Found<unknown>, problem: string): UsageError;
  /** One line the operator should see, that does not stop the command (a key the chart ignores). */
  warn(message: string): void;
}

/** Tags from a values file, and whether they were written as a list or as text. */
export interface ValuesTags extends Found {
  form: 'list' | 'text';
}

/**
 * What switches Airbyte to the store: env vars (never a credential; those are named only) and
 * the store's block of Helm values, whose credentials are keys of a Kubernetes Secret.
 */
export interface StoreCutover<S> {
  /** Adds the store's variables (beyond SECRET_PERSISTENCE) and the credential variables it needs. */
  env(settings: S, env: Record<string, string>, credentials: string[]): void;
  /** Fills the store's values block; `keyRef` points a credential at its key in the Secret. */
  values(settings: S, shape: ChartShape, block: Record<string, unknown>, keyRef: KeyRef): void;
  /**
   * What Airbyte cannot be told or needs besides (endpoint overrides, namespaces, auth modes);
   * `shape` is the chart the values block is for, absent for the env form.
   */
  notes(settings: S, shape?: ChartShape): string[];
  /**
   * Env the workload launcher needs beside what the chart renders, so the job pods it starts
   * (check, discover, sync) get the credentials too: each variable names a Secret or a key in it,
   * never a value. `secretKey` gives the key a credential has in the Secret.
   */
  launcherEnv?(settings: S, shape: ChartShape, secretName: string, secretKey: SecretKeyOf): LauncherEnv[];
}

export type KeyRef = (block: Record<string, unknown>, key: CredentialKey) => void;

/** The key a credential is kept under in the Secret the values block names. */
export type SecretKeyOf = (key: CredentialKey) => string;

/** One variable for the workload launcher: a Secret's name or a key in it. */
export interface LauncherEnv {
  name: string;
  value: string;
}
