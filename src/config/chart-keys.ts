import type { StoreKind } from '../stores/types.js';
import { AIRBYTE_ENV } from './environment.js';

/**
 * How Airbyte's Helm charts spell the secret store settings (secrets-model §5). Both chart
 * versions keep the store's settings in a camelCase block under `global.secretsManager`; they
 * differ in the spelling of `type`, the name of the Secret, the KMS key and the default key names
 * inside the Kubernetes Secret.
 */
export type ChartShape = 'v1' | 'v2';

export type ValuesBlockName = 'vault' | 'awsSecretManager' | 'googleSecretManager' | 'azureKeyVault';

export const VALUES_BLOCK: Record<Exclude<StoreKind, 'database'>, ValuesBlockName> = {
  vault: 'vault',
  aws: 'awsSecretManager',
  gcp: 'googleSecretManager',
  azure: 'azureKeyVault',
};

/** `global.secretsManager.type` per kind in chart v1 (the env value is its snake_case). */
export const V1_TYPE: Record<StoreKind, string> = {
  database: 'testingConfigDbTable',
  vault: 'vault',
  aws: 'awsSecretManager',
  gcp: 'googleSecretManager',
  azure: 'azureKeyVault',
};

/** Chart v1's default Secret name; chart v2 defaults to `<release>-airbyte-secrets`, which we cannot know. */
export const V1_SECRET_NAME = 'airbyte-config-secrets';

/** A credential the chart reads from the Kubernetes Secret. */
export interface CredentialKey {
  /** The env var Airbyte reads it from. */
  env: string;
  /** The values key holding it inline (chart v2 writes it into the Secret it creates). */
  inline: string;
  /** The values key naming its key in the Secret (`authTokenSecretKey`). */
  keyOption: string;
  /** Default key in the Secret, per chart version. */
  defaults: Record<ChartShape, string>;
  /** Further keys worth trying when none is configured (Airbyte's docs use `gcp.json`). */
  alsoTry?: string[];
}

export const CREDENTIAL_KEYS = {
  vaultToken: {
    env: AIRBYTE_ENV.vaultToken,
    inline: 'authToken',
    keyOption: 'authTokenSecretKey',
    defaults: { v1: 'vault-auth-token', v2: AIRBYTE_ENV.vaultToken },
  },
  awsAccessKeyId: {
    env: AIRBYTE_ENV.awsAccessKeyId,
    inline: 'accessKeyId',
    keyOption: 'accessKeyIdSecretKey',
    defaults: { v1: 'aws-secret-manager-access-key-id', v2: AIRBYTE_ENV.awsAccessKeyId },
  },
  awsSecretAccessKey: {
    env: AIRBYTE_ENV.awsSecretAccessKey,
    inline: 'secretAccessKey',
    keyOption: 'secretAccessKeySecretKey',
    defaults: { v1: 'aws-secret-manager-secret-access-key', v2: AIRBYTE_ENV.awsSecretAccessKey },
  },
  gcpCredentials: {
    env: AIRBYTE_ENV.gcpCredentials,
    inline: 'credentials',
    keyOption: 'credentialsSecretKey',
    defaults: { v1: 'google-secret-manager-credentials', v2: AIRBYTE_ENV.gcpCredentials },
    alsoTry: ['gcp.json'],
  },
  azureClientId: {
    env: AIRBYTE_ENV.azureClientId,
    inline: 'clientId',
    keyOption: 'clientIdSecretKey',
    defaults: { v1: 'azure-key-vault-client-id', v2: AIRBYTE_ENV.azureClientId },
  },
  azureClientSecret: {
    env: AIRBYTE_ENV.azureClientSecret,
    inline: 'clientSecret',
    keyOption: 'clientSecretSecretKey',
    defaults: { v1: 'azure-key-vault-client-secret', v2: AIRBYTE_ENV.azureClientSecret },
  },
} satisfies Record<string, CredentialKey>;

/** The Secret keys to look a credential up under, in order: a configured key alone, else the defaults. */
export function credentialKeyCandidates(
  key: CredentialKey,
  shape: ChartShape,
  configured?: string,
): string[] {
  if (configured) return [configured];
  const other: ChartShape = shape === 'v1' ? 'v2' : 'v1';
  return [key.defaults[shape], key.defaults[other], ...(key.alsoTry ?? [])];
}
