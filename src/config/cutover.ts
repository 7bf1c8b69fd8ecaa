import { stringify } from 'yaml';
import { AIRBYTE_PERSISTENCE } from '../stores/registry.js';
import {
  type ChartShape,
  CREDENTIAL_KEYS,
  type CredentialKey,
  V1_SECRET_NAME,
  V1_TYPE,
  VALUES_BLOCK,
} from './chart-keys.js';
import { AIRBYTE_ENV } from './environment.js';
import type { StoreSettings } from './types.js';

/**
 * What switches Airbyte to a store once its secrets are there: the env vars, or the Helm values
 * block. Neither ever holds a credential: env output lists the credential variables by name, and
 * the values block points at keys of a Kubernetes Secret.
 */
export interface CutoverEnv {
  /** Variables to set, with their values; none is a credential. */
  env: Record<string, string>;
  /** Credential variables Airbyte needs, to be set from wherever the operator keeps them. */
  credentials: string[];
  /** What Airbyte cannot be told or needs besides (endpoint overrides, namespaces, auth modes). */
  notes: string[];
}

export function cutoverEnv(s: StoreSettings): CutoverEnv {
  const env: Record<string, string> = { [AIRBYTE_ENV.persistence]: AIRBYTE_PERSISTENCE[s.kind] };
  const credentials: string[] = [];
  switch (s.kind) {
    case 'database':
      break;
    case 'vault':
      env[AIRBYTE_ENV.vaultAddress] = s.address;
      env[AIRBYTE_ENV.vaultPrefix] = s.prefix;
      credentials.push(AIRBYTE_ENV.vaultToken);
      break;
    case 'aws':
      env[AIRBYTE_ENV.awsRegion] = s.region;
      if (s.kmsKeyId) env[AIRBYTE_ENV.awsKmsKeyArn] = s.kmsKeyId;
      if (s.tags) env[AIRBYTE_ENV.awsTags] = tagsText(s.tags);
      if (s.accessKeyId) credentials.push(AIRBYTE_ENV.awsAccessKeyId, AIRBYTE_ENV.awsSecretAccessKey);
      break;
    case 'gcp':
      env[AIRBYTE_ENV.gcpProjectId] = s.projectId;
      if (s.region) env[AIRBYTE_ENV.gcpRegion] = s.region;
      credentials.push(AIRBYTE_ENV.gcpCredentials);
      break;
    case 'azure':
      env[AIRBYTE_ENV.azureVaultUrl] = s.vaultUrl;
      if (s.tenantId) env[AIRBYTE_ENV.azureTenantId] = s.tenantId;
      if (s.clientId) env[AIRBYTE_ENV.azureClientId] = s.clientId;
      if (s.tags) env[AIRBYTE_ENV.azureTags] = tagsText(s.tags);
      if (!s.clientId) credentials.push(AIRBYTE_ENV.azureClientId);
      credentials.push(AIRBYTE_ENV.azureClientSecret);
      break;
  }
  return { env, credentials, notes: notesFor(s) };
}

export interface CutoverValuesOptions {
  /** The Kubernetes Secret holding the credentials. @default 'airbyte-config-secrets' */
  secretName?: string;
  /** Keys inside that Secret, where not the chart's defaults (keyed by the values option, e.g. `authTokenSecretKey`). */
  secretKeys?: Record<string, string>;
}

export interface CutoverValues {
  /** The `global.secretsManager` block to merge into values.yaml. */
  values: { global: { secretsManager: Record<string, unknown> } };
  /** The Secret it refers to and the keys that Secret must hold. */
  secretName: string;
  secretKeys: string[];
  notes: string[];
}

export function cutoverValues(
  s: StoreSettings,
  shape: ChartShape,
  options: CutoverValuesOptions = {},
): CutoverValues {
  const secretName = options.secretName ?? V1_SECRET_NAME;
  const secretKeys: string[] = [];
  const keyRef = (block: Record<string, unknown>, key: CredentialKey) => {
    const name = options.secretKeys?.[key.keyOption] ?? key.defaults[shape];
    block[key.keyOption] = name;
    secretKeys.push(name);
  };
  const sm: Record<string, unknown> = {
    type: shape === 'v1' ? V1_TYPE[s.kind] : AIRBYTE_PERSISTENCE[s.kind],
    [shape === 'v1' ? 'secretsManagerSecretName' : 'secretName']: secretName,
  };
  const block: Record<string, unknown> = {};
  switch (s.kind) {
    case 'database':
      break;
    case 'vault':
      block.address = s.address;
      block.prefix = s.prefix;
      keyRef(block, CREDENTIAL_KEYS.vaultToken);
      break;
    case 'aws':
      block.region = s.region;
      block.authenticationType = s.accessKeyId ? 'credentials' : 'instanceProfile';
      if (s.accessKeyId) {
        keyRef(block, CREDENTIAL_KEYS.awsAccessKeyId);
        keyRef(block, CREDENTIAL_KEYS.awsSecretAccessKey);
      }
      if (s.kmsKeyId) block[shape === 'v1' ? 'kms' : 'kmsArn'] = s.kmsKeyId;
      if (s.tags) block.tags = tagsList(s.tags);
      break;
    case 'gcp':
      block.projectId = s.projectId;
      if (s.region) block.region = s.region;
      keyRef(block, CREDENTIAL_KEYS.gcpCredentials);
      break;
    case 'azure':
      block.vaultUrl = s.vaultUrl;
      if (s.tenantId) block.tenantId = s.tenantId;
      keyRef(block, CREDENTIAL_KEYS.azureClientId);
      keyRef(block, CREDENTIAL_KEYS.azureClientSecret);
      // Chart v2 passes Azure tags through as a string; v1 renders a list.
      if (s.tags) block.tags = shape === 'v1' ? tagsList(s.tags) : tagsText(s.tags);
      break;
  }
  if (s.kind !== 'database') sm[VALUES_BLOCK[s.kind]] = block;
  return {
    values: { global: { secretsManager: sm } },
    secretName,
    secretKeys,
    notes: notesFor(s),
  };
}

/** The values block as YAML text, ready to paste. */
export function cutoverValuesYaml(
  s: StoreSettings,
  shape: ChartShape,
  options?: CutoverValuesOptions,
): string {
  return stringify(cutoverValues(s, shape, options).values);
}

function notesFor(s: StoreSettings): string[] {
  const notes: string[] = [];
  switch (s.kind) {
    case 'vault':
      if (s.namespace)
        notes.push('Airbyte sends no Vault namespace: the secrets must be reachable without one');
      if (s.kvVersion === 1) notes.push('Airbyte reads KV version 2 only; a KV v1 mount will not work');
      if (!s.prefix.endsWith('/'))
        notes.push(`VAULT_PREFIX "${s.prefix}" is joined to the coordinate with no separator`);
      break;
    case 'aws':
      if (s.endpoint)
        notes.push('Airbyte has no setting for an AWS endpoint override; it uses the regional endpoint');
      if (!s.accessKeyId)
        notes.push("Airbyte's pods need AWS credentials from their role (instance profile, IRSA)");
      break;
    case 'gcp':
      if (s.endpoint) notes.push('Airbyte has no setting for a Google endpoint override');
      if (!s.credentials) notes.push('Airbyte needs service-account JSON in SECRET_STORE_GCP_CREDENTIALS');
      if (s.replicaLocations?.length) notes.push('Airbyte creates secrets with automatic replication');
      break;
    case 'azure':
      if (!s.clientSecret) notes.push('Airbyte signs in to Azure only with a client id and secret');
      if (s.allowInsecureConnection) notes.push('the vault URL is a local emulator (plain http)');
      break;
    case 'database':
      break;
  }
  return notes;
}

function tagsText(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function tagsList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
