import type { StoreDefinition } from '../definition.js';
import { type StoreQuota, share } from '../quotas.js';
import type { StoreCapabilities } from '../types.js';
import { AWS_ENV, type AwsStoreSettings, awsCutover, buildAws, describeAws } from './settings.js';

export type { AwsStoreSettings } from './settings.js';

/** The recovery window of our default (safe) delete; Airbyte's cleanup paths use 7 days too. */
export const AWS_RECOVERY_WINDOW_DAYS = 7;

export const AWS_CAPABILITIES: StoreCapabilities = {
  versions: true,
  softDelete: true,
  recoveryWindowDays: AWS_RECOVERY_WINDOW_DAYS,
  maxValueBytes: 65_536,
  caseInsensitiveNames: false,
  // AwsSecretManagerPersistence reads the coordinate base (no _vN) when the full name is missing.
  baseNameFallback: true,
  keyChange: { keyFlag: 'aws-kms-key-id' },
  airbyteDatabaseTable: false,
};

export const AWS_QUOTA: StoreQuota = {
  concurrency: 16,
  maxConcurrency: 128,
  // PutSecretValue/UpdateSecret combined 50 TPS; CreateSecret/DeleteSecret ≈ 50 TPS.
  writeRate: share(50),
  // GetSecretValue + DescribeSecret 10,000 TPS.
  readRate: share(10_000),
  writeCost: 1,
  listPageSize: 100,
  retry: {
    throttled: { baseMs: 250, maxMs: 20_000 },
    transient: { baseMs: 100, maxMs: 10_000 },
    maxAttempts: 8,
  },
  source: 'AWS Secrets Manager per account and region: 50 writes/s, 10,000 reads/s',
};

/** AWS Secrets Manager. */
export const awsStore: StoreDefinition<AwsStoreSettings> = {
  kind: 'aws',
  names: {
    persistence: 'AWS_SECRET_MANAGER',
    chartV1Type: 'awsSecretManager',
    valuesBlock: 'awsSecretManager',
    // `secret_storage.storage_type` spells it AWS_SECRETS_MANAGER.
    aliases: ['awssecretsmanager'],
  },
  airbyteEnv: Object.values(AWS_ENV),
  capabilities: AWS_CAPABILITIES,
  quota: AWS_QUOTA,
  settings: (reader, context) => buildAws(reader, context.limits),
  describe: describeAws,
  cutover: awsCutover,
  flags: [
    { name: 'aws-region', summary: 'AWS region (AWS_SECRET_MANAGER_REGION).', type: 'string' },
    {
      name: 'aws-endpoint',
      summary: 'Secrets Manager endpoint override (VPC endpoint, emulator).',
      type: 'string',
    },
    { name: 'aws-kms-key-id', summary: 'KMS key for new secrets (AWS_KMS_KEY_ARN).', type: 'string' },
    {
      name: 'aws-tags',
      summary: 'Tags for new secrets, k=v,k2=v2 (AWS_SECRET_MANAGER_SECRET_TAGS).',
      type: 'string',
    },
  ],
  open: async (settings) => (await import('./store.js')).createAwsSecretsManagerStore(settings),
};
