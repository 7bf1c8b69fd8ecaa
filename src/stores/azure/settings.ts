import type { SecretValue } from '../../util/secret-value.js';
import type {
  CredentialKey,
  Found,
  SettingReader,
  SettingSpec,
  StoreCutover,
  StoreLimits,
} from '../definition.js';
import { safeUrl } from '../describe-parts.js';
import { checkUrl } from '../setting-checks.js';
import { tagsList, tagsText } from '../tags.js';

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

/** Airbyte's env names for Azure Key Vault (airbyte-server application.yml, `airbyte.secret.store.azure`). */
export const AZURE_ENV = {
  vaultUrl: 'AB_AZURE_KEY_VAULT_VAULT_URL',
  tenantId: 'AB_AZURE_KEY_VAULT_TENANT_ID',
  clientId: 'AB_AZURE_KEY_VAULT_CLIENT_ID',
  clientSecret: 'AB_AZURE_KEY_VAULT_CLIENT_SECRET',
  tags: 'AB_AZURE_KEY_VAULT_TAGS',
} as const;

/** The client credentials as the charts keep them in the Kubernetes Secret. */
export const AZURE_CREDENTIAL_KEYS = {
  clientId: {
    env: AZURE_ENV.clientId,
    inline: 'clientId',
    keyOption: 'clientIdSecretKey',
    defaults: { v1: 'azure-key-vault-client-id', v2: AZURE_ENV.clientId },
  },
  clientSecret: {
    env: AZURE_ENV.clientSecret,
    inline: 'clientSecret',
    keyOption: 'clientSecretSecretKey',
    defaults: { v1: 'azure-key-vault-client-secret', v2: AZURE_ENV.clientSecret },
  },
} satisfies Record<string, CredentialKey>;

/** Where each setting comes from: env name, values key (`global.secretsManager.azureKeyVault.*`), Secret key, flag. */
export const AZURE_SETTINGS = {
  vaultUrl: { label: 'vault URL', env: AZURE_ENV.vaultUrl, values: ['vaultUrl'], flag: 'azure-vault-url' },
  tenantId: { label: 'tenant id', env: AZURE_ENV.tenantId, values: ['tenantId'], flag: 'azure-tenant-id' },
  clientId: {
    label: 'client id',
    env: AZURE_ENV.clientId,
    credential: AZURE_CREDENTIAL_KEYS.clientId,
    flag: 'azure-client-id',
  },
  clientSecret: {
    label: 'client secret',
    env: AZURE_ENV.clientSecret,
    credential: AZURE_CREDENTIAL_KEYS.clientSecret,
    flag: 'azure-client-secret',
  },
  tags: { label: 'tags', env: AZURE_ENV.tags },
} satisfies Record<string, SettingSpec>;

/**
 * The launcher's names for the Secret and keys it points job pods' Azure credentials at, typos
 * and all (airbyte-workload-launcher/src/main/resources/application.yml
 * `airbyte.secret.store.azure.*-ref-*`). Chart v2 renders `AB_AZURE_KEY_CLIENT_ID_REF_NAME` and
 * the like instead (charts/v2/airbyte/templates/config/_secretsManager.tpl), which nothing reads.
 */
export const AZURE_LAUNCHER_ENV = {
  clientIdName: 'AB_AZURE_KEY_VAULT_CLIENT_ID_REF_NAME',
  clientIdKey: 'AB_AZURE_KEY_VAULT_CLIENT_ID_REF_REF_KEY',
  clientSecretName: 'AB_AZURE_KEY_VAULT_CLIENT_SECRET_REF_REF_NAME',
  clientSecretKey: 'AB_AZURE_KEY_VAULT_CLIENT_SECRET_REF_REF_KEY',
} as const;

export function buildAzure(src: SettingReader, limits: StoreLimits | undefined): AzureStoreSettings {
  const vaultUrl = src.require(AZURE_SETTINGS.vaultUrl);
  // Plain http only to an emulator on this machine; a real vault is always https.
  const insecure = checkUrl(src, 'vault URL', vaultUrl, true);
  const tenantId = src.text(AZURE_SETTINGS.tenantId);
  const clientId = src.secret(AZURE_SETTINGS.clientId);
  const clientSecret = src.secret(AZURE_SETTINGS.clientSecret);
  if (clientSecret && !clientId) throw src.missing(AZURE_SETTINGS.clientId);
  if (clientSecret && !tenantId) throw src.missing(AZURE_SETTINGS.tenantId);
  if (clientId && !clientSecret && !tenantId) throw src.missing(AZURE_SETTINGS.clientSecret);
  const tags = azureTags(src);
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

/**
 * AB_AZURE_KEY_VAULT_TAGS read as Airbyte's Azure client reads it (AzureKeyVaultPersistence.kt
 * `AzureKeyVaultClient.parseTags`): the whole text must match its pattern, then it is split at
 * `,` and each trimmed pair at every `=`, keeping the first two parts: `k=a=b` tags k with `a`.
 * Chart v2 passes `azureKeyVault.tags` through as text, so a list there reaches Airbyte as Go's
 * rendering of it, which that pattern rejects; chart v1 renders a list as `k=v,k2=v2`.
 */
function azureTags(src: SettingReader): Record<string, string> | undefined {
  const fromValues = src.valuesTags();
  if (fromValues?.form === 'list' && src.chart === 'v2') {
    throw src.invalid(
      'tags',
      { value: undefined, origin: fromValues.origin },
      'is a list, but chart v2 passes Azure tags through as text, which Airbyte cannot parse: write tags: "key1=value1,key2=value2"',
    );
  }
  const found = fromValues ?? src.env(AZURE_ENV.tags);
  if (!found) return undefined;
  const tags = parseAzureTags(src, found);
  return Object.keys(tags).length > 0 ? tags : undefined;
}

/**
 * The character class of Airbyte's pattern, `[\w\s._:/=+-@]`: Java reads `+-@` as the range
 * from `+` to `@`, which takes in `,` `;` `<` `>` `?` and the digits; `\w` and `\s` are ASCII.
 */
const AZURE_TAG_TEXT = /^[A-Za-z0-9_ \t\n\v\f\r.:/=+,\-;<>?@]+$/;

function parseAzureTags(src: SettingReader, found: Found): Record<string, string> {
  const text = found.value;
  if (text.trim() === '') return {};
  const bad = (why: string) =>
    src.invalid('tags', found, `${why}; Airbyte's Azure client reads key1=value1,key2=value2`);
  // As the class takes in `,` and `=`, the pattern comes down to: only these characters, and an
  // `=` with text on both sides.
  if (!AZURE_TAG_TEXT.test(text) || !text.slice(1, -1).includes('=')) throw bad('do not match');
  const tags: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [key, value, ...dropped] = part.trim().split('=');
    // Airbyte's `val (key, value) = ...` throws on a pair without `=`.
    if (key === undefined || value === undefined) throw bad(`"${part.trim()}" has no "="`);
    if (key === '') throw bad(`"${part.trim()}" has no tag name`);
    if (dropped.length > 0) {
      src.warn(
        `azure: tag ${key} from ${found.origin}: Airbyte's Azure client splits at every "=" and keeps "${value}" only; so does this migration`,
      );
    }
    tags[key] = value;
  }
  return tags;
}

export function describeAzure(s: AzureStoreSettings): string[] {
  return [
    `azure key vault ${safeUrl(s.vaultUrl)}`,
    s.clientSecret ? `client ${s.clientId ?? '?'} in tenant ${s.tenantId ?? '?'}` : 'default credential',
  ];
}

export const azureCutover: StoreCutover<AzureStoreSettings> = {
  env(s, env, credentials) {
    env[AZURE_ENV.vaultUrl] = s.vaultUrl;
    if (s.tenantId) env[AZURE_ENV.tenantId] = s.tenantId;
    if (s.clientId) env[AZURE_ENV.clientId] = s.clientId;
    if (s.tags) env[AZURE_ENV.tags] = tagsText(s.tags);
    if (!s.clientId) credentials.push(AZURE_ENV.clientId);
    credentials.push(AZURE_ENV.clientSecret);
  },
  values(s, shape, block, keyRef) {
    block.vaultUrl = s.vaultUrl;
    if (s.tenantId) block.tenantId = s.tenantId;
    keyRef(block, AZURE_CREDENTIAL_KEYS.clientId);
    keyRef(block, AZURE_CREDENTIAL_KEYS.clientSecret);
    // Chart v2 passes Azure tags through as a string; v1 renders a list.
    if (s.tags) block.tags = shape === 'v1' ? tagsList(s.tags) : tagsText(s.tags);
  },
  notes(s) {
    const notes: string[] = [];
    if (!s.clientSecret) notes.push('Airbyte signs in to Azure only with a client id and secret');
    if (s.allowInsecureConnection) notes.push('the vault URL is a local emulator (plain http)');
    return notes;
  },
  /** Chart v2 renders the launcher's names misspelt (see AZURE_LAUNCHER_ENV), so job pods get no client credentials. */
  launcherEnv(_s, shape, secretName, secretKey) {
    if (shape !== 'v2') return [];
    return [
      { name: AZURE_LAUNCHER_ENV.clientIdName, value: secretName },
      { name: AZURE_LAUNCHER_ENV.clientIdKey, value: secretKey(AZURE_CREDENTIAL_KEYS.clientId) },
      { name: AZURE_LAUNCHER_ENV.clientSecretName, value: secretName },
      { name: AZURE_LAUNCHER_ENV.clientSecretKey, value: secretKey(AZURE_CREDENTIAL_KEYS.clientSecret) },
    ];
  },
};
