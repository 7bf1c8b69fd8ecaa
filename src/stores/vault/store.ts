import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { type ClientRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type NodeVault from 'node-vault';
import { SecretValue } from '../../util/secret-value.js';
import { isNetworkError, StoreError, type StoreOperation } from '../errors.js';
import { endpointIdentity, pathIdentity } from '../identity.js';
import { retryAfterHeaderMs } from '../retry-after.js';
import { scrubDetail } from '../scrub-detail.js';
import type {
  DeleteOutcome,
  SecretDescription,
  SecretStore,
  StoreCapabilities,
  StoreCheck,
  WriteOptions,
  WriteOutcome,
} from '../types.js';
import { VAULT_CAPABILITIES } from './index.js';
import type { VaultStoreSettings } from './settings.js';

/**
 * HashiCorp Vault with token auth, addressed exactly as Airbyte addresses it.
 *
 *   { kind: 'vault', address: 'http://airbyte-vault-svc:8200', token: <VAULT_AUTH_TOKEN>,
 *     prefix: 'secret/', namespace: 'team-a', kvVersion: 'auto' }
 *
 * Airbyte's `SystemVaultClient` (airbyte-config/config-secrets/.../persistence/VaultSecretPersistence.kt)
 * builds its vault-java-driver client with `engineVersion(2)`, whatever the mount is. The driver
 * (BetterCloud vault-java-driver 5.1.0, `LogicalUtilities.adjustPathForReadOrWrite`) splits
 * `VAULT_PREFIX` + coordinate on `/` (dropping empty segments) and puts `data` after the first
 * segment; writes send `{"data":{"value": <payload>}}` and reads take `data.data.value`
 * (`LogicalResponse.parseResponseData`). So prefix `secret/` and coordinate C live at
 * `/v1/secret/data/C`, prefix `kv/airbyte/` at `/v1/kv/data/airbyte/C` — and on a KV v1 mount
 * too, where that path is an ordinary key whose body is the same `{"data":{"value":…}}`. This
 * store writes, reads, lists and deletes at those paths on both mount versions, so its read-back
 * is Airbyte's read.
 *
 * Writes on KV v2 carry `options.cas` = the version just read (0 when there is none): a
 * concurrent writer is detected instead of overwritten. Airbyte sends no `cas` and ignores the
 * answer, so on a mount with `cas_required` every Airbyte write is lost: the store reports that as
 * `airbyteIncompatibility`. Delete is Vault's soft delete on KV v2 (`DELETE data/`, recoverable
 * with undelete); `hard` removes every version and the metadata. node-vault makes no retries of
 * its own; the limits wrapper retries `throttled` and `transient` errors, after the Retry-After of
 * a rate-limit quota's 429 when there is one (`keepingRetryAfter`).
 */

export const STORE_KIND = 'vault' as const;

export interface VaultStoreDeps {
  /** A ready node-vault client (endpoint, token and namespace already set). */
  client?: NodeVault.client;
}

const REQUEST_TIMEOUT_MS = 30_000;
const VALUE_KEY = 'value';

type Current =
  | { state: 'absent' }
  | { state: 'deleted'; version: number; destroyed: boolean }
  | { state: 'active'; version: number; value: SecretValue; createdTime?: string };

interface Layout {
  mount: string;
  /** Folder inside the mount that the prefix points into (`airbyte/` for `kv/airbyte/`). */
  dir: string;
  /** Rest of the prefix after that folder, put in front of every coordinate. */
  stem: string;
}

export async function createVaultStore(
  settings: VaultStoreSettings,
  deps: VaultStoreDeps = {},
): Promise<SecretStore> {
  const layout = layoutOf(settings.prefix);
  checkTransport(settings);
  const agents = deps.client
    ? undefined
    : { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const release = () => {
    agents?.http.destroy();
    agents?.https.destroy();
  };
  try {
    const client = keepingRetryAfter(deps.client ?? (await newClient(settings, agents)));
    const requested = settings.kvVersion ?? 'auto';
    const version = requested === 'auto' ? await detectKvVersion(client, layout.mount) : requested;
    const incompatibility = version === 2 ? await casRequiredProblem(client, layout.mount) : undefined;
    return new VaultStore(client, settings, layout, version, release, incompatibility);
  } catch (err) {
    release();
    throw err;
  }
}

class VaultStore implements SecretStore {
  readonly kind = STORE_KIND;
  readonly description: string;
  readonly identity: string;
  readonly capabilities: StoreCapabilities;
  readonly airbyteIncompatibility: string | undefined;
  readonly #client: NodeVault.client;
  readonly #prefix: string;
  readonly #layout: Layout;
  readonly #version: 1 | 2;
  readonly #release: () => void;
  readonly #settings: VaultStoreSettings;

  constructor(
    client: NodeVault.client,
    settings: VaultStoreSettings,
    layout: Layout,
    version: 1 | 2,
    release: () => void,
    incompatibility: string | undefined,
  ) {
    this.airbyteIncompatibility = incompatibility;
    this.#client = client;
    this.#prefix = settings.prefix;
    this.#layout = layout;
    this.#version = version;
    this.#release = release;
    this.#settings = settings;
    const ns = settings.namespace ? ` namespace ${settings.namespace}` : '';
    this.description = `vault ${settings.address} ${settings.prefix}${ns} (KV v${version})`;
    this.identity = `vault ${endpointIdentity(settings.address, '8200')} ${pathIdentity(settings.prefix)}${ns}`;
    this.capabilities = { ...VAULT_CAPABILITIES, versions: version === 2 };
  }

  nameOf(coordinate: string): string {
    return this.#prefix + coordinate;
  }

  async read(coordinate: string): Promise<SecretValue | undefined> {
    const current = await this.#current(coordinate, 'read');
    return current.state === 'active' ? current.value : undefined;
  }

  async write(coordinate: string, value: SecretValue, options: WriteOptions = {}): Promise<WriteOutcome> {
    // KV v2 with cas 0 creates only when the name has no version: one request instead of two.
    if (options.expectAbsent && this.#version === 2 && (await this.#createIfAbsent(coordinate, value))) {
      return 'created';
    }
    const current = await this.#current(coordinate, 'write');
    if (current.state === 'active' && current.value.equals(value)) return 'unchanged';
    const data = { [VALUE_KEY]: value.reveal() };
    try {
      // Both mount versions get Airbyte's body at Airbyte's path; only KV v2 knows `cas`.
      if (this.#version === 1) await this.#client.write(this.#path(coordinate, 'data'), { data });
      else {
        const cas = current.state === 'absent' ? 0 : current.version;
        await this.#client.write(this.#path(coordinate, 'data'), { data, options: { cas } });
      }
    } catch (err) {
      throw toStoreError(err, 'write', coordinate, value);
    }
    return current.state === 'absent' ? 'created' : 'updated';
  }

  /** True when written; false when the name has a version (the check-and-set refused). */
  async #createIfAbsent(coordinate: string, value: SecretValue): Promise<boolean> {
    try {
      await this.#client.write(this.#path(coordinate, 'data'), {
        data: { [VALUE_KEY]: value.reveal() },
        options: { cas: 0 },
      });
      return true;
    } catch (err) {
      const response = responseOf(err);
      const message = firstOf(at(response?.body, 'errors'));
      if (response?.status === 400 && message?.includes('did not match the current version')) return false;
      throw toStoreError(err, 'write', coordinate, value);
    }
  }

  async delete(coordinate: string, options: { hard?: boolean } = {}): Promise<DeleteOutcome> {
    const current = await this.#current(coordinate, 'delete');
    if (current.state === 'absent') return 'absent';
    try {
      if (this.#version === 1) {
        await this.#client.delete(this.#path(coordinate, 'data'));
        return 'deleted';
      }
      if (options.hard) {
        await this.#client.delete(this.#path(coordinate, 'metadata'));
        return 'deleted';
      }
      if (current.state === 'active') await this.#client.delete(this.#path(coordinate, 'data'));
      return 'scheduled';
    } catch (err) {
      throw toStoreError(err, 'delete', coordinate);
    }
  }

  async *list(): AsyncIterable<string> {
    const { mount, dir, stem } = this.#layout;
    const folder = this.#version === 2 ? `${mount}/metadata/${dir}` : `${mount}/data/${dir}`;
    let body: unknown;
    try {
      body = await this.#client.list(encodePath(folder));
    } catch (err) {
      // Vault answers an empty folder with 404.
      if (responseOf(err)?.status === 404 && isPlainNotFound(responseOf(err)?.body)) return;
      throw toStoreError(err, 'list');
    }
    const keys = at(body, 'data', 'keys');
    // Vault's LIST has no pagination: one answer holds the whole folder.
    for (const key of Array.isArray(keys) ? keys : []) {
      if (typeof key !== 'string' || key.endsWith('/') || !key.startsWith(stem)) continue;
      const coordinate = key.slice(stem.length);
      if (coordinate.startsWith('airbyte_')) yield coordinate;
    }
  }

  async describe(coordinate: string): Promise<SecretDescription> {
    const current = await this.#current(coordinate, 'describe');
    const state =
      current.state === 'active'
        ? 'active'
        : current.state === 'deleted' && !current.destroyed
          ? 'deleted-recoverable'
          : 'absent';
    const createdAt = current.state === 'active' ? await this.#createdAt(coordinate, current) : undefined;
    return { coordinate, name: this.nameOf(coordinate), state, ...(createdAt ? { createdAt } : {}) };
  }

  /**
   * KV v2: the secret's `created_time` from its metadata (when its first version was written). A
   * token that may not read metadata gets the current version's `created_time`, which is the same
   * for a secret written once. KV v1 keeps no times.
   */
  async #createdAt(coordinate: string, current: Current & { state: 'active' }): Promise<string | undefined> {
    if (this.#version !== 2) return undefined;
    try {
      const body: unknown = await this.#client.read(this.#path(coordinate, 'metadata'));
      return isoTimeOf(at(body, 'data', 'created_time')) ?? current.createdTime;
    } catch (err) {
      const e = toStoreError(err, 'describe', coordinate);
      if (e.kind === 'permission-denied' || e.kind === 'not-found') return current.createdTime;
      throw e;
    }
  }

  /**
   * The server answers (`sys/health`), the token is accepted (`auth/token/lookup-self`, which
   * Vault's default policy grants every token), and the prefix's mount exists with its KV version.
   * A wrong token still opens the store (the mount pre-flight answers 403 to it as to a policy
   * without `sys/internal/ui/mounts`), so this is where it is caught. A first failure ends the
   * list: what follows it would fail for the same reason.
   */
  async preflight(): Promise<StoreCheck[]> {
    const address = this.#settings.address;
    const checks: StoreCheck[] = [];
    try {
      // A standby (429) or performance standby (473) serves too: only sealed or down fails.
      const health: unknown = await patiently(() =>
        this.#client.read('sys/health?standbyok=true&perfstandbyok=true'),
      );
      const version = at(health, 'version');
      checks.push({
        name: 'reachable',
        ok: true,
        detail: `${address} answers${typeof version === 'string' ? ` (Vault ${version})` : ''}, unsealed`,
      });
    } catch (err) {
      checks.push({
        name: 'reachable',
        ok: false,
        blocking: true,
        detail: `${address}: ${toStoreError(err, 'connect').message}`,
        fix: 'check --vault-address (VAULT_ADDRESS), the network path, and that Vault is unsealed',
      });
      return checks;
    }
    try {
      const body: unknown = await patiently(() => this.#client.tokenLookupSelf());
      const policies = at(body, 'data', 'policies');
      const ttl = Number(at(body, 'data', 'ttl') ?? 0);
      const names = Array.isArray(policies) ? policies.filter((p) => typeof p === 'string').join(', ') : '';
      const expiry = ttl > 0 ? `expires in ${formatSeconds(ttl)}` : 'does not expire';
      checks.push({
        name: 'token',
        ok: true,
        detail: `accepted${names ? ` (policies ${names})` : ''}, ${expiry}`,
      });
    } catch (err) {
      const e = toStoreError(err, 'connect');
      const refused = e.kind === 'permission-denied';
      if (refused && (await this.#answersUnderPrefix())) {
        // A token made without the default policy may not look itself up, yet works.
        checks.push({
          name: 'token',
          ok: true,
          detail: 'accepted (its policy does not grant auth/token/lookup-self)',
        });
        checks.push(await this.#mountCheck());
        return checks;
      }
      checks.push({
        name: 'token',
        ok: false,
        blocking: true,
        detail: refused
          ? `${address} refuses the token (${e.detail ?? '403'}): it is wrong, expired or revoked (or its policy grants neither auth/token/lookup-self nor ${this.#prefix})`
          : e.message,
        fix: `set a valid token: VAULT_AUTH_TOKEN, --vault-token, or the auth token key of the Secret manifest${this.#settings.namespace ? ` (for namespace ${this.#settings.namespace})` : ''}`,
      });
      return checks;
    }
    checks.push(await this.#mountCheck());
    return checks;
  }

  /** Whether the token may read under the prefix (a name that is not there answers 404, not 403). */
  async #answersUnderPrefix(): Promise<boolean> {
    try {
      await patiently(() => this.#client.read(this.#path('airbyte_secrets_probe', 'data')));
      return true;
    } catch (err) {
      const response = responseOf(err);
      return response?.status === 404 && isPlainNotFound(response.body);
    }
  }

  async #mountCheck(): Promise<StoreCheck> {
    const { mount } = this.#layout;
    const name = `mount ${mount}/`;
    const fix = `enable it (vault secrets enable -path=${mount} kv-v2) or fix the prefix (--vault-prefix, VAULT_PREFIX; now ${this.#prefix})`;
    try {
      const body: unknown = await patiently(() =>
        this.#client.read(`sys/internal/ui/mounts/${encodePath(mount)}`),
      );
      const type = at(body, 'data', 'type');
      if (type !== 'kv' && type !== 'generic') {
        return { name, ok: false, blocking: true, detail: `is a ${String(type)} engine, not KV`, fix };
      }
      const found = String(at(body, 'data', 'options', 'version') ?? '') === '2' ? 2 : 1;
      if (found !== this.#version) {
        return {
          name,
          ok: false,
          detail: `is KV v${found}, but the store was opened as KV v${this.#version}`,
          fix: "leave the KV version to detection ('auto')",
        };
      }
      return { name, ok: true, detail: `exists, KV v${found}` };
    } catch (err) {
      if (responseOf(err)?.status !== 403)
        return { name, ok: false, blocking: true, detail: toStoreError(err, 'connect').message, fix };
    }
    // Vault answers 403 for a mount that is not there as for one the policy hides: ask the mount itself.
    try {
      await patiently(() => this.#client.read(this.#path('airbyte_secrets_probe', 'data')));
      return { name, ok: true, detail: `exists (KV v${this.#version} assumed, as Airbyte does)` };
    } catch (err) {
      const response = responseOf(err);
      const message = firstOf(at(response?.body, 'errors')) ?? '';
      if (response?.status === 404 && /no handler for route|route entry not found/.test(message)) {
        return {
          name,
          ok: false,
          blocking: true,
          detail: `does not exist on ${this.#settings.address}`,
          fix,
        };
      }
      if (response?.status === 404)
        return { name, ok: true, detail: `exists (KV v${this.#version} assumed, as Airbyte does)` };
      const e = toStoreError(err, 'read');
      return {
        name,
        ok: false,
        blocking: true,
        detail: `cannot be seen by this token (${e.detail ?? e.kind}): it does not exist or the policy denies it`,
        fix: `grant read on sys/internal/ui/mounts/${mount} and on ${mount}/data/*, or ${fix}`,
      };
    }
  }

  async close(): Promise<void> {
    this.#release();
  }

  /**
   * `<mount>/<area>/<dir><stem><coordinate>`, URL-encoded per segment. `<stem><coordinate>` is ONE
   * segment whatever the coordinate holds (a `/` in it is encoded, never a separator), and a
   * coordinate that would make it `.` or `..` is refused: it must not step out of VAULT_PREFIX.
   */
  #path(coordinate: string, area: 'data' | 'metadata'): string {
    const { mount, dir, stem } = this.#layout;
    const name = `${stem}${coordinate}`;
    if (name === '' || name === '.' || name === '..') {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'read',
        kind: 'invalid',
        coordinate,
        detail: 'the coordinate would leave VAULT_PREFIX',
      });
    }
    return [encodePath(`${mount}/${area}/${dir}`.replace(/\/$/, '')), encodeURIComponent(name)].join('/');
  }

  /** Reads the current version; a 404 is absent, or deleted when its body carries the version's metadata. */
  async #current(coordinate: string, operation: StoreOperation): Promise<Current> {
    const v2 = this.#version === 2;
    try {
      const body: unknown = await this.#client.read(this.#path(coordinate, 'data'));
      // KV v2 wraps the secret in `data.data`; on KV v1 that same shape is the key's own body.
      const value = at(body, 'data', 'data', VALUE_KEY);
      if (typeof value !== 'string') {
        throw new StoreError({
          store: STORE_KIND,
          operation,
          kind: 'invalid',
          coordinate,
          detail: `the secret has no string "${VALUE_KEY}" key, so Airbyte cannot read it either`,
        });
      }
      const version = v2 ? Number(at(body, 'data', 'metadata', 'version') ?? 0) : 0;
      const createdTime = v2 ? isoTimeOf(at(body, 'data', 'metadata', 'created_time')) : undefined;
      return {
        state: 'active',
        version,
        value: new SecretValue(value),
        ...(createdTime ? { createdTime } : {}),
      };
    } catch (err) {
      const response = responseOf(err);
      if (response?.status === 404) {
        const metadata = at(response.body, 'data', 'metadata');
        const deletedAt = at(metadata, 'deletion_time');
        const destroyed = at(metadata, 'destroyed') === true;
        if (metadata && ((typeof deletedAt === 'string' && deletedAt !== '') || destroyed)) {
          return { state: 'deleted', version: Number(at(metadata, 'version') ?? 0), destroyed };
        }
        if (isPlainNotFound(response.body)) return { state: 'absent' };
      }
      throw toStoreError(err, operation, coordinate);
    }
  }
}

/**
 * The preflight's few calls bypass the limits wrapper, so they retry a reset, a 5xx or a 429
 * themselves (four tries, 100 ms doubling): one blip must not stop a migration.
 */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 4 || !toStoreError(err, 'connect').retryable) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
    }
  }
}

function formatSeconds(seconds: number): string {
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)} d`;
  if (seconds >= 3_600) return `${Math.floor(seconds / 3_600)} h`;
  return `${Math.max(1, Math.floor(seconds / 60))} min`;
}

/** Vault's RFC 3339 times (nanosecond precision) as ISO 8601; empty or unparsable gives undefined. */
function isoTimeOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/**
 * The one translator from node-vault failures to StoreError. It copies the status and Vault's
 * first error line only: the axios error behind a network failure holds the request body.
 */
function toStoreError(
  err: unknown,
  operation: StoreOperation,
  coordinate?: string,
  written?: SecretValue,
): StoreError {
  if (err instanceof StoreError) return err;
  const base = { store: STORE_KIND, operation, ...(coordinate !== undefined ? { coordinate } : {}) };
  const response = responseOf(err);
  if (response) {
    const message = firstOf(at(response.body, 'errors')) ?? firstOf(at(response.body, 'warnings'));
    const detail = scrubDetail(message ? `${response.status} ${message}` : String(response.status), written);
    const status = response.status;
    if (status === 403) return new StoreError({ ...base, kind: 'permission-denied', detail });
    // Vault's rate-limit quotas send Retry-After with their 429, which node-vault drops: see
    // `keepingRetryAfter`, which keeps it for this error so the limits wrapper waits that long.
    const retryAfterMs =
      status === 429 || status >= 500 ? retryAfterHeaderMs(retryAfterOf.get(err as object)) : undefined;
    const after = retryAfterMs !== undefined ? { retryAfterMs } : {};
    if (status === 429) return new StoreError({ ...base, kind: 'throttled', detail, ...after });
    if (status === 404) return new StoreError({ ...base, kind: message ? 'invalid' : 'not-found', detail });
    // A concurrent writer moved the version between our read and our write: read again and retry.
    if (status === 400 && message?.includes('did not match the current version')) {
      return new StoreError({ ...base, kind: 'transient', detail });
    }
    if (status === 412) return new StoreError({ ...base, kind: 'transient', detail });
    if (status >= 500) return new StoreError({ ...base, kind: 'transient', detail, ...after });
    return new StoreError({ ...base, kind: 'invalid', detail });
  }
  const code = (err as { code?: unknown } | null)?.code;
  const name = err instanceof Error ? err.name : typeof err;
  const detail = typeof code === 'string' ? `${name} ${code}` : name;
  return new StoreError({ ...base, kind: isNetworkError(err) ? 'transient' : 'invalid', detail });
}

/**
 * A KV v2 mount whose config sets `cas_required` refuses every write without `options.cas`, and
 * Airbyte's `VaultClient.createSecret` sends none and only logs the 400: Airbyte would lose every
 * secret it saves there. Unknown (no problem reported) when the token may not read the config.
 */
async function casRequiredProblem(client: NodeVault.client, mount: string): Promise<string | undefined> {
  try {
    const body: unknown = await client.read(`${encodePath(mount)}/config`);
    if (at(body, 'data', 'cas_required') !== true) return undefined;
    return (
      `Vault mount ${mount}/ has cas_required set: Airbyte writes without check-and-set and ` +
      `ignores the refusal, so every secret it saves there is lost. ` +
      `Turn it off (vault write ${mount}/config cas_required=false) or use another mount.`
    );
  } catch (err) {
    const status = responseOf(err)?.status;
    if (status === 403 || status === 404 || status === 405) return undefined;
    throw toStoreError(err, 'connect');
  }
}

/** KV version of the mount from `sys/internal/ui/mounts/<mount>` (the Vault CLI's pre-flight). */
async function detectKvVersion(client: NodeVault.client, mount: string): Promise<1 | 2> {
  try {
    const body: unknown = await client.read(`sys/internal/ui/mounts/${encodePath(mount)}`);
    const type = at(body, 'data', 'type');
    if (type !== 'kv' && type !== 'generic') {
      throw new StoreError({
        store: STORE_KIND,
        operation: 'connect',
        kind: 'invalid',
        detail: `mount ${mount}/ is a ${String(type)} engine, not KV`,
      });
    }
    return String(at(body, 'data', 'options', 'version') ?? '') === '2' ? 2 : 1;
  } catch (err) {
    const status = responseOf(err)?.status;
    // The pre-flight may be denied by policy; Airbyte itself always assumes KV v2.
    if (status === 403) return 2;
    // Vault releases before KV v2 did not have this endpoint (the Vault CLI's reading too).
    if (status === 404) return 1;
    throw toStoreError(err, 'connect');
  }
}

/**
 * node-vault (0.12, over axios) keeps only the status and the body of Vault's answer: its
 * `ApiResponseError.response` has no headers, and of our request options only the timeout and
 * the agents reach axios. So the Retry-After of a 429 (or 503) is read where Node's HTTP client
 * publishes every answer, the `http.client.response.finish` diagnostics channel, for the
 * request started inside this client's call (AsyncLocalStorage: many calls share one agent),
 * and kept beside that call's error for `toStoreError`. Only these calls are looked at: any other
 * HTTP client in the process starts its requests outside the call's context.
 */
function keepingRetryAfter(client: NodeVault.client): NodeVault.client {
  listenForAnswers();
  const request = client.request;
  client.request = (options) => {
    const answer: Answer = { retryAfter: undefined };
    return answers
      .run(answer, () => request(options))
      .catch((err: unknown) => {
        if (answer.retryAfter !== undefined && typeof err === 'object' && err !== null)
          retryAfterOf.set(err, answer.retryAfter);
        throw err;
      });
  };
  return client;
}

/** The Retry-After of the last answer to a call's request (a redirect makes a second one). */
interface Answer {
  retryAfter: string | undefined;
}
const answers = new AsyncLocalStorage<Answer>();
const answerOfRequest = new WeakMap<ClientRequest, Answer>();
const retryAfterOf = new WeakMap<object, string>();
let listening = false;

function listenForAnswers(): void {
  if (listening) return;
  listening = true;
  subscribe('http.client.request.start', (message) => {
    const answer = answers.getStore();
    const { request } = message as { request: ClientRequest };
    if (answer) answerOfRequest.set(request, answer);
  });
  subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const answer = answerOfRequest.get(request);
    if (!answer) return;
    const header = response.headers['retry-after'];
    answer.retryAfter = Array.isArray(header) ? header[0] : header;
  });
}

async function newClient(
  settings: VaultStoreSettings,
  agents: { http: HttpAgent; https: HttpsAgent } | undefined,
): Promise<NodeVault.client> {
  const { default: vault } = await import('node-vault');
  const client = vault({
    endpoint: settings.address,
    token: settings.token.reveal(),
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    // node-vault logs every body it writes through `debug` when DEBUG names it: never.
    debug: () => undefined,
    requestOptions: { timeout: REQUEST_TIMEOUT_MS, httpAgent: agents?.http, httpsAgent: agents?.https },
  });
  // node-vault falls back to VAULT_PREFIX, VAULT_TOKEN and VAULT_NAMESPACE from the environment
  // for empty options; VAULT_PREFIX is also Airbyte's name for the prefix, which we add ourselves.
  Object.assign(client, {
    pathPrefix: '',
    token: settings.token.reveal(),
    namespace: settings.namespace ?? '',
  });
  return client;
}

/**
 * Plain http carries the token and every value unencrypted: only to this machine (an emulator, a
 * port-forward), or when the operator says so.
 */
function checkTransport(settings: VaultStoreSettings): void {
  let url: URL;
  try {
    url = new URL(settings.address);
  } catch {
    throw new StoreError({
      store: STORE_KIND,
      operation: 'connect',
      kind: 'invalid',
      detail: 'the address is not a URL',
    });
  }
  if (url.protocol !== 'http:' || isLoopback(url.hostname) || settings.allowInsecureHttp) return;
  throw new StoreError({
    store: STORE_KIND,
    operation: 'connect',
    kind: 'invalid',
    detail: `${url.host} over plain http would carry the token and every value unencrypted: use https, or --allow-insecure-http`,
  });
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function layoutOf(prefix: string): Layout {
  // The driver tokenises on '/', so empty segments (a leading '/', '//') do not exist for Airbyte.
  const normalized = prefix.replace(/\/{2,}/g, '/').replace(/^\//, '');
  const slash = normalized.indexOf('/');
  if (slash <= 0) {
    throw new StoreError({
      store: STORE_KIND,
      operation: 'connect',
      kind: 'invalid',
      detail: `VAULT_PREFIX "${prefix}" must start with a mount and a '/', e.g. secret/`,
    });
  }
  const inner = normalized.slice(slash + 1);
  const lastSlash = inner.lastIndexOf('/');
  return {
    mount: normalized.slice(0, slash),
    dir: inner.slice(0, lastSlash + 1),
    stem: inner.slice(lastSlash + 1),
  };
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function responseOf(err: unknown): { status: number; body: unknown } | undefined {
  const response = (err as { response?: { statusCode?: unknown; body?: unknown } } | null)?.response;
  return typeof response?.statusCode === 'number'
    ? { status: response.statusCode, body: response.body }
    : undefined;
}

/** Vault's not-found: 404 with `{"errors":[]}` (no message, no warnings, no deleted metadata). */
function isPlainNotFound(body: unknown): boolean {
  const errors = at(body, 'errors');
  const warnings = at(body, 'warnings');
  return (
    (!Array.isArray(errors) || errors.length === 0) && (!Array.isArray(warnings) || warnings.length === 0)
  );
}

function firstOf(list: unknown): string | undefined {
  return Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined;
}

function at(value: unknown, ...keys: string[]): unknown {
  let cur = value;
  for (const key of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
