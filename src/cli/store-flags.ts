import { Flags } from '@oclif/core';

/**
 * Flags that choose and configure secret stores, shared by migrate, verify, audit and cleanup.
 * Commands spread the groups they need and hand the parsed flags to `resolveStoreSettings`,
 * which also reads Airbyte's env names; flags here deliberately have no `env` option, so there is
 * one precedence rule (env < values file < flag) and it lives in `src/config/`.
 */

const STORES = 'database, vault, aws, gcp, azure, or Airbyte names such as AWS_SECRET_MANAGER';

const floatFlag = Flags.custom<number>({
  parse: async (input) => {
    const n = Number(input);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a number above 0, got "${input}"`);
    return n;
  },
});

export const fromStoreFlags = {
  from: Flags.string({
    summary: `Store the secrets are in now: ${STORES} (default: SECRET_PERSISTENCE, else database).`,
    helpGroup: 'SOURCE STORE',
  }),
  'from-values': Flags.string({
    summary: "Airbyte's Helm values.yaml for the source (global.secretsManager, chart v1 or v2).",
    helpGroup: 'SOURCE STORE',
  }),
  'from-secret': Flags.string({
    summary: 'Kubernetes Secret manifest holding the source credentials (data or stringData).',
    helpGroup: 'SOURCE STORE',
  }),
};

export const toStoreFlags = {
  to: Flags.string({
    summary: `Store to move the secrets to: ${STORES}.`,
    helpGroup: 'TARGET STORE',
  }),
  'to-values': Flags.string({
    summary: 'Helm values.yaml describing the target (global.secretsManager, chart v1 or v2).',
    helpGroup: 'TARGET STORE',
  }),
  'to-secret': Flags.string({
    summary: 'Kubernetes Secret manifest holding the target credentials (data or stringData).',
    helpGroup: 'TARGET STORE',
  }),
};

/** Per-store settings; each applies to the side using that store (the target when both do). */
export const targetStoreFlags = {
  'vault-address': Flags.string({ summary: 'Vault address (VAULT_ADDRESS).', helpGroup: 'VAULT' }),
  'vault-token': Flags.string({
    summary: 'Vault token (VAULT_AUTH_TOKEN; prefer the env var: flags show in the process list).',
    helpGroup: 'VAULT',
  }),
  'vault-prefix': Flags.string({
    summary: 'Path prefix joined to the coordinate, ending in / (VAULT_PREFIX; default secret/).',
    helpGroup: 'VAULT',
  }),
  'vault-namespace': Flags.string({
    summary: 'Vault Enterprise namespace (X-Vault-Namespace).',
    helpGroup: 'VAULT',
  }),
  'allow-insecure-http': Flags.boolean({
    summary:
      'Accept a Vault address over plain http to a host other than loopback (the token and values travel unencrypted).',
    helpGroup: 'VAULT',
  }),
  'aws-region': Flags.string({ summary: 'AWS region (AWS_SECRET_MANAGER_REGION).', helpGroup: 'AWS' }),
  'aws-endpoint': Flags.string({
    summary: 'Secrets Manager endpoint override (VPC endpoint, emulator).',
    helpGroup: 'AWS',
  }),
  'aws-kms-key-id': Flags.string({ summary: 'KMS key for new secrets (AWS_KMS_KEY_ARN).', helpGroup: 'AWS' }),
  'aws-tags': Flags.string({
    summary: 'Tags for new secrets, k=v,k2=v2 (AWS_SECRET_MANAGER_SECRET_TAGS).',
    helpGroup: 'AWS',
  }),
  'gcp-project': Flags.string({
    summary: 'Google Cloud project (SECRET_STORE_GCP_PROJECT_ID).',
    helpGroup: 'GCP',
  }),
  'gcp-region': Flags.string({
    summary: 'Region for regional secrets (SECRET_STORE_GCP_REGION).',
    helpGroup: 'GCP',
  }),
  'gcp-credentials': Flags.string({
    summary: 'Service-account JSON: a file path or the JSON itself (SECRET_STORE_GCP_CREDENTIALS).',
    helpGroup: 'GCP',
  }),
  'gcp-endpoint': Flags.string({
    summary: 'host:port of an emulator or private endpoint.',
    helpGroup: 'GCP',
  }),
  'allow-gcp-regional': Flags.boolean({
    summary: 'Accept a regional target: only for an Airbyte patched for airbytehq/airbyte#73660.',
    helpGroup: 'GCP',
  }),
  'azure-vault-url': Flags.string({
    summary: 'Key Vault URL (AB_AZURE_KEY_VAULT_VAULT_URL).',
    helpGroup: 'AZURE',
  }),
  'azure-tenant-id': Flags.string({
    summary: 'Entra tenant id (AB_AZURE_KEY_VAULT_TENANT_ID).',
    helpGroup: 'AZURE',
  }),
  'azure-client-id': Flags.string({
    summary: 'App client id (AB_AZURE_KEY_VAULT_CLIENT_ID).',
    helpGroup: 'AZURE',
  }),
  'azure-client-secret': Flags.string({
    summary: 'App client secret (AB_AZURE_KEY_VAULT_CLIENT_SECRET; prefer the env var).',
    helpGroup: 'AZURE',
  }),
};

/** Pacing of the target store (of the source for commands without a target); defaults from each provider's quota. */
export const limitFlags = {
  concurrency: Flags.integer({
    summary: 'Store requests in flight at once (default per store: 8 for database and Vault, 16 for clouds).',
    min: 1,
    helpGroup: 'LIMITS',
  }),
  rate: floatFlag({
    summary:
      "Requests per second: writes for AWS, Google and Azure, every request for database and Vault (default: 0.95 × the provider's published quota; slows down when throttled).",
    helpGroup: 'LIMITS',
  }),
};

/** The store Airbyte uses now, for commands that work on one store (verify, audit, rekey). */
export const storeInUseFlags = {
  store: Flags.string({
    summary: `Store to use: ${STORES} (default: the one Airbyte uses, SECRET_PERSISTENCE, else database).`,
    helpGroup: 'STORE',
  }),
  'store-values': Flags.string({ summary: 'Helm values.yaml describing the store.', helpGroup: 'STORE' }),
  'store-secret': Flags.string({
    summary: 'Kubernetes Secret manifest with its credentials (data or stringData).',
    helpGroup: 'STORE',
  }),
};
