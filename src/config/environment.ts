/**
 * The one place that reads `process.env`. Commands pass `currentEnvironment()` into
 * `resolveStoreSettings`, so tests hand in a plain object instead.
 */
export function currentEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

/** Airbyte's env names for the secret store (airbyte-server application.yml, `airbyte.secret.*`). */
export const AIRBYTE_ENV = {
  persistence: 'SECRET_PERSISTENCE',
  vaultAddress: 'VAULT_ADDRESS',
  vaultPrefix: 'VAULT_PREFIX',
  vaultToken: 'VAULT_AUTH_TOKEN',
  awsRegion: 'AWS_SECRET_MANAGER_REGION',
  awsAccessKeyId: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY',
  awsKmsKeyArn: 'AWS_KMS_KEY_ARN',
  awsTags: 'AWS_SECRET_MANAGER_SECRET_TAGS',
  gcpProjectId: 'SECRET_STORE_GCP_PROJECT_ID',
  gcpRegion: 'SECRET_STORE_GCP_REGION',
  gcpCredentials: 'SECRET_STORE_GCP_CREDENTIALS',
  azureVaultUrl: 'AB_AZURE_KEY_VAULT_VAULT_URL',
  azureTenantId: 'AB_AZURE_KEY_VAULT_TENANT_ID',
  azureClientId: 'AB_AZURE_KEY_VAULT_CLIENT_ID',
  azureClientSecret: 'AB_AZURE_KEY_VAULT_CLIENT_SECRET',
  azureTags: 'AB_AZURE_KEY_VAULT_TAGS',
} as const;
