import type { StoreDefinition } from '../definition.js';
import { type StoreQuota, share } from '../quotas.js';
import type { StoreCapabilities } from '../types.js';
import { buildGcp, describeGcp, GCP_ENV, type GcpStoreSettings, gcpCutover } from './settings.js';

export type { GcpStoreSettings } from './settings.js';

export const GCP_CAPABILITIES: StoreCapabilities = {
  versions: true,
  // DeleteSecret removes every version at once.
  softDelete: false,
  // SecretPayload.data is at most 64 KiB.
  maxValueBytes: 64 * 1024,
  caseInsensitiveNames: false,
  baseNameFallback: false,
  keyChange: { keyFlag: 'gcp-kms-key' },
  airbyteDatabaseTable: false,
};

export const GCP_QUOTA: StoreQuota = {
  concurrency: 16,
  maxConcurrency: 128,
  // 600 writes/min per project; a new secret is 2 writes.
  writeRate: share(10),
  // 90,000 accesses/min.
  readRate: share(1_500),
  // 600 metadata reads (get, list)/min.
  metadataRate: share(10),
  writeCost: 2,
  // An assumed page size: smaller than the real one only makes list pacing more careful.
  listPageSize: 250,
  retry: {
    // The per-minute quota refills at the minute.
    throttled: { baseMs: 1_000, maxMs: 60_000 },
    transient: { baseMs: 200, maxMs: 10_000 },
    maxAttempts: 8,
  },
  source: 'Google Secret Manager per project: 600 writes/min (2 per new secret), 90,000 accesses/min',
};

/** Google Secret Manager over gRPC. */
export const gcpStore: StoreDefinition<GcpStoreSettings> = {
  kind: 'gcp',
  names: {
    persistence: 'GOOGLE_SECRET_MANAGER',
    chartV1Type: 'googleSecretManager',
    valuesBlock: 'googleSecretManager',
    aliases: ['googlesecretsmanager'],
  },
  airbyteEnv: Object.values(GCP_ENV),
  capabilities: GCP_CAPABILITIES,
  quota: GCP_QUOTA,
  settings: (reader, context) => buildGcp(reader, context.limits),
  describe: describeGcp,
  cutover: gcpCutover,
  flags: [
    { name: 'gcp-project', summary: 'Google Cloud project (SECRET_STORE_GCP_PROJECT_ID).', type: 'string' },
    { name: 'gcp-region', summary: 'Region for regional secrets (SECRET_STORE_GCP_REGION).', type: 'string' },
    {
      name: 'gcp-credentials',
      summary: 'Service-account JSON: a file path or the JSON itself (SECRET_STORE_GCP_CREDENTIALS).',
      type: 'string',
    },
    { name: 'gcp-endpoint', summary: 'host:port of an emulator or private endpoint.', type: 'string' },
    {
      name: 'allow-gcp-regional',
      summary: 'Accept a regional target: only for an Airbyte patched for airbytehq/airbyte#73660.',
      type: 'boolean',
    },
  ],
  open: async (settings) => (await import('./store.js')).createGoogleSecretManagerStore(settings),
};
