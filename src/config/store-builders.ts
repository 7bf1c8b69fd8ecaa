import { readFile } from 'node:fs/promises';
import { parseTags } from '../stores/tags.js';
import { UsageError } from '../util/errors.js';
import { SecretValue } from '../util/secret-value.js';
import { CREDENTIAL_KEYS, type ValuesBlockName } from './chart-keys.js';
import { AIRBYTE_ENV } from './environment.js';
import { valuesTags } from './helm-values.js';
import type { Found, SettingSource, SettingSpec } from './setting-source.js';
import type {
  AwsStoreSettings,
  AzureStoreSettings,
  GcpStoreSettings,
  StoreLimits,
  VaultStoreSettings,
} from './types.js';

/**
 * One builder per store kind: which settings it takes from where (env name, values key, Secret
 * key, flag), what it checks, and the settings object it returns. Every problem is one line
 * naming the setting and where it came from or was expected.
 */

const VAULT = {
  address: { label: 'address', env: AIRBYTE_ENV.vaultAddress, values: ['address'], flag: 'vault-address' },
  prefix: { label: 'prefix', env: AIRBYTE_ENV.vaultPrefix, values: ['prefix'], flag: 'vault-prefix' },
  token: {
    label: 'auth token',
    env: AIRBYTE_ENV.vaultToken,
    credential: CREDENTIAL_KEYS.vaultToken,
    flag: 'vault-token',
  },
  namespace: { label: 'namespace', flag: 'vault-namespace' },
} satisfies Record<string, SettingSpec>;

/** Chart v2's default `VAULT_PREFIX`; the path is prefix + coordinate with no separator. */
export const DEFAULT_VAULT_PREFIX = 'secret/';

export function buildVault(src: SettingSource, limits: StoreLimits | undefined): VaultStoreSettings {
  const address = src.require(VAULT.address);
  checkUrl(src, 'address', address, false);
  const namespace = src.text(VAULT.namespace)?.value;
  return {
    kind: 'vault',
    address: address.value.replace(/\/+$/, ''),
    token: src.requireSecret(VAULT.token).value,
    prefix: src.text(VAULT.prefix)?.value ?? DEFAULT_VAULT_PREFIX,
    ...(namespace ? { namespace } : {}),
    ...(limits ? { limits } : {}),
  };
}

const AWS = {
  region: { label: 'region', env: AIRBYTE_ENV.awsRegion, values: ['region'], flag: 'aws-region' },
  accessKeyId: {
    label: 'access key id',
    env: AIRBYTE_ENV.awsAccessKeyId,
    credential: CREDENTIAL_KEYS.awsAccessKeyId,
  },
  secretAccessKey: {
    label: 'secret access key',
    env: AIRBYTE_ENV.awsSecretAccessKey,
    credential: CREDENTIAL_KEYS.awsSecretAccessKey,
  },
  endpoint: { label: 'endpoint', flag: 'aws-endpoint' },
  kms: { label: 'KMS key', env: AIRBYTE_ENV.awsKmsKeyArn, values: ['kmsArn', 'kms'], flag: 'aws-kms-key-id' },
  tags: { label: 'tags', env: AIRBYTE_ENV.awsTags, flag: 'aws-tags' },
} satisfies Record<string, SettingSpec>;

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function buildAws(src: SettingSource, limits: StoreLimits | undefined): AwsStoreSettings {
  const region = src.require(AWS.region);
  if (!AWS_REGION.test(region.value))
    throw src.invalid('region', region, 'is not an AWS region (e.g. us-east-1)');
  const endpoint = src.text(AWS.endpoint);
  if (endpoint) checkUrl(src, 'endpoint', endpoint, false);
  const kms = src.text(AWS.kms);
  const tags = tagsOf(src, AWS.tags, 'awsSecretManager');

  // `authenticationType: instanceProfile` in the values file means the SDK's own chain (instance
  // profile, IRSA); it overrides static keys from the env, as values override env.
  const authType = src.valuesEntry(['authenticationType']);
  if (authType && !['credentials', 'instanceProfile'].includes(authType.value)) {
    throw src.invalid('authenticationType', authType, 'must be credentials or instanceProfile');
  }
  const useKeys = authType?.value !== 'instanceProfile';
  const accessKeyId = useKeys ? src.secret(AWS.accessKeyId) : undefined;
  const secretAccessKey = useKeys ? src.secret(AWS.secretAccessKey) : undefined;
  if (accessKeyId && !secretAccessKey) throw src.missing(AWS.secretAccessKey);
  if (secretAccessKey && !accessKeyId) throw src.missing(AWS.accessKeyId);
  if (authType?.value === 'credentials' && !accessKeyId) throw src.missing(AWS.accessKeyId);

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

const GCP = {
  project: { label: 'project id', env: AIRBYTE_ENV.gcpProjectId, values: ['projectId'], flag: 'gcp-project' },
  region: { label: 'region', env: AIRBYTE_ENV.gcpRegion, values: ['region'], flag: 'gcp-region' },
  credentials: {
    label: 'credentials',
    env: AIRBYTE_ENV.gcpCredentials,
    credential: CREDENTIAL_KEYS.gcpCredentials,
    flag: 'gcp-credentials',
  },
  endpoint: { label: 'endpoint', flag: 'gcp-endpoint' },
} satisfies Record<string, SettingSpec>;

const GCP_PROJECT = /^([a-z][a-z0-9-]{4,28}[a-z0-9]|\d{6,})$/;
const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;

export async function buildGcp(
  src: SettingSource,
  limits: StoreLimits | undefined,
): Promise<GcpStoreSettings> {
  const credentials = await gcpCredentials(src);
  // Without a project id anywhere, the service account's own project is the natural one.
  const project =
    src.text(GCP.project) ??
    (credentials?.projectId ? { value: credentials.projectId, origin: 'the credentials' } : undefined);
  if (!project) throw src.missing(GCP.project);
  if (!GCP_PROJECT.test(project.value))
    throw src.invalid('project id', project, 'is not a Google Cloud project id');
  const region = src.text(GCP.region);
  if (region && !GCP_REGION.test(region.value)) {
    throw src.invalid('region', region, 'is not a Google Cloud region (e.g. us-central1)');
  }
  const endpoint = src.text(GCP.endpoint);
  if (endpoint && !/^[^\s/:]+(:\d{1,5})?$/.test(endpoint.value.replace(/^\[[^\]]+\]/, 'ipv6'))) {
    throw src.invalid('endpoint', endpoint, 'is not host:port');
  }
  return {
    kind: 'gcp',
    projectId: project.value,
    ...(region ? { region: region.value } : {}),
    ...(credentials ? { credentials: credentials.value } : {}),
    ...(endpoint ? { endpoint: endpoint.value } : {}),
    ...(limits ? { limits } : {}),
  };
}

/** Service-account JSON from the flag (a file path or the JSON itself), values, the Secret or env. */
async function gcpCredentials(
  src: SettingSource,
): Promise<{ value: SecretValue; projectId?: string } | undefined> {
  let found = src.secret(GCP.credentials);
  if (!found) return undefined;
  if (found.origin === '--gcp-credentials' && !found.value.reveal().trimStart().startsWith('{')) {
    const path = found.value.reveal();
    try {
      found = {
        value: new SecretValue(await readFile(path, 'utf8')),
        origin: `--gcp-credentials file ${path}`,
      };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unreadable';
      throw src.invalid(
        'credentials file',
        { value: path, origin: '--gcp-credentials' },
        `cannot be read (${code})`,
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(found.value.reveal());
  } catch {
    // JSON.parse's message quotes the input: never pass it on.
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw src.invalid('credentials', found, 'are not a service-account JSON object');
  }
  const projectId = (parsed as { project_id?: unknown }).project_id;
  return { value: found.value, ...(typeof projectId === 'string' && projectId ? { projectId } : {}) };
}

const AZURE = {
  vaultUrl: {
    label: 'vault URL',
    env: AIRBYTE_ENV.azureVaultUrl,
    values: ['vaultUrl'],
    flag: 'azure-vault-url',
  },
  tenantId: {
    label: 'tenant id',
    env: AIRBYTE_ENV.azureTenantId,
    values: ['tenantId'],
    flag: 'azure-tenant-id',
  },
  clientId: {
    label: 'client id',
    env: AIRBYTE_ENV.azureClientId,
    credential: CREDENTIAL_KEYS.azureClientId,
    flag: 'azure-client-id',
  },
  clientSecret: {
    label: 'client secret',
    env: AIRBYTE_ENV.azureClientSecret,
    credential: CREDENTIAL_KEYS.azureClientSecret,
    flag: 'azure-client-secret',
  },
  tags: { label: 'tags', env: AIRBYTE_ENV.azureTags },
} satisfies Record<string, SettingSpec>;

export function buildAzure(src: SettingSource, limits: StoreLimits | undefined): AzureStoreSettings {
  const vaultUrl = src.require(AZURE.vaultUrl);
  // Plain http only to an emulator on this machine; a real vault is always https.
  const insecure = checkUrl(src, 'vault URL', vaultUrl, true);
  const tenantId = src.text(AZURE.tenantId);
  const clientId = src.secret(AZURE.clientId);
  const clientSecret = src.secret(AZURE.clientSecret);
  if (clientSecret && !clientId) throw src.missing(AZURE.clientId);
  if (clientSecret && !tenantId) throw src.missing(AZURE.tenantId);
  if (clientId && !clientSecret && !tenantId) throw src.missing(AZURE.clientSecret);
  const tags = tagsOf(src, AZURE.tags, 'azureKeyVault');
  return {
    kind: 'azure',
    vaultUrl: vaultUrl.value,
    ...(tenantId ? { tenantId: tenantId.value } : {}),
    ...(clientId ? { clientId: clientId.value.reveal().trim() } : {}),
    ...(clientSecret ? { clientSecret: clientSecret.value } : {}),
    ...(tags ? { tags } : {}),
    ...(insecure ? { allowInsecureConnection: true } : {}),
    ...(limits ? { limits } : {}),
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks an http(s) URL; returns true when it is plain http to loopback (allowed only if `httpsOnly`). */
function checkUrl(src: SettingSource, label: string, found: Found, httpsOnly: boolean): boolean {
  let url: URL;
  try {
    url = new URL(found.value);
  } catch {
    throw src.invalid(label, found, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw src.invalid(label, found, 'is not an http(s) URL');
  if (httpsOnly && url.protocol === 'http:') {
    if (!LOOPBACK.has(url.hostname))
      throw src.invalid(label, found, 'must use https (http only for a local emulator)');
    return true;
  }
  return false;
}

/**
 * Tags: flag or env as `k=v,k2=v2` (Airbyte's format), or the values file's list, which the charts
 * render into that format; every form is checked by the same parser Airbyte's format implies.
 */
function tagsOf(
  src: SettingSource,
  spec: SettingSpec,
  block: ValuesBlockName,
): Record<string, string> | undefined {
  const values = src.values ? valuesTags(src.values, block) : undefined;
  const fromValues: Found | undefined =
    values === undefined
      ? undefined
      : {
          value:
            typeof values === 'string'
              ? values
              : Object.entries(values)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(','),
          origin: `${src.values?.path}.${block}.tags in ${src.values?.file}`,
        };
  const found =
    (spec.flag ? src.flag(spec.flag) : undefined) ?? fromValues ?? (spec.env ? src.env(spec.env) : undefined);
  if (!found) return undefined;
  try {
    const tags = parseTags(found.value, found.origin);
    return Object.keys(tags).length > 0 ? tags : undefined;
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(`${src.kind}: ${err.message}`) : err;
  }
}
