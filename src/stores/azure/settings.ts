import type { SecretValue } from '../../util/secret-value.js';
import type { CredentialKey, SettingReader, SettingSpec, StoreCutover, StoreLimits } from '../definition.js';
import { safeUrl } from '../describe-parts.js';
import { checkUrl, tagsOf } from '../setting-checks.js';
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
  const tags = tagsOf(src, AZURE_SETTINGS.tags);
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
};
