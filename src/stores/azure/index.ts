import type { StoreDefinition } from '../definition.js';
import { type StoreQuota, share } from '../quotas.js';
import type { StoreCapabilities } from '../types.js';
import { AZURE_ENV, type AzureStoreSettings, azureCutover, buildAzure, describeAzure } from './settings.js';

export type { AzureStoreSettings } from './settings.js';

export const AZURE_CAPABILITIES: StoreCapabilities = {
  versions: true,
  // Recoverable for the vault's retention (7 to 90 days), which the vault sets, not we.
  softDelete: true,
  // Key Vault takes values up to 25 KB.
  maxValueBytes: 25 * 1024,
  // Key Vault names are case-insensitive.
  caseInsensitiveNames: true,
  baseNameFallback: false,
  airbyteDatabaseTable: false,
};

export const AZURE_QUOTA: StoreQuota = {
  concurrency: 16,
  maxConcurrency: 128,
  // Secrets CREATE 300 per 10 s per vault.
  writeRate: share(30),
  // All other transactions 4,000 per 10 s.
  readRate: share(400),
  writeCost: 1,
  listPageSize: 25,
  retry: {
    throttled: { baseMs: 1_000, maxMs: 30_000 },
    transient: { baseMs: 200, maxMs: 10_000 },
    maxAttempts: 8,
  },
  source: 'Azure Key Vault per vault: 300 creates and 4,000 other transactions per 10 s',
};

/** Azure Key Vault secrets. */
export const azureStore: StoreDefinition<AzureStoreSettings> = {
  kind: 'azure',
  names: {
    persistence: 'AZURE_KEY_VAULT',
    chartV1Type: 'azureKeyVault',
    valuesBlock: 'azureKeyVault',
    aliases: [],
  },
  airbyteEnv: Object.values(AZURE_ENV),
  capabilities: AZURE_CAPABILITIES,
  quota: AZURE_QUOTA,
  settings: (reader, context) => buildAzure(reader, context.limits),
  describe: describeAzure,
  cutover: azureCutover,
  flags: [
    { name: 'azure-vault-url', summary: 'Key Vault URL (AB_AZURE_KEY_VAULT_VAULT_URL).', type: 'string' },
    { name: 'azure-tenant-id', summary: 'Entra tenant id (AB_AZURE_KEY_VAULT_TENANT_ID).', type: 'string' },
    { name: 'azure-client-id', summary: 'App client id (AB_AZURE_KEY_VAULT_CLIENT_ID).', type: 'string' },
    {
      name: 'azure-client-secret',
      summary: 'App client secret (AB_AZURE_KEY_VAULT_CLIENT_SECRET; prefer the env var).',
      type: 'string',
    },
  ],
  open: async (settings) => (await import('./store.js')).createAzureKeyVaultStore(settings),
};
