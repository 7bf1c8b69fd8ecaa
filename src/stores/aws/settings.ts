import type { SecretValue } from '../../util/secret-value.js';
import type { CredentialKey, SettingReader, SettingSpec, StoreCutover, StoreLimits } from '../definition.js';
import { safeUrl } from '../describe-parts.js';
import { checkUrl, tagsOf } from '../setting-checks.js';
import { tagsList, tagsText } from '../tags.js';

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

/** Airbyte's env names for AWS Secrets Manager (airbyte-server application.yml, `airbyte.secret.store.aws`). */
export const AWS_ENV = {
  region: 'AWS_SECRET_MANAGER_REGION',
  accessKeyId: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY',
  kmsKeyArn: 'AWS_KMS_KEY_ARN',
  tags: 'AWS_SECRET_MANAGER_SECRET_TAGS',
} as const;

/** The static credentials as the charts keep them in the Kubernetes Secret. */
export const AWS_CREDENTIAL_KEYS = {
  accessKeyId: {
    env: AWS_ENV.accessKeyId,
    inline: 'accessKeyId',
    keyOption: 'accessKeyIdSecretKey',
    defaults: { v1: 'aws-secret-manager-access-key-id', v2: AWS_ENV.accessKeyId },
  },
  secretAccessKey: {
    env: AWS_ENV.secretAccessKey,
    inline: 'secretAccessKey',
    keyOption: 'secretAccessKeySecretKey',
    defaults: { v1: 'aws-secret-manager-secret-access-key', v2: AWS_ENV.secretAccessKey },
  },
} satisfies Record<string, CredentialKey>;

/** Where each setting comes from: env name, values key (`global.secretsManager.awsSecretManager.*`), Secret key, flag. */
export const AWS_SETTINGS = {
  region: { label: 'region', env: AWS_ENV.region, values: ['region'], flag: 'aws-region' },
  accessKeyId: {
    label: 'access key id',
    env: AWS_ENV.accessKeyId,
    credential: AWS_CREDENTIAL_KEYS.accessKeyId,
  },
  secretAccessKey: {
    label: 'secret access key',
    env: AWS_ENV.secretAccessKey,
    credential: AWS_CREDENTIAL_KEYS.secretAccessKey,
  },
  endpoint: { label: 'endpoint', flag: 'aws-endpoint' },
  // Chart v2 spells the key `kmsArn`, chart v1 `kms`.
  kms: { label: 'KMS key', env: AWS_ENV.kmsKeyArn, values: ['kmsArn', 'kms'], flag: 'aws-kms-key-id' },
  tags: { label: 'tags', env: AWS_ENV.tags, flag: 'aws-tags' },
} satisfies Record<string, SettingSpec>;

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function buildAws(src: SettingReader, limits: StoreLimits | undefined): AwsStoreSettings {
  const region = src.require(AWS_SETTINGS.region);
  if (!AWS_REGION.test(region.value))
    throw src.invalid('region', region, 'is not an AWS region (e.g. us-east-1)');
  const endpoint = src.text(AWS_SETTINGS.endpoint);
  if (endpoint) checkUrl(src, 'endpoint', endpoint, false);
  const kms = src.text(AWS_SETTINGS.kms);
  const tags = tagsOf(src, AWS_SETTINGS.tags);

  // `authenticationType: instanceProfile` in the values file means the SDK's own chain (instance
  // profile, IRSA); it overrides static keys from the env, as values override env.
  const authType = src.valuesEntry(['authenticationType']);
  if (authType && !['credentials', 'instanceProfile'].includes(authType.value)) {
    throw src.invalid('authenticationType', authType, 'must be credentials or instanceProfile');
  }
  const useKeys = authType?.value !== 'instanceProfile';
  const accessKeyId = useKeys ? src.secret(AWS_SETTINGS.accessKeyId) : undefined;
  const secretAccessKey = useKeys ? src.secret(AWS_SETTINGS.secretAccessKey) : undefined;
  if (accessKeyId && !secretAccessKey) throw src.missing(AWS_SETTINGS.secretAccessKey);
  if (secretAccessKey && !accessKeyId) throw src.missing(AWS_SETTINGS.accessKeyId);
  if (authType?.value === 'credentials' && !accessKeyId) throw src.missing(AWS_SETTINGS.accessKeyId);

  return {
    kind: 'aws',
    region: region.value,
    ...(accessKeyId && secretAccessKey
      ? { accessKeyId: accessKeyId.value.reveal().trim(), secretAccessKey: secretAccessKey.value }
      : {}),
    ...(endpoint ? { endpoint: endpoint.value } : {}),
    ...(kms ? { kmsKeyId: kms.value } : {}),
    ...(tags ? { tags } : {}),
    ...(limits ? { limits } : {}),
  };
}

export function describeAws(s: AwsStoreSettings): string[] {
  const parts = [`aws secrets manager in ${s.region}`];
  if (s.endpoint) parts.push(`endpoint ${safeUrl(s.endpoint)}`);
  parts.push(s.accessKeyId ? `access key ${maskKeyId(s.accessKeyId)}` : 'default credential chain');
  if (s.kmsKeyId) parts.push(`KMS key ${s.kmsKeyId}`);
  return parts;
}

/** Access key ids are not secret, but showing only their ends is the AWS console's habit. */
function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…';
}

export const awsCutover: StoreCutover<AwsStoreSettings> = {
  env(s, env, credentials) {
    env[AWS_ENV.region] = s.region;
    if (s.kmsKeyId) env[AWS_ENV.kmsKeyArn] = s.kmsKeyId;
    if (s.tags) env[AWS_ENV.tags] = tagsText(s.tags);
    if (s.accessKeyId) credentials.push(AWS_ENV.accessKeyId, AWS_ENV.secretAccessKey);
  },
  values(s, shape, block, keyRef) {
    block.region = s.region;
    block.authenticationType = s.accessKeyId ? 'credentials' : 'instanceProfile';
    if (s.accessKeyId) {
      keyRef(block, AWS_CREDENTIAL_KEYS.accessKeyId);
      keyRef(block, AWS_CREDENTIAL_KEYS.secretAccessKey);
    }
    if (s.kmsKeyId) block[shape === 'v1' ? 'kms' : 'kmsArn'] = s.kmsKeyId;
    if (s.tags) block.tags = tagsList(s.tags);
  },
  notes(s) {
    const notes: string[] = [];
    if (s.endpoint)
      notes.push('Airbyte has no setting for an AWS endpoint override; it uses the regional endpoint');
    if (!s.accessKeyId)
      notes.push("Airbyte's pods need AWS credentials from their role (instance profile, IRSA)");
    return notes;
  },
};
