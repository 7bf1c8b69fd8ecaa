import type {
  DescribeSecretCommandOutput,
  ListSecretsCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { parseCoordinate } from '../../airbyte/coordinates.js';
import { SecretValue } from '../../util/secret-value.js';
import { isNetworkError, StoreError, type StoreOperation } from '../errors.js';
import { endpointIdentity } from '../identity.js';
import type { KeyChange, KeyChangeResult, KeyChangingStore } from '../key-change.js';
import { retryAfterHeaderMs } from '../retry-after.js';
import { scrubDetail } from '../scrub-detail.js';
import type {
  DeleteOptions,
  DeleteOutcome,
  ReadOptions,
  SecretDescription,
  SecretStore,
  StoreCapabilities,
  WriteOptions,
  WriteOutcome,
} from '../types.js';
import { AWS_CAPABILITIES, AWS_RECOVERY_WINDOW_DAYS } from './index.js';
import type { AwsStoreSettings } from './settings.js';

/**
 * AWS Secrets Manager.
 *
 *   { kind: 'aws', region: 'us-east-1', accessKeyId: 'AKIA…', secretAccessKey: <secret>,
 *     kmsKeyId: 'arn:aws:kms:…', tags: { team: 'data' }, onScheduledDeletion: 'report' }
 *
 * Naming, as Airbyte's AwsSecretManagerPersistence does it: the secret name is the full
 * coordinate, no prefix, and the payload is `SecretString`. Airbyte creates with the description
 * `Airbyte secret.`, `KmsKeyId` = AWS_KMS_KEY_ARN and the tags of AWS_SECRET_MANAGER_SECRET_TAGS,
 * and its hydration falls back to the coordinate base (no `_vN`) when the full name is missing.
 *
 * Static credentials are used when both parts are given, else the SDK's default chain. The SDK's
 * own retries are off (`maxAttempts: 1`): the limits wrapper retries `throttled` and `transient`.
 * A name in its recovery window is never a crash: `describe` reports it, and `write` restores it
 * or reports `deleted-recoverable` as `onScheduledDeletion` says.
 */

/** The alias of the key Secrets Manager uses when a secret names none (the AWS managed key). */
const AWS_MANAGED_KEY = 'alias/aws/secretsmanager';

export const STORE_KIND = 'aws' as const;

export interface AwsStoreDeps {
  /** A ready client (region, credentials, endpoint already set). */
  client?: SecretsManagerClient;
}

type Sdk = typeof import('@aws-sdk/client-secrets-manager');

/** Airbyte's description on every secret it creates. */
export const AIRBYTE_DESCRIPTION = 'Airbyte secret.';
const LIST_PAGE_SIZE = 100;
const AIRBYTE_NAME_PREFIX = 'airbyte_';

const ignore = () => undefined;
const SILENT_LOGGER = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

type Current = { state: 'absent' } | { state: 'scheduled' } | { state: 'active'; value: SecretValue };

export async function createAwsSecretsManagerStore(
  settings: AwsStoreSettings,
  deps: AwsStoreDeps = {},
): Promise<SecretStore> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const staticCredentials =
    settings.accessKeyId && settings.secretAccessKey
      ? {
          credentials: {
            accessKeyId: settings.accessKeyId,
            secretAccessKey: settings.secretAccessKey.reveal(),
          },
        }
      : {};
  const client =
    deps.client ??
    new sdk.SecretsManagerClient({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...staticCredentials,
      maxAttempts: 1,
      // The SDK logs every command's input and output to the logger given here: a silent one.
      logger: SILENT_LOGGER,
    });
  return new AwsSecretsManagerStore(sdk, client, settings, await endpointFromEnvironment(client, settings));
}

/**
 * The endpoint the SDK takes from outside the settings: AWS_ENDPOINT_URL_SECRETS_MANAGER,
 * AWS_ENDPOINT_URL or `endpoint_url` in the shared config file redirect every call, so the store's
 * description (plan, output, journal) must name it. The SDK's own resolver answers, so no rule of
 * its precedence is copied here.
 */
async function endpointFromEnvironment(
  client: SecretsManagerClient,
  settings: AwsStoreSettings,
): Promise<string | undefined> {
  if (settings.endpoint) return undefined;
  const resolve = (client.config as { serviceConfiguredEndpoint?: unknown }).serviceConfiguredEndpoint;
  if (typeof resolve !== 'function') return undefined;
  try {
    const endpoint: unknown = await resolve();
    return typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined;
  } catch {
    return undefined;
  }
}

class AwsSecretsManagerStore implements SecretStore, KeyChangingStore {
  readonly kind = STORE_KIND;
  readonly description: string;
  readonly identity: string;
  readonly capabilities: StoreCapabilities = AWS_CAPABILITIES;
  readonly #sdk: Sdk;
  readonly #client: SecretsManagerClient;
  readonly #settings: AwsStoreSettings;

  constructor(
    sdk: Sdk,
    client: SecretsManagerClient,
    settings: AwsStoreSettings,
    environmentEndpoint: string | undefined,
  ) {
    this.#sdk = sdk;
    this.#client = client;
    this.#settings = settings;
    const at = settings.endpoint
      ? ` at ${settings.endpoint}`
      : environmentEndpoint
        ? ` at ${environmentEndpoint} (from AWS_ENDPOINT_URL* or the AWS config file)`
        : '';
    this.description = `aws secretsmanager ${settings.region}${at}`;
    const endpoint = settings.endpoint ?? environmentEndpoint;
    this.identity = `aws ${settings.region.toLowerCase()}${endpoint ? ` ${endpointIdentity(endpoint)}` : ''}`;
  }

  nameOf(coordinate: string): string {
    return coordinate;
  }

  async read(coordinate: string, options: ReadOptions = {}): Promise<SecretValue | undefined> {
    const readOne = (name: string) =>
      options.asAirbyte ? this.#readAsAirbyte(name, coordinate) : this.#current(name, 'read', coordinate);
    const current = await readOne(coordinate);
    if (current.state === 'active') return current.value;
    // Airbyte's hydration retries the base name only on not-found, for secrets stored unversioned.
    const base = parseCoordinate(coordinate).base;
    if (options.asAirbyte && current.state === 'absent' && base) {
      const fallback = await readOne(base);
      if (fallback.state === 'active') return fallback.value;
    }
    return undefined;
  }

  async write(coordinate: string, value: SecretValue, options: WriteOptions = {}): Promise<WriteOutcome> {
    if (options.expectAbsent) {
      // CreateSecret refuses an existing (or deleted-but-recoverable) name: one request, and the
      // full path below when the name is there after all.
      try {
        await this.#create(coordinate, value);
        return 'created';
      } catch (err) {
        const name = errorName(err);
        if (name !== 'ResourceExistsException' && name !== 'InvalidRequestException')
          throw toStoreError(err, 'write', coordinate, value);
      }
    }
    const current = await this.#current(coordinate, 'write', coordinate);
    if (current.state === 'active') return this.#update(coordinate, value, current.value);
    if (current.state === 'scheduled') return this.#writeScheduled(coordinate, value);
    try {
      await this.#create(coordinate, value);
      return 'created';
    } catch (err) {
      // Created by someone else since our read: compare with what is there now.
      if (errorName(err) === 'ResourceExistsException') {
        const now = await this.#current(coordinate, 'write', coordinate);
        if (now.state === 'active') return this.#update(coordinate, value, now.value);
      }
      throw toStoreError(err, 'write', coordinate, value);
    }
  }

  async #create(coordinate: string, value: SecretValue): Promise<void> {
    const { CreateSecretCommand } = this.#sdk;
    const tags = Object.entries(this.#settings.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    await this.#client.send(
      new CreateSecretCommand({
        Name: coordinate,
        SecretString: value.reveal(),
        Description: AIRBYTE_DESCRIPTION,
        ...(this.#settings.kmsKeyId ? { KmsKeyId: this.#settings.kmsKeyId } : {}),
        ...(tags.length > 0 ? { Tags: tags } : {}),
      }),
    );
  }

  async delete(coordinate: string, options: DeleteOptions = {}): Promise<DeleteOutcome> {
    const { DeleteSecretCommand } = this.#sdk;
    const how = options.hard
      ? { ForceDeleteWithoutRecovery: true }
      : { RecoveryWindowInDays: AWS_RECOVERY_WINDOW_DAYS };
    try {
      await this.#client.send(new DeleteSecretCommand({ SecretId: coordinate, ...how }));
      return options.hard ? 'deleted' : 'scheduled';
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return 'absent';
      if (
        !options.hard &&
        errorName(err) === 'InvalidRequestException' &&
        (await this.#scheduled(coordinate, 'delete'))
      ) {
        return 'scheduled';
      }
      throw toStoreError(err, 'delete', coordinate);
    }
  }

  /** RestoreSecret of a name in its recovery window; `absent` when it is not scheduled for deletion. */
  async restore(coordinate: string): Promise<'restored' | 'absent'> {
    if (!(await this.#scheduled(coordinate, 'restore'))) return 'absent';
    const { RestoreSecretCommand } = this.#sdk;
    try {
      await this.#client.send(new RestoreSecretCommand({ SecretId: coordinate }));
      return 'restored';
    } catch (err) {
      throw toStoreError(err, 'restore', coordinate);
    }
  }

  async *list(): AsyncIterable<string> {
    const { ListSecretsCommand } = this.#sdk;
    let nextToken: string | undefined;
    do {
      let page: ListSecretsCommandOutput;
      try {
        page = await this.#client.send(
          new ListSecretsCommand({
            Filters: [{ Key: 'name', Values: [AIRBYTE_NAME_PREFIX] }],
            MaxResults: LIST_PAGE_SIZE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (err) {
        throw toStoreError(err, 'list');
      }
      for (const entry of page.SecretList ?? []) {
        if (entry.Name?.startsWith(AIRBYTE_NAME_PREFIX)) yield entry.Name;
      }
      // AWS may send short or empty pages that still carry a token; only its absence ends the list.
      nextToken = page.NextToken;
    } while (nextToken);
  }

  async describe(coordinate: string): Promise<SecretDescription> {
    const { DescribeSecretCommand } = this.#sdk;
    try {
      const out = await this.#client.send(new DescribeSecretCommand({ SecretId: coordinate }));
      const tags = Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      return {
        coordinate,
        name: coordinate,
        state: out.DeletedDate ? 'deleted-recoverable' : 'active',
        ...(out.DeletedDate ? { scheduledPurgeAt: out.DeletedDate.toISOString() } : {}),
        ...(out.Tags ? { tags } : {}),
        versionCount: Object.keys(out.VersionIdsToStages ?? {}).length,
        ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}),
        ...(out.CreatedDate ? { createdAt: out.CreatedDate.toISOString() } : {}),
      };
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException')
        return { coordinate, name: coordinate, state: 'absent' };
      throw toStoreError(err, 'describe', coordinate);
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  /**
   * Re-keying in place: UpdateSecret with the new KmsKeyId (Secrets Manager re-encrypts the
   * AWSCURRENT, AWSPENDING and AWSPREVIOUS versions with it and keeps older versions under the old
   * key), then TagResource/UntagResource for the tags. Each call only when something differs; the
   * key is compared as text, so an alias and the ARN of the same key count as different. `null`
   * (a rollback to the AWS managed key) sends `alias/aws/secretsmanager`, which DescribeSecret then
   * no longer reports as a KmsKeyId.
   */
  async changeKey(coordinate: string, change: KeyChange): Promise<KeyChangeResult> {
    const { DescribeSecretCommand, UpdateSecretCommand, TagResourceCommand, UntagResourceCommand } =
      this.#sdk;
    let described: DescribeSecretCommandOutput;
    try {
      described = await this.#client.send(new DescribeSecretCommand({ SecretId: coordinate }));
    } catch (err) {
      throw toStoreError(err, 'describe', coordinate);
    }
    if (described.DeletedDate) {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'write',
        kind: 'deleted-recoverable',
        coordinate,
        detail: 'scheduled for deletion',
      });
    }
    const result: KeyChangeResult = { key: 'not-requested', tags: 'not-requested' };
    if (described.KmsKeyId) result.kmsKeyId = described.KmsKeyId;
    try {
      if (change.kmsKeyId !== undefined) {
        const wanted = change.kmsKeyId ?? undefined;
        result.key = described.KmsKeyId === wanted ? 'unchanged' : 'changed';
        if (result.key === 'changed') {
          await this.#client.send(
            new UpdateSecretCommand({ SecretId: coordinate, KmsKeyId: wanted ?? AWS_MANAGED_KEY }),
          );
          if (described.KmsKeyId) result.previousKmsKeyId = described.KmsKeyId;
          if (wanted) result.kmsKeyId = wanted;
          else delete result.kmsKeyId;
        }
      }
      if (change.tags !== undefined) {
        const current = Object.fromEntries((described.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        const set = Object.entries(change.tags).filter(([k, v]) => current[k] !== v);
        const wanted = change.tags;
        const remove = change.replaceTags
          ? Object.keys(current).filter((k) => !Object.hasOwn(wanted, k))
          : [];
        if (set.length > 0) {
          const Tags = set.map(([Key, Value]) => ({ Key, Value }));
          await this.#client.send(new TagResourceCommand({ SecretId: coordinate, Tags }));
        }
        if (remove.length > 0)
          await this.#client.send(new UntagResourceCommand({ SecretId: coordinate, TagKeys: remove }));
        result.tags = set.length + remove.length > 0 ? 'changed' : 'unchanged';
      }
    } catch (err) {
      throw toStoreError(err, 'write', coordinate);
    }
    return result;
  }

  /** PutSecretValue when the value differs; identical values are not written again (no version churn). */
  async #update(coordinate: string, value: SecretValue, stored: SecretValue): Promise<WriteOutcome> {
    if (stored.equals(value)) return 'unchanged';
    const { PutSecretValueCommand } = this.#sdk;
    try {
      await this.#client.send(
        new PutSecretValueCommand({ SecretId: coordinate, SecretString: value.reveal() }),
      );
      return 'updated';
    } catch (err) {
      throw toStoreError(err, 'write', coordinate, value);
    }
  }

  /** A name in its recovery window: restore it and write, or report it (the default). */
  async #writeScheduled(coordinate: string, value: SecretValue): Promise<WriteOutcome> {
    if ((this.#settings.onScheduledDeletion ?? 'report') !== 'restore') {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'write',
        kind: 'deleted-recoverable',
        coordinate,
        detail:
          "scheduled for deletion; restore it (onScheduledDeletion: 'restore') or wait out the recovery window",
      });
    }
    const { RestoreSecretCommand } = this.#sdk;
    try {
      await this.#client.send(new RestoreSecretCommand({ SecretId: coordinate }));
    } catch (err) {
      throw toStoreError(err, 'restore', coordinate);
    }
    const restored = await this.#current(coordinate, 'write', coordinate);
    if (restored.state !== 'active') {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'restore',
        kind: 'transient',
        coordinate,
        detail: 'still not readable after RestoreSecret',
      });
    }
    // Restoring is itself a change, so an identical value still counts as updated.
    const outcome = await this.#update(coordinate, value, restored.value);
    return outcome === 'unchanged' ? 'updated' : outcome;
  }

  /**
   * A read as Airbyte makes it: through aws-secretsmanager-caching-java's `SecretCache`
   * (AwsSecretManagerPersistence.kt `getSecret`), whose `SecretCacheItem` calls DescribeSecret
   * and only then GetSecretValue. So a caller without secretsmanager:DescribeSecret fails here
   * as Airbyte would, and a name DescribeSecret does not find is not found.
   */
  async #readAsAirbyte(name: string, coordinate: string): Promise<Current> {
    const { DescribeSecretCommand } = this.#sdk;
    try {
      await this.#client.send(new DescribeSecretCommand({ SecretId: name }));
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return { state: 'absent' };
      // Reported as the read it is part of; a denial says which permission the read needs.
      const failure = toStoreError(err, 'read', coordinate);
      if (failure.kind !== 'permission-denied') throw failure;
      throw new StoreError({
        store: STORE_KIND,
        operation: 'read',
        kind: 'permission-denied',
        coordinate,
        detail: `Airbyte reads with DescribeSecret before GetSecretValue, so it needs secretsmanager:DescribeSecret: ${failure.detail ?? ''}`,
      });
    }
    return this.#current(name, 'read', coordinate);
  }

  /** GetSecretValue of an exact name; a name in its recovery window is told apart by DescribeSecret. */
  async #current(name: string, operation: StoreOperation, coordinate: string): Promise<Current> {
    const { GetSecretValueCommand } = this.#sdk;
    try {
      const out = await this.#client.send(new GetSecretValueCommand({ SecretId: name }));
      if (out.SecretString === undefined) {
        throw new StoreError({
          store: STORE_KIND,
          operation,
          kind: 'invalid',
          coordinate,
          detail: `${name} holds SecretBinary, not SecretString, so Airbyte cannot read it`,
        });
      }
      return { state: 'active', value: new SecretValue(out.SecretString) };
    } catch (err) {
      const code = errorName(err);
      if (code === 'ResourceNotFoundException') return { state: 'absent' };
      if (code === 'InvalidRequestException' && (await this.#scheduled(name, operation)))
        return { state: 'scheduled' };
      throw toStoreError(err, operation, coordinate);
    }
  }

  async #scheduled(name: string, operation: StoreOperation): Promise<boolean> {
    const { DescribeSecretCommand } = this.#sdk;
    try {
      const out = await this.#client.send(new DescribeSecretCommand({ SecretId: name }));
      return out.DeletedDate !== undefined;
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return false;
      throw toStoreError(err, operation, name);
    }
  }
}

/** Error codes that mean the caller lacks the right, or its credentials are not accepted. */
const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  // KMS refused to decrypt or encrypt for this caller.
  'DecryptionFailure',
  'EncryptionFailure',
  'CredentialsProviderError',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const TRANSIENT = new Set([
  'InternalServiceError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);
const KINDS: Record<string, StoreError['kind']> = {
  ResourceNotFoundException: 'not-found',
  ResourceExistsException: 'already-exists',
};

/**
 * The one translator from SDK failures to StoreError. It copies the error code, the HTTP status
 * and the service's message, never the SDK error (whose request holds the value being written).
 */
function toStoreError(
  err: unknown,
  operation: StoreOperation,
  coordinate?: string,
  written?: SecretValue,
): StoreError {
  if (err instanceof StoreError) return err;
  const name = errorName(err) ?? 'Error';
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const fault = (err as { $fault?: string } | null)?.$fault;
  const code = (err as { code?: unknown } | null)?.code;
  // Only a service's own message is copied; other errors may quote the request.
  const message = err instanceof Error && status !== undefined ? err.message : '';
  const detail = scrubDetail(
    [status, name, typeof code === 'string' ? code : undefined, message]
      .filter((x) => x !== undefined && x !== '')
      .join(' '),
    written,
  );
  const kind: StoreError['kind'] = DENIED.has(name)
    ? 'permission-denied'
    : THROTTLED.has(name) || status === 429
      ? 'throttled'
      : TRANSIENT.has(name) ||
          fault === 'server' ||
          (status !== undefined && status >= 500) ||
          isNetworkError(err)
        ? 'transient'
        : (KINDS[name] ?? 'invalid');
  const retryAfterMs = kind === 'throttled' ? retryAfter(err) : undefined;
  return new StoreError({
    store: STORE_KIND,
    operation,
    kind,
    ...(coordinate !== undefined ? { coordinate } : {}),
    detail,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function errorName(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** `x-amz-retry-after` (ms) or `Retry-After` (seconds or a date), where AWS sends one. */
function retryAfter(err: unknown): number | undefined {
  const headers =
    (err as { $response?: { headers?: Record<string, string> } } | null)?.$response?.headers ?? {};
  const ms = Number(headers['x-amz-retry-after']);
  if (Number.isFinite(ms) && ms > 0) return ms;
  return retryAfterHeaderMs(headers['retry-after']);
}
