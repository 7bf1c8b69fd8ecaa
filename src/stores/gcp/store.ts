import type { protos, SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { crc32c } from '../../util/crc32c.js';
import { SecretValue } from '../../util/secret-value.js';
import {
  isNetworkError,
  kindOfHttpStatus,
  StoreError,
  type StoreErrorKind,
  type StoreOperation,
} from '../errors.js';
import { endpointIdentity } from '../identity.js';
import type { KeyChange, KeyChangeResult, KeyChangingStore } from '../key-change.js';
import type {
  DeleteOutcome,
  ReadOptions,
  SecretDescription,
  SecretStore,
  StoreCapabilities,
  WriteOptions,
  WriteOutcome,
} from '../types.js';
import { GCP_CAPABILITIES } from './index.js';
import type { GcpStoreSettings } from './settings.js';

/**
 * Google Secret Manager over gRPC.
 *
 *   { kind: 'gcp', projectId: 'my-project', credentials: <SECRET_STORE_GCP_CREDENTIALS>,
 *     region: 'europe-west1', labels: { owner: 'airbyte' } }
 *
 * Naming, as Airbyte's GoogleSecretManagerPersistence does it: the secret id is the full
 * coordinate under `projects/<project>`, or under `projects/<project>/locations/<region>` with
 * the regional endpoint `secretmanager.<region>.rep.googleapis.com` when a region is set. The value
 * is the UTF-8 payload of the newest version (`versions/latest`).
 *
 * Writes read first and add nothing when the value is already there. A new name is CreateSecret
 * (automatic replication, or user-managed replicas; regional secrets carry no replication block)
 * then AddSecretVersion; if the version cannot be added the empty secret is deleted again, as
 * Airbyte does. A secret left without versions (a crash between the two calls) reads as absent,
 * and the next write finds it (ALREADY_EXISTS) and adds the version. Payloads travel with a
 * CRC32C both ways. Google has no soft delete: DeleteSecret removes every version at once.
 *
 * `read(c, { asAirbyte: true })` is the same call for a global store: Airbyte's global read is
 * exactly this. With a region, Airbyte's `GoogleSecretManagerClient.getSecret`
 * (airbyte-config/config-secrets/.../persistence/GoogleSecretManagerPersistence.kt) passes a secret
 * name to `SecretVersionName.parse`, which throws, and answers "" for every coordinate; its
 * `createSecret` sends automatic replication, which regional secrets reject
 * (airbytehq/airbyte#73660). Unless the settings say Airbyte is patched (`airbyteSupportsRegion`),
 * such a store reports `airbyteIncompatibility`, and reads as Airbyte fail with that reason.
 *
 * The SDK retries nothing (every call passes `retryCodes: []`); the limits wrapper retries
 * `throttled` and `transient` errors.
 */

export const STORE_KIND = 'gcp' as const;

export interface GoogleStoreDeps {
  /** A ready client (endpoint and credentials already set). */
  client?: SecretManagerServiceClient;
}

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LIST_PAGE_SIZE = 250;
const CALL = { retry: { retryCodes: [] as number[] }, timeout: 60_000 };

type SecretMessage = protos.google.cloud.secretmanager.v1.ISecret;
type ListSecretsRequest = protos.google.cloud.secretmanager.v1.IListSecretsRequest;
type AccessResponse = protos.google.cloud.secretmanager.v1.IAccessSecretVersionResponse;

type ClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>;

type Current =
  | { state: 'absent' }
  | { state: 'active'; value: SecretValue }
  /** The latest version is disabled or destroyed (FAILED_PRECONDITION). */
  | { state: 'unreadable'; error: StoreError };

export async function createGoogleSecretManagerStore(
  settings: GcpStoreSettings,
  deps: GoogleStoreDeps = {},
): Promise<SecretStore> {
  if (settings.region && settings.replicaLocations?.length) {
    throw new StoreError({
      store: STORE_KIND,
      operation: 'connect',
      kind: 'invalid',
      detail: 'regional secrets (region) cannot have user-managed replicas (replicaLocations): choose one',
    });
  }
  const client = deps.client ?? (await newClient(settings));
  // GOOGLE_CLOUD_UNIVERSE_DOMAIN moves the default endpoint: the description must say where calls go.
  const defaultEndpoint = settings.endpoint || settings.region ? undefined : client.apiEndpoint;
  const movedEndpoint = defaultEndpoint !== DEFAULT_API_ENDPOINT ? defaultEndpoint : undefined;
  return new GoogleSecretManagerStore(client, settings, movedEndpoint);
}

const DEFAULT_API_ENDPOINT = 'secretmanager.googleapis.com';

async function newClient(settings: GcpStoreSettings): Promise<SecretManagerServiceClient> {
  const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
  // gRPC's tracers (GRPC_TRACE, GRPC_VERBOSITY) write call details to stderr: never.
  const grpc = await import('@grpc/grpc-js');
  grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  const options: ClientOptions = {};
  if (settings.credentials) {
    options.credentials = parseCredentials(settings.credentials);
    options.projectId = settings.projectId;
  }
  if (settings.endpoint) {
    const { host, port } = parseEndpoint(settings.endpoint);
    options.apiEndpoint = host;
    options.port = port;
    if (isLoopback(host)) {
      // An emulator: plaintext gRPC, no Google auth on the channel. The universe domain is given
      // so google-auth-library does not go looking for ADC or a metadata server.
      options.sslCreds = grpc.credentials.createInsecure();
      options.universeDomain = 'googleapis.com';
    }
  } else if (settings.region) {
    options.apiEndpoint = `secretmanager.${settings.region}.rep.googleapis.com`;
  }
  return new SecretManagerServiceClient(options);
}

class GoogleSecretManagerStore implements SecretStore, KeyChangingStore {
  readonly kind = STORE_KIND;
  readonly description: string;
  readonly identity: string;
  readonly capabilities: StoreCapabilities = GCP_CAPABILITIES;
  readonly airbyteIncompatibility: string | undefined;
  readonly #client: SecretManagerServiceClient;
  readonly #parent: string;
  readonly #settings: GcpStoreSettings;

  constructor(
    client: SecretManagerServiceClient,
    settings: GcpStoreSettings,
    environmentEndpoint: string | undefined,
  ) {
    this.#client = client;
    this.#settings = settings;
    this.#parent = settings.region
      ? `projects/${settings.projectId}/locations/${settings.region}`
      : `projects/${settings.projectId}`;
    const where = settings.endpoint
      ? ` via ${settings.endpoint}`
      : environmentEndpoint
        ? ` via ${environmentEndpoint} (from GOOGLE_CLOUD_UNIVERSE_DOMAIN)`
        : '';
    this.description = `gcp ${this.#parent}${where}`;
    const endpoint = settings.endpoint ?? environmentEndpoint;
    this.identity = `gcp ${this.#parent.toLowerCase()}${endpoint ? ` ${endpointIdentity(endpoint)}` : ''}`;
    this.airbyteIncompatibility =
      settings.region && !settings.airbyteSupportsRegion
        ? `Google regional secrets (SECRET_STORE_GCP_REGION=${settings.region}) do not work with Airbyte today: ` +
          'its reads return "" and its creates send automatic replication, which regional secrets reject ' +
          '(airbytehq/airbyte#73660). Use a global project, or --allow-gcp-regional for a patched Airbyte.'
        : undefined;
  }

  nameOf(coordinate: string): string {
    return `${this.#parent}/secrets/${coordinate}`;
  }

  /** Reads `versions/latest`; NOT_FOUND (no secret, or one without versions) is absent. */
  async read(coordinate: string, options: ReadOptions = {}): Promise<SecretValue | undefined> {
    if (options.asAirbyte && this.airbyteIncompatibility) {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'read',
        kind: 'invalid',
        coordinate,
        detail: 'Airbyte\'s regional read cannot name a secret version and gets "" (airbytehq/airbyte#73660)',
      });
    }
    const current = await this.#current(coordinate, 'read');
    if (current.state === 'unreadable') throw current.error;
    return current.state === 'active' ? current.value : undefined;
  }

  async write(coordinate: string, value: SecretValue, options: WriteOptions = {}): Promise<WriteOutcome> {
    // Values over maxValueBytes are refused by the limits wrapper, before any call.
    const name = this.#checked(coordinate, 'write');
    // Expected absent: CreateSecret itself is the existence check (ALREADY_EXISTS falls back below).
    const current = options.expectAbsent
      ? ({ state: 'absent' } as const)
      : await this.#current(coordinate, 'write');
    if (current.state === 'active' && current.value.equals(value)) return 'unchanged';

    let created = false;
    if (current.state === 'absent') {
      try {
        await this.#client.createSecret(
          { parent: this.#parent, secretId: coordinate, secret: this.#newSecret() },
          CALL,
        );
        created = true;
      } catch (err) {
        // ALREADY_EXISTS: a secret without versions (half-created earlier) or a concurrent
        // create; either way the version below is what is missing.
        const e = toStoreError(err, 'write', coordinate);
        if (e.kind !== 'already-exists') throw e;
        // It was there after all: the full write compares with what it holds.
        if (options.expectAbsent) return this.write(coordinate, value);
      }
    }

    const data = Buffer.from(value.reveal(), 'utf8');
    try {
      await this.#client.addSecretVersion(
        { parent: name, payload: { data, dataCrc32c: crc32c(data) } },
        CALL,
      );
    } catch (err) {
      const failure = toStoreError(err, 'write', coordinate);
      if (!created) throw failure;
      throw await this.#undoCreate(name, coordinate, failure);
    }
    return current.state === 'active' || current.state === 'unreadable' ? 'updated' : 'created';
  }

  /** Google has no recovery window: `hard` or not, the secret and all its versions go at once. */
  async delete(coordinate: string): Promise<DeleteOutcome> {
    const name = this.#checked(coordinate, 'delete');
    try {
      await this.#client.deleteSecret({ name }, CALL);
      return 'deleted';
    } catch (err) {
      const e = toStoreError(err, 'delete', coordinate);
      if (e.kind === 'not-found') return 'absent';
      throw e;
    }
  }

  async *list(): AsyncIterable<string> {
    let pageToken: string | undefined;
    do {
      let secrets: SecretMessage[];
      let next: ListSecretsRequest | null;
      try {
        [secrets, next] = await this.#client.listSecrets(
          // The filter only narrows what comes back; the prefix is checked again below.
          {
            parent: this.#parent,
            pageSize: LIST_PAGE_SIZE,
            filter: 'name:airbyte_',
            ...(pageToken ? { pageToken } : {}),
          },
          { ...CALL, autoPaginate: false },
        );
      } catch (err) {
        throw toStoreError(err, 'list');
      }
      for (const secret of secrets) {
        const id = secret.name?.slice(secret.name.lastIndexOf('/') + 1);
        if (id?.startsWith('airbyte_')) yield id;
      }
      pageToken = next?.pageToken || undefined;
    } while (pageToken);
  }

  async describe(coordinate: string): Promise<SecretDescription> {
    const name = this.#checked(coordinate, 'describe');
    let secret: SecretMessage;
    try {
      [secret] = await this.#client.getSecret({ name }, CALL);
    } catch (err) {
      const e = toStoreError(err, 'describe', coordinate);
      if (e.kind === 'not-found') return { coordinate, name, state: 'absent' };
      throw e;
    }
    let versionCount = 0;
    let pageToken: string | undefined;
    try {
      do {
        const [versions, next] = await this.#client.listSecretVersions(
          { parent: name, pageSize: 1000, ...(pageToken ? { pageToken } : {}) },
          { ...CALL, autoPaginate: false },
        );
        versionCount += versions.length;
        pageToken = next?.pageToken || undefined;
      } while (pageToken);
    } catch (err) {
      throw toStoreError(err, 'describe', coordinate);
    }
    const kmsKeyId = secretKmsKey(secret);
    const createdAt = isoTime(secret.createTime);
    return {
      coordinate,
      name,
      state: 'active',
      tags: { ...(secret.labels ?? {}) },
      versionCount,
      ...(kmsKeyId ? { kmsKeyId } : {}),
      ...(createdAt ? { createdAt } : {}),
    };
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /**
   * Customer-managed encryption and labels, in place. Google lets UpdateSecret change a secret's
   * CMEK key (in its replication, or `customer_managed_encryption` for a regional secret) but
   * applies it only to versions added afterwards, so when the version Airbyte reads
   * (`versions/latest`) was not encrypted with the key, a new version with the same value is
   * added. Older versions keep their key. A secret replicated to several user-managed locations
   * needs one key per location and is refused. Labels replace the whole map, as Google's mask does.
   * `null` (a rollback) removes the customer-managed key, back to Google-managed encryption, and
   * adds a version the same way when the latest one is under a customer-managed key.
   */
  async changeKey(coordinate: string, change: KeyChange): Promise<KeyChangeResult> {
    const name = this.#checked(coordinate, 'write');
    const result: KeyChangeResult = { key: 'not-requested', tags: 'not-requested' };
    try {
      const [secret] = await this.#client.getSecret({ name }, CALL);
      const current = secretKmsKey(secret);
      if (current) result.kmsKeyId = current;
      const update: SecretMessage = { name };
      const paths: string[] = [];
      const wanted = change.kmsKeyId;
      if (wanted !== undefined && current !== (wanted ?? undefined)) {
        paths.push(
          wanted === null
            ? this.#withoutKey(secret, update)
            : this.#withKey(secret, wanted, update, coordinate),
        );
      }
      if (change.tags !== undefined) {
        const labels = change.replaceTags ? { ...change.tags } : { ...(secret.labels ?? {}), ...change.tags };
        const same =
          JSON.stringify(sortedEntries(labels)) === JSON.stringify(sortedEntries(secret.labels ?? {}));
        result.tags = same ? 'unchanged' : 'changed';
        if (!same) {
          update.labels = labels;
          paths.push('labels');
        }
      }
      if (paths.length > 0) await this.#client.updateSecret({ secret: update, updateMask: { paths } }, CALL);
      if (wanted !== undefined) {
        const [latest] = await this.#client.getSecretVersion({ name: `${name}/versions/latest` }, CALL);
        const underWanted = (k: string) => (wanted === null ? k === '' : k.startsWith(`${wanted}/`));
        if (versionKeys(latest).every(underWanted)) result.key = 'unchanged';
        else {
          const value = await this.#current(coordinate, 'write');
          if (value.state !== 'active')
            throw value.state === 'unreadable' ? value.error : notFound(coordinate);
          const data = Buffer.from(value.value.reveal(), 'utf8');
          await this.#client.addSecretVersion(
            { parent: name, payload: { data, dataCrc32c: crc32c(data) } },
            CALL,
          );
          result.key = 'changed';
          result.newVersion = true;
          if (current) result.previousKmsKeyId = current;
        }
        if (wanted) result.kmsKeyId = wanted;
        else delete result.kmsKeyId;
      }
    } catch (err) {
      throw toStoreError(err, 'write', coordinate);
    }
    return result;
  }

  /** Puts the key into `update` the way this secret carries it; returns the mask path. */
  #withKey(secret: SecretMessage, kmsKeyName: string, update: SecretMessage, coordinate: string): string {
    if (this.#settings.region) {
      update.customerManagedEncryption = { kmsKeyName };
      return 'customer_managed_encryption';
    }
    const replicas = secret.replication?.userManaged?.replicas;
    if (replicas) {
      const [replica] = replicas;
      if (replicas.length !== 1 || !replica) {
        throw new StoreError({
          store: STORE_KIND,
          operation: 'write',
          coordinate,
          kind: 'invalid',
          detail: `replicated to ${replicas.length} user-managed locations: each needs a key in its own location (gcloud secrets replication update --location)`,
        });
      }
      update.replication = {
        userManaged: {
          replicas: [
            {
              ...(replica.location !== undefined ? { location: replica.location } : {}),
              customerManagedEncryption: { kmsKeyName },
            },
          ],
        },
      };
    } else update.replication = { automatic: { customerManagedEncryption: { kmsKeyName } } };
    return 'replication';
  }

  /** Puts Google-managed encryption into `update` the way this secret carries its key; returns the mask path. */
  #withoutKey(secret: SecretMessage, update: SecretMessage): string {
    if (this.#settings.region) {
      update.customerManagedEncryption = null;
      return 'customer_managed_encryption';
    }
    const replicas = secret.replication?.userManaged?.replicas;
    update.replication = replicas
      ? {
          userManaged: {
            replicas: replicas.map((r) => (r.location !== undefined ? { location: r.location } : {})),
          },
        }
      : { automatic: {} };
    return 'replication';
  }

  #checked(coordinate: string, operation: StoreOperation): string {
    // A coordinate is used as a path segment; refuse anything that could address another resource.
    if (!SECRET_ID.test(coordinate)) {
      throw new StoreError({
        store: STORE_KIND,
        operation,
        coordinate,
        kind: 'invalid',
        detail: 'a Secret Manager id is 1 to 255 characters from [A-Za-z0-9_-]',
      });
    }
    return this.nameOf(coordinate);
  }

  #newSecret() {
    const s = this.#settings;
    const replication = s.region
      ? undefined
      : s.replicaLocations?.length
        ? { userManaged: { replicas: s.replicaLocations.map((location) => ({ location })) } }
        : { automatic: {} };
    return {
      ...(replication ? { replication } : {}),
      ...(s.labels && Object.keys(s.labels).length > 0 ? { labels: { ...s.labels } } : {}),
    };
  }

  async #current(coordinate: string, operation: StoreOperation): Promise<Current> {
    const name = this.#checked(coordinate, operation);
    let response: AccessResponse;
    try {
      [response] = await this.#client.accessSecretVersion({ name: `${name}/versions/latest` }, CALL);
    } catch (err) {
      const e = toStoreError(err, operation, coordinate);
      if (e.kind === 'not-found') return { state: 'absent' };
      if (e.kind === 'invalid' && e.detail?.startsWith('9 ')) {
        // The newest version is disabled or destroyed: Airbyte's read fails; a new version repairs it.
        return {
          state: 'unreadable',
          error: new StoreError({
            store: STORE_KIND,
            operation,
            coordinate,
            kind: 'not-found',
            detail: e.detail,
          }),
        };
      }
      throw e;
    }
    const data = Buffer.from(response.payload?.data ?? new Uint8Array(0));
    const sent = response.payload?.dataCrc32c;
    if (sent !== undefined && sent !== null && String(sent) !== String(crc32c(data))) {
      throw new StoreError({
        store: STORE_KIND,
        operation,
        coordinate,
        kind: 'transient',
        detail: 'payload CRC32C does not match the data received',
      });
    }
    return { state: 'active', value: new SecretValue(data.toString('utf8')) };
  }

  /** Airbyte's rule: a secret whose first version failed is deleted again. */
  async #undoCreate(name: string, coordinate: string, failure: StoreError): Promise<StoreError> {
    let outcome = 'the empty secret created for it was deleted again';
    try {
      await this.#client.deleteSecret({ name }, CALL);
    } catch (err) {
      const e = toStoreError(err, 'delete', coordinate);
      outcome = `the empty secret created for it could not be deleted (${e.detail ?? e.kind}); the next write repairs it`;
    }
    return new StoreError({
      store: STORE_KIND,
      operation: 'write',
      coordinate,
      kind: failure.kind,
      detail: `${failure.detail ?? failure.kind}; ${outcome}`,
      ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
    });
  }
}

/** The CMEK key a secret uses (regional, automatic, or the one key of its user-managed replicas). */
function secretKmsKey(secret: SecretMessage): string | undefined {
  const regional = secret.customerManagedEncryption?.kmsKeyName;
  if (regional) return regional;
  const automatic = secret.replication?.automatic?.customerManagedEncryption?.kmsKeyName;
  if (automatic) return automatic;
  const keys = new Set(
    (secret.replication?.userManaged?.replicas ?? []).map(
      (r) => r.customerManagedEncryption?.kmsKeyName ?? '',
    ),
  );
  return keys.size === 1 ? [...keys][0] || undefined : undefined;
}

/** The key versions a secret version was encrypted with, one per replica (none without CMEK). */
function versionKeys(version: protos.google.cloud.secretmanager.v1.ISecretVersion): string[] {
  const regional = version.customerManagedEncryption?.kmsKeyVersionName;
  if (regional) return [regional];
  const status = version.replicationStatus;
  const automatic = status?.automatic?.customerManagedEncryption?.kmsKeyVersionName;
  if (automatic) return [automatic];
  const replicas = status?.userManaged?.replicas ?? [];
  return replicas.length ? replicas.map((r) => r.customerManagedEncryption?.kmsKeyVersionName ?? '') : [''];
}

/** A protobuf Timestamp as ISO 8601 (seconds may arrive as a number, a string or a Long). */
function isoTime(t: { seconds?: unknown; nanos?: unknown } | null | undefined): string | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  const ms = Number(String(t.seconds)) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function sortedEntries(labels: Record<string, string>): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
}

function notFound(coordinate: string): StoreError {
  return new StoreError({
    store: STORE_KIND,
    operation: 'write',
    kind: 'not-found',
    coordinate,
    detail: 'no readable version',
  });
}

/** gRPC status code → our kind. */
const GRPC_KINDS: Record<number, [string, StoreErrorKind]> = {
  1: ['CANCELLED', 'transient'],
  2: ['UNKNOWN', 'transient'],
  3: ['INVALID_ARGUMENT', 'invalid'],
  4: ['DEADLINE_EXCEEDED', 'transient'],
  5: ['NOT_FOUND', 'not-found'],
  6: ['ALREADY_EXISTS', 'already-exists'],
  7: ['PERMISSION_DENIED', 'permission-denied'],
  8: ['RESOURCE_EXHAUSTED', 'throttled'],
  9: ['FAILED_PRECONDITION', 'invalid'],
  10: ['ABORTED', 'transient'],
  11: ['OUT_OF_RANGE', 'invalid'],
  12: ['UNIMPLEMENTED', 'invalid'],
  13: ['INTERNAL', 'transient'],
  14: ['UNAVAILABLE', 'transient'],
  15: ['DATA_LOSS', 'transient'],
  16: ['UNAUTHENTICATED', 'permission-denied'],
};

/**
 * The one translator from SDK failures to StoreError. It copies the status and the service's
 * message (`details`), never the request, which holds the payload.
 */
export function toStoreError(err: unknown, operation: StoreOperation, coordinate?: string): StoreError {
  if (err instanceof StoreError) return err;
  const base = { store: STORE_KIND, operation, ...(coordinate !== undefined ? { coordinate } : {}) };
  const e = (err ?? {}) as { code?: unknown; details?: unknown; message?: unknown; statusDetails?: unknown };
  const details = typeof e.details === 'string' ? e.details : '';
  const grpc = typeof e.code === 'number' ? GRPC_KINDS[e.code] : undefined;
  if (grpc) {
    const [status, kind] = grpc;
    const retryAfterMs = kind === 'throttled' ? retryDelayOf(e.statusDetails) : undefined;
    return new StoreError({
      ...base,
      kind,
      detail: `${e.code} ${status}${details ? `: ${details}` : ''}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (typeof e.code === 'number' && e.code >= 400 && e.code < 600) {
    return new StoreError({
      ...base,
      kind: kindOfHttpStatus(e.code, 'already-exists'),
      detail: `HTTP ${e.code}`,
    });
  }
  if (isNetworkError(err)) return new StoreError({ ...base, kind: 'transient', detail: String(e.code) });
  const message = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '') : String(err);
  // google-auth-library: no ADC, a bad key, a refused token exchange. The operator fixes these.
  const auth = /credential|authenticat|invalid_grant|unauthori[sz]ed|private key|token/i.test(message);
  return new StoreError({ ...base, kind: auth ? 'permission-denied' : 'invalid', detail: message });
}

/** `google.rpc.RetryInfo.retry_delay` from decoded status details, when the service sent one. */
function retryDelayOf(statusDetails: unknown): number | undefined {
  if (!Array.isArray(statusDetails)) return undefined;
  for (const d of statusDetails) {
    const delay = (d as { retryDelay?: { seconds?: unknown; nanos?: unknown } } | null)?.retryDelay;
    if (delay) return Number(delay.seconds ?? 0) * 1000 + Math.round(Number(delay.nanos ?? 0) / 1e6);
  }
  return undefined;
}

function parseCredentials(credentials: SecretValue): NonNullable<ClientOptions['credentials']> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(credentials.reveal());
  } catch {
    // JSON.parse quotes part of its input in its message; say nothing about the content.
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StoreError({
      store: STORE_KIND,
      operation: 'connect',
      kind: 'invalid',
      detail: 'credentials are not a JSON object (the service-account key file content is expected)',
    });
  }
  return parsed as NonNullable<ClientOptions['credentials']>;
}

/** `host:port`, `[v6]:port` or a URL; the port defaults to 443. */
function parseEndpoint(endpoint: string): { host: string; port: number } {
  const url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `grpc://${endpoint}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : 443 };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
