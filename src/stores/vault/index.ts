import type { StoreDefinition } from '../definition.js';
import type { StoreQuota } from '../quotas.js';
import type { StoreCapabilities } from '../types.js';
import { buildVault, describeVault, VAULT_ENV, type VaultStoreSettings, vaultCutover } from './settings.js';

export type { VaultStoreSettings } from './settings.js';

/** Integrated storage refuses entries over 1 MiB and Consul over 512 KiB; stay under both. */
const MAX_VALUE_BYTES = 512 * 1024;

/** KV v2's; an opened store on a KV v1 mount has no versions. */
export const VAULT_CAPABILITIES: StoreCapabilities = {
  versions: true,
  softDelete: false,
  maxValueBytes: MAX_VALUE_BYTES,
  caseInsensitiveNames: false,
  baseNameFallback: false,
  airbyteDatabaseTable: false,
};

export const VAULT_QUOTA: StoreQuota = {
  concurrency: 16,
  maxConcurrency: 256,
  writeCost: 1,
  // LIST returns a whole folder at once.
  listPageSize: 10_000,
  retry: {
    // Only operator-defined rate-limit quotas throttle (429).
    throttled: { baseMs: 200, maxMs: 10_000 },
    transient: { baseMs: 100, maxMs: 5_000 },
    maxAttempts: 6,
  },
  source: 'no rate limit by default; operators may add rate-limit quotas (429)',
};

/** HashiCorp Vault, KV v2 (Airbyte's assumption) or KV v1, with token auth. */
export const vaultStore: StoreDefinition<VaultStoreSettings> = {
  kind: 'vault',
  names: { persistence: 'VAULT', chartV1Type: 'vault', valuesBlock: 'vault', aliases: ['hashicorpvault'] },
  airbyteEnv: Object.values(VAULT_ENV),
  capabilities: VAULT_CAPABILITIES,
  quota: VAULT_QUOTA,
  settings: (reader, context) => buildVault(reader, context.limits),
  describe: describeVault,
  cutover: vaultCutover,
  flags: [
    { name: 'vault-address', summary: 'Vault address (VAULT_ADDRESS).', type: 'string' },
    {
      name: 'vault-token',
      summary: 'Vault token (VAULT_AUTH_TOKEN; prefer the env var: flags show in the process list).',
      type: 'string',
    },
    {
      name: 'vault-prefix',
      summary: 'Path prefix joined to the coordinate, ending in / (VAULT_PREFIX; default secret/).',
      type: 'string',
    },
    { name: 'vault-namespace', summary: 'Vault Enterprise namespace (X-Vault-Namespace).', type: 'string' },
    {
      name: 'allow-insecure-http',
      summary:
        'Accept a Vault address over plain http to a host other than loopback (the token and values travel unencrypted).',
      type: 'boolean',
    },
  ],
  open: async (settings) => (await import('./store.js')).createVaultStore(settings),
};
