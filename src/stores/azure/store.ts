import type { TokenCredential } from '@azure/identity';
import type { SecretClient } from '@azure/keyvault-secrets';
import { SecretValue } from '../../util/secret-value.js';
import {
  isNetworkError,
  kindOfHttpStatus,
  StoreError,
  type StoreErrorKind,
  type StoreOperation,
} from '../errors.js';
import { endpointIdentity } from '../identity.js';
import type { KeyChange, KeyChangeResult } from '../key-change.js';
import { retryAfterHeaderMs } from '../retry-after.js';
import type {
  DeleteOptions,
  DeleteOutcome,
  SecretDescription,
  SecretStore,
  StoreCapabilities,
  WriteOutcome,
} from '../types.js';
import { AZURE_CAPABILITIES } from './index.js';
import type { AzureStoreSettings } from './settings.js';

/**
 * Azure Key Vault secrets.
 *
 *   { kind: 'azure', vaultUrl: 'https://my-vault.vault.azure.net', tenantId, clientId,
 *     clientSecret: <AB_AZURE_KEY_VAULT_CLIENT_SECRET>, tags: { team: 'data' },
 *     onDeletedRecoverable: 'report' }
 *
 * Naming, as Airbyte's AzureKeyVaultPersistence does it: the secret name is the coordinate with
 * every `_` replaced by `-` (`airbyte-workspace-<uuid>-secret-<uuid>-v1`). That mapping loses
 * information (the UUIDs already hold `-`), so `list()` cannot undo it in general. It turns every
 * `-` back into `_` except inside UUID-shaped runs, which gives Airbyte's own layouts back exactly
 * (`airbyte-workspace-<uuid>-secret-<uuid>-v1` → `airbyte_workspace_<uuid>_secret_<uuid>_v1`, and
 * the `organization_`, `oauth_workspace_`, `rsm_ORGANIZATION_`, `storage_organization<uuid>`
 * prefixes alike); only a `-` that was a `-` outside a UUID (a custom prefix such as `my-team_`)
 * comes back as `_`. Whatever comes back maps to the same name again, so read/describe/delete find
 * it. Like Airbyte, we store nothing extra (no tag holding the coordinate).
 *
 * Writes read first and set nothing when the value is there; otherwise `setSecret` makes a new
 * version, with the configured tags, as Airbyte does. A name in the deleted-but-recoverable state
 * is recovered and then written (`onDeletedRecoverable: 'recover'`) or reported (the default).
 *
 * Delete is a soft delete (recoverable for the vault's retention) unless `hard`, which purges; before
 * anything is deleted, a hard delete checks the secret's `recoveryLevel` and refuses when purge
 * protection is on, so it never leaves a half-deleted secret behind on such a vault. (Airbyte
 * itself always purges, and so fails on purge-protected vaults.)
 *
 * The SDK retries nothing (`maxRetries: 0`); the limits wrapper retries `throttled` (with the
 * service's Retry-After) and `transient` errors.
 */

export const STORE_KIND = 'azure' as const;

export interface AzureStoreDeps {
  /** A credential to use instead of the settings' client secret or DefaultAzureCredential. */
  credential?: TokenCredential;
  /** Milliseconds between polls of a delete or recover. @default 2000 (the SDK's) */
  pollIntervalMs?: number;
}

const NAME = /^[0-9a-zA-Z-]{1,127}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID_RUN = new RegExp(`(${UUID})`, 'i');
const LIST_PAGE_SIZE = 25;

const EMULATOR_CREDENTIAL: TokenCredential = {
  getToken: async () => ({ token: 'emulator', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export async function createAzureKeyVaultStore(
  settings: AzureStoreSettings,
  deps: AzureStoreDeps = {},
): Promise<SecretStore> {
  const url = parseVaultUrl(settings);
  // Plain http is only ever an emulator (config allows it on loopback only): it takes any bearer
  // token, and a real one must never travel unencrypted, so no identity provider is asked.
  const credential =
    deps.credential ??
    (settings.allowInsecureConnection ? EMULATOR_CREDENTIAL : await newCredential(settings));
  const { SecretClient } = await import('@azure/keyvault-secrets');
  const client = new SecretClient(settings.vaultUrl, credential, {
    retryOptions: { maxRetries: 0 },
    ...(settings.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
    // The challenge names vault.azure.net (or a sovereign cloud's domain); an emulator on
    // loopback or plain http cannot match it.
    ...(settings.allowInsecureConnection || isLoopback(url.hostname)
      ? { disableChallengeResourceVerification: true }
      : {}),
  });
  return new AzureKeyVaultStore(client, settings, deps.pollIntervalMs ?? 2000);
}

function parseVaultUrl(settings: AzureStoreSettings): URL {
  const invalid = (detail: string) =>
    new StoreError({ store: STORE_KIND, operation: 'connect', kind: 'invalid', detail });
  let url: URL;
  try {
    url = new URL(settings.vaultUrl);
  } catch {
    throw invalid(`vault URL "${settings.vaultUrl}" is not a URL`);
  }
  if (url.protocol === 'http:' && !settings.allowInsecureConnection) {
    throw invalid('vault URL is plain http: only an emulator is reached that way (allowInsecureConnection)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('vault URL must be https://');
  return url;
}

async function newCredential(settings: AzureStoreSettings): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  if (settings.clientSecret) {
    if (!settings.tenantId || !settings.clientId) {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'connect',
        kind: 'invalid',
        detail: 'a client secret needs the tenant id and the client id as well',
      });
    }
    return new identity.ClientSecretCredential(
      settings.tenantId,
      settings.clientId,
      settings.clientSecret.reveal(),
    );
  }
  return new identity.DefaultAzureCredential({
    ...(settings.clientId ? { managedIdentityClientId: settings.clientId } : {}),
    ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
  });
}

class AzureKeyVaultStore implements SecretStore {
  readonly kind = STORE_KIND;
  readonly description: string;
  readonly identity: string;
  readonly capabilities: StoreCapabilities = AZURE_CAPABILITIES;
  readonly #client: SecretClient;
  readonly #settings: AzureStoreSettings;
  readonly #poll: { intervalInMs: number };

  constructor(client: SecretClient, settings: AzureStoreSettings, pollIntervalMs: number) {
    this.#client = client;
    this.#settings = settings;
    this.#poll = { intervalInMs: pollIntervalMs };
    this.description = `azure ${settings.vaultUrl}`;
    this.identity = `azure ${endpointIdentity(settings.vaultUrl)}`;
  }

  nameOf(coordinate: string): string {
    return coordinate.replaceAll('_', '-');
  }

  async read(coordinate: string): Promise<SecretValue | undefined> {
    const name = this.#checked(coordinate, 'read');
    try {
      const secret = await this.#client.getSecret(name);
      return new SecretValue(secret.value ?? '');
    } catch (err) {
      const e = toStoreError(err, 'read', coordinate);
      if (e.kind === 'not-found') return undefined;
      // A disabled secret exists but cannot be read, as Airbyte would find too.
      if (innerCode(err) === 'SecretDisabled') throw new StoreError({ ...fieldsOf(e), kind: 'not-found' });
      throw e;
    }
  }

  async write(coordinate: string, value: SecretValue): Promise<WriteOutcome> {
    // Values over maxValueBytes are refused by the limits wrapper, before any call.
    const name = this.#checked(coordinate, 'write');
    const current = await this.#readForWrite(name, coordinate);
    if (current.value?.equals(value)) return 'unchanged';
    try {
      await this.#set(name, value);
      return current.exists ? 'updated' : 'created';
    } catch (err) {
      const e = toStoreError(err, 'write', coordinate);
      if (e.kind !== 'deleted-recoverable') throw e;
      if ((this.#settings.onDeletedRecoverable ?? 'report') !== 'recover') {
        throw new StoreError({
          ...fieldsOf(e),
          detail: `${e.detail}; recover or purge it, or let this tool recover it (onDeletedRecoverable: recover)`,
        });
      }
    }
    await this.#recover(name, coordinate);
    const recovered = await this.#readForWrite(name, coordinate);
    if (recovered.value?.equals(value)) return 'unchanged';
    try {
      await this.#set(name, value);
    } catch (err) {
      throw toStoreError(err, 'write', coordinate);
    }
    return 'updated';
  }

  async delete(coordinate: string, options: DeleteOptions = {}): Promise<DeleteOutcome> {
    const name = this.#checked(coordinate, 'delete');
    if (options.hard) return this.#purge(name, coordinate);
    try {
      await (await this.#client.beginDeleteSecret(name, this.#poll)).pollUntilDone();
      return 'scheduled';
    } catch (err) {
      const e = toStoreError(err, 'delete', coordinate);
      if (e.kind !== 'not-found') throw e;
    }
    // Nothing live under the name: it may already be in its recovery window.
    return (await this.#deleted(name, coordinate, 'delete')) ? 'scheduled' : 'absent';
  }

  /** Recovers a soft-deleted name (Key Vault recover); `absent` when there is no deleted entry. */
  async restore(coordinate: string): Promise<'restored' | 'absent'> {
    const name = this.#checked(coordinate, 'restore');
    if (!(await this.#deleted(name, coordinate, 'restore'))) return 'absent';
    await this.#recover(name, coordinate);
    return 'restored';
  }

  async *list(): AsyncIterable<string> {
    const pages = this.#client.listPropertiesOfSecrets().byPage({ maxPageSize: LIST_PAGE_SIZE });
    for (;;) {
      let step: IteratorResult<{ name: string }[]>;
      try {
        step = await pages.next();
      } catch (err) {
        throw toStoreError(err, 'list');
      }
      if (step.done) return;
      for (const properties of step.value) {
        if (properties.name.toLowerCase().startsWith('airbyte-')) yield coordinateOf(properties.name);
      }
    }
  }

  async describe(coordinate: string): Promise<SecretDescription> {
    const name = this.#checked(coordinate, 'describe');
    let tags: Record<string, string> | undefined;
    let createdOn: Date | undefined;
    try {
      ({ tags, createdOn } = (await this.#client.getSecret(name)).properties);
    } catch (err) {
      const e = toStoreError(err, 'describe', coordinate);
      if (e.kind === 'not-found') {
        const deleted = await this.#deleted(name, coordinate, 'describe');
        if (!deleted) return { coordinate, name, state: 'absent' };
        return {
          coordinate,
          name,
          state: 'deleted-recoverable',
          ...(deleted.scheduledPurgeDate
            ? { scheduledPurgeAt: deleted.scheduledPurgeDate.toISOString() }
            : {}),
          ...(deleted.properties.tags ? { tags: { ...deleted.properties.tags } } : {}),
        };
      }
      if (innerCode(err) !== 'SecretDisabled') throw e;
    }
    let versionCount = 0;
    try {
      for await (const _ of this.#client.listPropertiesOfSecretVersions(name)) versionCount++;
    } catch (err) {
      throw toStoreError(err, 'describe', coordinate);
    }
    return {
      coordinate,
      name,
      state: 'active',
      versionCount,
      ...(tags ? { tags: { ...tags } } : {}),
      ...(createdOn ? { createdAt: createdOn.toISOString() } : {}),
    };
  }

  /**
   * Tags in place, for `rekey --tags`: Key Vault keeps tags on each version, and Airbyte's
   * `createSecret` (airbyte-config/config-secrets/.../AzureKeyVaultPersistence.kt) sets the parsed
   * AB_AZURE_KEY_VAULT_TAGS on the version it creates, which its reads then return. We set them on
   * that same current version with updateSecretProperties: no new version, so the value Airbyte
   * reads, the version id and its dates stay exactly as they are (a new version would copy the value
   * through this process and race a concurrent write). Tags are replaced as a whole map by the
   * service, so the kept ones are sent along unless `replaceTags`. A secret here has no encryption
   * key of its own (the vault's keys protect it), so a key change is refused.
   */
  async changeKey(coordinate: string, change: KeyChange): Promise<KeyChangeResult> {
    const name = this.#checked(coordinate, 'write');
    if (change.kmsKeyId !== undefined) {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'write',
        coordinate,
        kind: 'invalid',
        detail: 'a Key Vault secret has no encryption key of its own to change; only its tags',
      });
    }
    const result: KeyChangeResult = { key: 'not-requested', tags: 'not-requested' };
    if (change.tags === undefined) return result;
    let properties: { version?: string; tags?: Record<string, string> };
    try {
      properties = (await this.#client.getSecret(name)).properties;
    } catch (err) {
      throw toStoreError(err, 'write', coordinate);
    }
    const current = properties.tags ?? {};
    const wanted = change.replaceTags ? { ...change.tags } : { ...current, ...change.tags };
    const same =
      Object.keys(wanted).length === Object.keys(current).length &&
      Object.entries(wanted).every(([k, v]) => current[k] === v);
    result.tags = same ? 'unchanged' : 'changed';
    if (same) return result;
    try {
      await this.#client.updateSecretProperties(name, properties.version ?? '', { tags: wanted });
    } catch (err) {
      throw toStoreError(err, 'write', coordinate);
    }
    return result;
  }

  async close(): Promise<void> {
    // SecretClient holds no sockets of its own beyond the shared keep-alive agent.
  }

  #checked(coordinate: string, operation: StoreOperation): string {
    const name = this.nameOf(coordinate);
    if (!NAME.test(name)) {
      throw new StoreError({
        store: STORE_KIND,
        operation,
        coordinate,
        kind: 'invalid',
        detail: 'a Key Vault name is 1 to 127 characters from [0-9a-zA-Z-] (after _ becomes -)',
      });
    }
    return name;
  }

  async #set(name: string, value: SecretValue): Promise<void> {
    const tags = this.#settings.tags;
    await this.#client.setSecret(name, value.reveal(), tags && Object.keys(tags).length > 0 ? { tags } : {});
  }

  /** The current value; a disabled secret exists without one (a new enabled version repairs it). */
  async #readForWrite(name: string, coordinate: string): Promise<{ exists: boolean; value?: SecretValue }> {
    try {
      return { exists: true, value: new SecretValue((await this.#client.getSecret(name)).value ?? '') };
    } catch (err) {
      const e = toStoreError(err, 'write', coordinate);
      if (e.kind === 'not-found') return { exists: false };
      if (innerCode(err) === 'SecretDisabled') return { exists: true };
      throw e;
    }
  }

  async #recover(name: string, coordinate: string): Promise<void> {
    try {
      await (await this.#client.beginRecoverDeletedSecret(name, this.#poll)).pollUntilDone();
    } catch (err) {
      throw toStoreError(err, 'restore', coordinate);
    }
  }

  /** The deleted entry for a name, or undefined when there is none. */
  async #deleted(name: string, coordinate: string, operation: StoreOperation) {
    try {
      return await this.#client.getDeletedSecret(name);
    } catch (err) {
      const e = toStoreError(err, operation, coordinate);
      if (e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  /**
   * Hard delete. The secret's recoveryLevel says whether this vault lets anything be purged;
   * without "Purgeable" in it, purge protection is on and we stop before deleting anything.
   */
  async #purge(name: string, coordinate: string): Promise<DeleteOutcome> {
    let recoveryLevel: string | undefined;
    let live = true;
    try {
      recoveryLevel = (await this.#client.getSecret(name)).properties.recoveryLevel;
    } catch (err) {
      const e = toStoreError(err, 'delete', coordinate);
      if (e.kind !== 'not-found' && innerCode(err) !== 'SecretDisabled') throw e;
      if (e.kind === 'not-found') {
        live = false;
        const deleted = await this.#deleted(name, coordinate, 'delete');
        if (!deleted) return 'absent';
        recoveryLevel = deleted.properties.recoveryLevel;
      }
    }
    if (recoveryLevel && !recoveryLevel.includes('Purgeable')) {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'delete',
        coordinate,
        kind: 'permission-denied',
        detail:
          `purge protection is on for this vault (recoveryLevel ${recoveryLevel}), so a hard delete cannot purge; ` +
          'nothing was deleted. Delete without hard to put it in its recovery window',
      });
    }
    if (live) {
      try {
        await (await this.#client.beginDeleteSecret(name, this.#poll)).pollUntilDone();
      } catch (err) {
        const e = toStoreError(err, 'delete', coordinate);
        if (e.kind !== 'not-found') throw e;
      }
    }
    try {
      await this.#client.purgeDeletedSecret(name);
    } catch (err) {
      const e = toStoreError(err, 'delete', coordinate);
      // A vault without soft delete has nothing to purge after the delete.
      if (e.kind === 'not-found') return 'deleted';
      throw new StoreError({
        ...fieldsOf(e),
        detail: `${e.detail}; the secret is now soft-deleted (recoverable) but was not purged`,
      });
    }
    return 'deleted';
  }
}

/**
 * The coordinate for a Key Vault name: `-` becomes `_` everywhere but inside UUIDs (split() with a
 * capturing group puts the UUIDs at the odd indexes). `nameOf(coordinateOf(n)) === n` always.
 */
export function coordinateOf(name: string): string {
  return name
    .split(UUID_RUN)
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll('-', '_')))
    .join('');
}

interface HeaderReader {
  get(name: string): string | undefined;
}

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  name?: string;
  message?: string;
  details?: { error?: { code?: string; message?: string; innerError?: { code?: string } } };
  response?: { headers?: HeaderReader };
}

function innerCode(err: unknown): string | undefined {
  return (err as RestErrorLike | null)?.details?.error?.innerError?.code;
}

function fieldsOf(e: StoreError) {
  return {
    store: e.store,
    operation: e.operation,
    kind: e.kind,
    ...(e.coordinate !== undefined ? { coordinate: e.coordinate } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

function kindOf(status: number, inner: string | undefined): StoreErrorKind {
  return kindOfHttpStatus(
    status,
    inner === 'ObjectIsDeletedButRecoverable' ? 'deleted-recoverable' : 'transient',
  );
}

/**
 * The one translator from SDK failures to StoreError. It copies the status, the service's error
 * code and message and the Retry-After, never the request (which holds the value).
 */
export function toStoreError(err: unknown, operation: StoreOperation, coordinate?: string): StoreError {
  if (err instanceof StoreError) return err;
  const base = { store: STORE_KIND, operation, ...(coordinate !== undefined ? { coordinate } : {}) };
  const e = (err ?? {}) as RestErrorLike;
  if (typeof e.statusCode === 'number') {
    const body = e.details?.error;
    const code = body?.code ?? e.code;
    const inner = body?.innerError?.code;
    const message = body?.message ?? e.message?.split('\n')[0] ?? '';
    const kind = kindOf(e.statusCode, inner);
    const retryAfterMs =
      kind === 'throttled' || kind === 'transient' ? retryAfterOf(e.response?.headers) : undefined;
    return new StoreError({
      ...base,
      kind,
      detail: `${e.statusCode}${code ? ` ${code}` : ''}${inner ? `/${inner}` : ''}: ${message}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (isNetworkError(err) || e.code === 'REQUEST_SEND_ERROR') {
    return new StoreError({ ...base, kind: 'transient', detail: String(e.code) });
  }
  const message = e.message?.split('\n')[0] ?? String(err);
  // @azure/identity: CredentialUnavailableError, AuthenticationError, AggregateAuthenticationError.
  const auth = /Credential|Authentication/.test(e.name ?? '');
  return new StoreError({ ...base, kind: auth ? 'permission-denied' : 'invalid', detail: message });
}

/** `retry-after-ms`, `x-ms-retry-after-ms`, or `Retry-After` in seconds or as an HTTP date. */
function retryAfterOf(headers: HeaderReader | undefined): number | undefined {
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  return retryAfterHeaderMs(headers.get('retry-after'));
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}
