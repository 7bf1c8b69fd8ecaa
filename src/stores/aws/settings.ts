import type { SecretValue } from '../../util/secret-value.js';
import type {
  ChartShape,
  CredentialKey,
  Found,
  SettingReader,
  SettingSpec,
  StoreCutover,
  StoreLimits,
} from '../definition.js';
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
  // The values key is the chart's own: KMS_VALUES_KEY.
  kms: { label: 'KMS key', env: AWS_ENV.kmsKeyArn, flag: 'aws-kms-key-id' },
  tags: { label: 'tags', env: AWS_ENV.tags, flag: 'aws-tags' },
} satisfies Record<string, SettingSpec>;

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The values key each chart renders into AWS_KMS_KEY_ARN: chart v2 reads `kmsArn`
 * (charts/v2/airbyte/templates/config/_secretsManager.tpl, although its values.yaml comment
 * shows `kms:`), chart v1 read `kms` (charts/airbyte-*\/templates/deployment.yaml before
 * 802b7fc947).
 */
export const KMS_VALUES_KEY: Record<ChartShape, string> = { v1: 'kms', v2: 'kmsArn' };

/**
 * The launcher's names for the Secret and keys it points job pods' AWS credentials at
 * (airbyte-workload-launcher/src/main/resources/application.yml `airbyte.secret.store.aws.*-ref-*`,
 * used by EnvVarConfigBeanFactory.secretPersistenceSecretsEnvMap).
 */
export const AWS_LAUNCHER_ENV = {
  accessKeyIdName: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID_REF_NAME',
  accessKeyIdKey: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID_REF_KEY',
  secretAccessKeyName: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY_REF_NAME',
  secretAccessKeyKey: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY_REF_KEY',
} as const;

export function buildAws(src: SettingReader, limits: StoreLimits | undefined): AwsStoreSettings {
  const region = src.require(AWS_SETTINGS.region);
  if (!AWS_REGION.test(region.value))
    throw src.invalid('region', region, 'is not an AWS region (e.g. us-east-1)');
  const endpoint = src.text(AWS_SETTINGS.endpoint);
  if (endpoint) checkUrl(src, 'endpoint', endpoint, false);
  const kms = kmsKey(src);
  const tags = awsTags(src);
  const useKeys = keysApply(src);
  const dropped = useKeys ? undefined : src.secret(AWS_SETTINGS.accessKeyId);
  if (dropped) {
    src.warn(
      `aws: the access key from ${dropped.origin} is not used: chart v1 passes the access keys only with authenticationType: credentials, so Airbyte uses its pods' role`,
    );
  }
  const accessKeyId = useKeys ? src.secret(AWS_SETTINGS.accessKeyId) : undefined;
  const secretAccessKey = useKeys ? src.secret(AWS_SETTINGS.secretAccessKey) : undefined;
  if (accessKeyId && !secretAccessKey) throw src.missing(AWS_SETTINGS.secretAccessKey);
  if (secretAccessKey && !accessKeyId) throw src.missing(AWS_SETTINGS.accessKeyId);
  if (useKeys === 'required' && !accessKeyId) throw src.missing(AWS_SETTINGS.accessKeyId);

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

/** The KMS key from the key the values file's chart reads; the other chart's key is only warned about. */
function kmsKey(src: SettingReader): Found | undefined {
  const shape = src.chart ?? 'v2';
  const key = KMS_VALUES_KEY[shape];
  const other = src.valuesEntry([KMS_VALUES_KEY[shape === 'v1' ? 'v2' : 'v1']]);
  const found = src.text({ ...AWS_SETTINGS.kms, values: [key] });
  if (other) {
    const effect = found
      ? `the KMS key comes from ${found.origin}`
      : 'Airbyte then creates secrets with the default key aws/secretsmanager';
    src.warn(
      `aws: ${other.origin} is ignored: chart ${shape} reads the KMS key from ${key} (${effect}); write ${key}`,
    );
  }
  return found;
}

/**
 * Whether the access keys reach Airbyte, as each chart renders them. Chart v1 passes them only
 * with `authenticationType: credentials` (`eq ... authenticationType "credentials"` in its
 * deployment templates); chart v2 renders no `authenticationType` and always points
 * AWS_SECRET_MANAGER_ACCESS_KEY_ID and AWS_SECRET_MANAGER_SECRET_ACCESS_KEY at its Secret, so
 * Airbyte uses the keys whenever both are non-empty, else the default chain
 * (AwsSecretManagerPersistence.kt `SystemAwsSecretsManagerClient`).
 */
function keysApply(src: SettingReader): boolean | 'required' {
  const authType = src.valuesEntry(['authenticationType']);
  if (!authType) return src.chart !== 'v1';
  if (src.chart === 'v2') {
    src.warn(
      `aws: ${authType.origin} is ignored: chart v2 renders no authenticationType and passes the access keys from its Secret either way; Airbyte uses them when both are set, else its pods' role`,
    );
    return true;
  }
  if (!['credentials', 'instanceProfile'].includes(authType.value)) {
    throw src.invalid(
      'authenticationType',
      authType,
      'must be credentials or instanceProfile (chart v1 passes the access keys only with credentials)',
    );
  }
  return authType.value === 'credentials' ? 'required' : false;
}

/** Tags: both charts render `awsSecretManager.tags` with `airbyte.tagsToString`, which ranges over a list. */
function awsTags(src: SettingReader): Record<string, string> | undefined {
  const fromValues = src.valuesTags();
  if (fromValues?.form === 'text') {
    throw src.invalid(
      'tags',
      fromValues,
      'is text, but both charts render awsSecretManager.tags from a list: write it as a list of {key, value}',
    );
  }
  return tagsOf(src, AWS_SETTINGS.tags);
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
    // Only chart v1 reads authenticationType; chart v2 always references the keys.
    if (shape === 'v1') block.authenticationType = s.accessKeyId ? 'credentials' : 'instanceProfile';
    if (s.accessKeyId) {
      keyRef(block, AWS_CREDENTIAL_KEYS.accessKeyId);
      keyRef(block, AWS_CREDENTIAL_KEYS.secretAccessKey);
    }
    if (s.kmsKeyId) block[KMS_VALUES_KEY[shape]] = s.kmsKeyId;
    if (s.tags) block.tags = tagsList(s.tags);
  },
  notes(s, shape) {
    const notes: string[] = [];
    if (s.endpoint)
      notes.push('Airbyte has no setting for an AWS endpoint override; it uses the regional endpoint');
    if (!s.accessKeyId)
      notes.push("Airbyte's pods need AWS credentials from their role (instance profile, IRSA)");
    if (!s.accessKeyId && shape === 'v2') {
      notes.push(
        `chart v2 always points ${AWS_ENV.accessKeyId} and ${AWS_ENV.secretAccessKey} at the Secret: keep both keys in it, empty, so Airbyte uses the role`,
      );
    }
    return notes;
  },
  /**
   * Chart v2 renders none of the launcher's `*_REF_NAME`/`*_REF_KEY` names for AWS
   * (airbytehq/airbyte#43014), so without them job pods get no access keys.
   */
  launcherEnv(s, shape, secretName, secretKey) {
    if (shape !== 'v2' || !s.accessKeyId) return [];
    return [
      { name: AWS_LAUNCHER_ENV.accessKeyIdName, value: secretName },
      { name: AWS_LAUNCHER_ENV.accessKeyIdKey, value: secretKey(AWS_CREDENTIAL_KEYS.accessKeyId) },
      { name: AWS_LAUNCHER_ENV.secretAccessKeyName, value: secretName },
      { name: AWS_LAUNCHER_ENV.secretAccessKeyKey, value: secretKey(AWS_CREDENTIAL_KEYS.secretAccessKey) },
    ];
  },
};
