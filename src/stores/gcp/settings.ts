import { readFile } from 'node:fs/promises';
import { SecretValue } from '../../util/secret-value.js';
import type { CredentialKey, SettingReader, SettingSpec, StoreCutover, StoreLimits } from '../definition.js';

export interface GcpStoreSettings {
  kind: 'gcp';
  projectId: string;
  /** Regional secrets: regional endpoint and location, no replication block. */
  region?: string;
  /**
   * The Airbyte in use reads and creates regional secrets correctly (patched for
   * airbytehq/airbyte#73660). Without it a regional store is one Airbyte cannot use.
   */
  airbyteSupportsRegion?: boolean;
  /** Service-account JSON content; absent means Application Default Credentials. */
  credentials?: SecretValue;
  /** host:port of an emulator or private endpoint (plaintext gRPC when it is loopback). */
  endpoint?: string;
  /** User-managed replica locations instead of automatic replication. */
  replicaLocations?: string[];
  labels?: Record<string, string>;
  limits?: StoreLimits;
}

/** Airbyte's env names for Google Secret Manager (airbyte-server application.yml, `airbyte.secret.store.gcp`). */
export const GCP_ENV = {
  projectId: 'SECRET_STORE_GCP_PROJECT_ID',
  region: 'SECRET_STORE_GCP_REGION',
  credentials: 'SECRET_STORE_GCP_CREDENTIALS',
} as const;

/** The service-account JSON as the charts keep it in the Kubernetes Secret. */
export const GCP_CREDENTIALS_KEY: CredentialKey = {
  env: GCP_ENV.credentials,
  inline: 'credentials',
  keyOption: 'credentialsSecretKey',
  defaults: { v1: 'google-secret-manager-credentials', v2: GCP_ENV.credentials },
  // Airbyte's docs name the key gcp.json.
  alsoTry: ['gcp.json'],
};

/** Where each setting comes from: env name, values key (`global.secretsManager.googleSecretManager.*`), Secret key, flag. */
export const GCP_SETTINGS = {
  project: { label: 'project id', env: GCP_ENV.projectId, values: ['projectId'], flag: 'gcp-project' },
  region: { label: 'region', env: GCP_ENV.region, values: ['region'], flag: 'gcp-region' },
  credentials: {
    label: 'credentials',
    env: GCP_ENV.credentials,
    credential: GCP_CREDENTIALS_KEY,
    flag: 'gcp-credentials',
  },
  endpoint: { label: 'endpoint', flag: 'gcp-endpoint' },
  allowRegional: { label: 'regional secrets in a patched Airbyte', flag: 'allow-gcp-regional' },
} satisfies Record<string, SettingSpec>;

const GCP_PROJECT = /^([a-z][a-z0-9-]{4,28}[a-z0-9]|\d{6,})$/;
const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;

export async function buildGcp(
  src: SettingReader,
  limits: StoreLimits | undefined,
): Promise<GcpStoreSettings> {
  const credentials = await gcpCredentials(src);
  // Without a project id anywhere, the service account's own project is the natural one.
  const project =
    src.text(GCP_SETTINGS.project) ??
    (credentials?.projectId ? { value: credentials.projectId, origin: 'the credentials' } : undefined);
  if (!project) throw src.missing(GCP_SETTINGS.project);
  if (!GCP_PROJECT.test(project.value))
    throw src.invalid('project id', project, 'is not a Google Cloud project id');
  const region = src.text(GCP_SETTINGS.region);
  if (region && !GCP_REGION.test(region.value)) {
    throw src.invalid('region', region, 'is not a Google Cloud region (e.g. us-central1)');
  }
  const endpoint = src.text(GCP_SETTINGS.endpoint);
  if (endpoint && !/^[^\s/:]+(:\d{1,5})?$/.test(endpoint.value.replace(/^\[[^\]]+\]/, 'ipv6'))) {
    throw src.invalid('endpoint', endpoint, 'is not host:port');
  }
  return {
    kind: 'gcp',
    projectId: project.value,
    ...(region ? { region: region.value } : {}),
    ...(region && src.flag('allow-gcp-regional') ? { airbyteSupportsRegion: true } : {}),
    ...(credentials ? { credentials: credentials.value } : {}),
    ...(endpoint ? { endpoint: endpoint.value } : {}),
    ...(limits ? { limits } : {}),
  };
}

/** Service-account JSON from the flag (a file path or the JSON itself), values, the Secret or env. */
async function gcpCredentials(
  src: SettingReader,
): Promise<{ value: SecretValue; projectId?: string } | undefined> {
  let found = src.secret(GCP_SETTINGS.credentials);
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

export function describeGcp(s: GcpStoreSettings): string[] {
  const parts = [`google secret manager project ${s.projectId}`];
  if (s.region) parts.push(`region ${s.region}`);
  if (s.endpoint) parts.push(`endpoint ${s.endpoint}`);
  parts.push(s.credentials ? 'service-account credentials' : 'application default credentials');
  return parts;
}

export const gcpCutover: StoreCutover<GcpStoreSettings> = {
  env(s, env, credentials) {
    env[GCP_ENV.projectId] = s.projectId;
    if (s.region) env[GCP_ENV.region] = s.region;
    credentials.push(GCP_ENV.credentials);
  },
  values(s, _shape, block, keyRef) {
    block.projectId = s.projectId;
    if (s.region) block.region = s.region;
    keyRef(block, GCP_CREDENTIALS_KEY);
  },
  notes(s) {
    const notes: string[] = [];
    if (s.endpoint) notes.push('Airbyte has no setting for a Google endpoint override');
    if (!s.credentials) notes.push('Airbyte needs service-account JSON in SECRET_STORE_GCP_CREDENTIALS');
    if (s.replicaLocations?.length) notes.push('Airbyte creates secrets with automatic replication');
    return notes;
  },
};
