import type { DatabaseConnection } from '../airbyte/connection.js';
import type { StoreKind } from '../stores/types.js';
import type { SecretValue } from '../util/secret-value.js';

/**
 * Validated settings for one secret store, produced by `src/config/` from Airbyte's env, a Helm
 * values file with its Kubernetes Secret manifest, and flags. Credentials are `SecretValue`s so a
 * printed settings object never shows them. Every store kind also accepts `limits`.
 */
export interface StoreLimits {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests per second (writes for stores with a write quota); defaults to the provider's published quota. */
  rate?: number;
}

/** Airbyte's `TESTING_CONFIG_DB_TABLE`: the plaintext `secrets` table in the config database. */
export interface DatabaseStoreSettings extends DatabaseConnection {
  kind: 'database';
  limits?: StoreLimits;
}

export interface VaultStoreSettings {
  kind: 'vault';
  /** VAULT_ADDRESS, e.g. http://airbyte-vault-svc:8200 */
  address: string;
  /** VAULT_AUTH_TOKEN */
  token: SecretValue;
  /** VAULT_PREFIX, joined to the coordinate with no separator (Airbyte's chart default `secret/`). */
  prefix: string;
  /** Vault Enterprise namespace, sent as X-Vault-Namespace. */
  namespace?: string;
  /** KV engine version of the mount; `auto` asks Vault (sys/internal/ui/mounts). @default 'auto' */
  kvVersion?: 1 | 2 | 'auto';
  limits?: StoreLimits;
}

export interface AwsStoreSettings {
  kind: 'aws';
  region: string;
  /** Static credentials; both absent means the SDK default chain (instance profile, IRSA, env). */
  accessKeyId?: string;
  secretAccessKey?: SecretValue;
  /** Endpoint override (emulators, VPC endpoints). */
  endpoint?: string;
  /** AWS_KMS_KEY_ARN: KmsKeyId on create. */
  kmsKeyId?: string;
  /** AWS_SECRET_MANAGER_SECRET_TAGS parsed: tags on create. */
  tags?: Record<string, string>;
  /** What to do with a name scheduled for deletion: restore it, or report it. @default 'report' */
  onScheduledDeletion?: 'restore' | 'report';
  limits?: StoreLimits;
}

export interface GcpStoreSettings {
  kind: 'gcp';
  projectId: string;
  /** Regional secrets: regional endpoint and location, no replication block. */
  region?: string;
  /** Service-account JSON content; absent means Application Default Credentials. */
  credentials?: SecretValue;
  /** host:port of an emulator or private endpoint (plaintext gRPC when it is loopback). */
  endpoint?: string;
  /** User-managed replica locations instead of automatic replication. */
  replicaLocations?: string[];
  labels?: Record<string, string>;
  limits?: StoreLimits;
}

export interface AzureStoreSettings {
  kind: 'azure';
  /** AB_AZURE_KEY_VAULT_VAULT_URL */
  vaultUrl: string;
  tenantId?: string;
  clientId?: string;
  /** Client-secret credential; absent means DefaultAzureCredential (managed identity, ...). */
  clientSecret?: SecretValue;
  tags?: Record<string, string>;
  /** What to do with a name in the deleted-but-recoverable state. @default 'report' */
  onDeletedRecoverable?: 'recover' | 'report';
  /** Plain http to an emulator (allowInsecureConnection); never for a real vault. */
  allowInsecureConnection?: boolean;
  limits?: StoreLimits;
}

export type StoreSettings =
  | DatabaseStoreSettings
  | VaultStoreSettings
  | AwsStoreSettings
  | GcpStoreSettings
  | AzureStoreSettings;

export type SettingsFor<K extends StoreKind> = Extract<StoreSettings, { kind: K }>;
