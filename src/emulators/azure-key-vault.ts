import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  EmulatorControls,
  type EmulatorOptions,
  type FaultOptions,
  listenHttp,
  type QuotaRule,
  type RunningEmulator,
} from './harness.js';

/**
 * Azure Key Vault secrets over REST, for `@azure/keyvault-secrets` with
 * `allowInsecureConnection: true` (or HTTPS via `options.tls`) and
 * `disableChallengeResourceVerification: true` (the challenge names vault.azure.net, which
 * 127.0.0.1 is not).
 *
 * What it reproduces, because the SDK or callers depend on it:
 * - the 401 bearer challenge for any request without a token (the SDK's first request, sent with
 *   its body stripped), then any bearer token is accepted;
 * - `api-version` on every request, given percent-encoded (`api%2Dversion`);
 * - absolute `id`, `recoveryId` and `nextLink` URLs on this emulator's own origin (the SDK takes
 *   the name, version and vault URL from `id`), times in epoch seconds, 32-hex versions;
 * - soft delete: DELETE moves every version to the deleted store (recoverable for
 *   `recoverableDays`); setting that name again is 409 `ObjectIsDeletedButRecoverable`; purge is
 *   403 with the real message under purge protection;
 * - the deleted entry (after a delete) and the live one (after a recover) appear only after
 *   `pendingPolls` GETs, so the SDK's long-running pollers really poll;
 * - per-vault quotas as token buckets (AZURE_DEFAULT_QUOTA), answered 429 `Throttled` with
 *   `Retry-After` in whole seconds.
 */

export type AzureQuotaClass = 'create' | 'other';

/**
 * Published per-vault limits (learn.microsoft.com/azure/key-vault/general/service-limits): secret
 * CREATE (a PUT here) 300 per 10 s, all other transactions 4,000 per 10 s. Each bucket holds ten
 * seconds' worth and refills at a tenth of that per second.
 */
export const AZURE_DEFAULT_QUOTA: Record<AzureQuotaClass, QuotaRule> = {
  create: { rate: 30, burst: 300 },
  other: { rate: 400, burst: 4_000 },
};

export const AZURE_API_VERSIONS = [
  '7.0',
  '7.1',
  '7.2',
  '7.3',
  '7.4',
  '7.5',
  '7.6',
  '2025-07-01',
  '2026-04-01',
];

export interface AzureKeyVaultEmulatorOptions extends EmulatorOptions {
  /** Purge is refused (403) and bundles say `recoveryLevel: Recoverable`. */
  purgeProtection?: boolean;
  /** Secret names (case-insensitive) for which every call is 403 `ForbiddenByRbac`. */
  deniedNames?: string[];
  /** Days a deleted secret stays recoverable. @default 90 */
  recoverableDays?: number;
  /** GETs that still answer 404 right after a delete or a recover. @default 1 */
  pendingPolls?: number;
  /** Tenant named in the challenge. @default a fixed test GUID */
  tenantId?: string;
}

/** What the emulator holds for one name, for tests to look at. */
export interface AzureSecretSnapshot {
  name: string;
  state: 'active' | 'deleted';
  versions: number;
  tags: Record<string, string>;
  contentType?: string;
}

export interface RunningAzureKeyVaultEmulator extends RunningEmulator {
  readonly tenantId: string;
  inspect(name: string): AzureSecretSnapshot | undefined;
  /** From now on every call on this name (case-insensitive) is 403 ForbiddenByRbac. */
  deny(name: string): void;
  /** Caps list pages at `size` whatever the client asks (undefined: no cap), as the service may. */
  setPageSize(size: number | undefined): void;
}

interface Version {
  id: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

interface Secret {
  name: string;
  versions: Version[];
  /** GETs of the live name that still answer 404 (just recovered). */
  pending: number;
}

interface DeletedSecret {
  secret: Secret;
  deletedDate: number;
  scheduledPurgeDate: number;
  /** GETs of the deleted entry that still answer 404 (just deleted). */
  pending: number;
}

class KvError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly inner?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const NAME_RE = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION_RE = /^[0-9a-f]{32}$/;
const MAX_VALUE_BYTES = 25 * 1024;
const MAX_TAGS = 15;
const MAX_PAGE = 25;
const DEFAULT_TENANT = '72f988bf-0000-4000-8000-00000000e1a7';
const VAULT_NAME = 'emulator';

type Operation =
  | 'SetSecret'
  | 'GetSecret'
  | 'GetSecretVersions'
  | 'GetSecrets'
  | 'UpdateSecret'
  | 'DeleteSecret'
  | 'GetDeletedSecrets'
  | 'GetDeletedSecret'
  | 'PurgeDeletedSecret'
  | 'RecoverDeletedSecret';

/** The RBAC data action each operation needs, for the 403 message. */
const ACTIONS: Record<Operation, string> = {
  SetSecret: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
  GetSecret: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  GetSecretVersions: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  GetSecrets: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  UpdateSecret: 'Microsoft.KeyVault/vaults/secrets/update/action',
  DeleteSecret: 'Microsoft.KeyVault/vaults/secrets/delete',
  GetDeletedSecrets: 'Microsoft.KeyVault/vaults/deletedSecrets/read',
  GetDeletedSecret: 'Microsoft.KeyVault/vaults/deletedSecrets/read',
  PurgeDeletedSecret: 'Microsoft.KeyVault/vaults/deletedSecrets/delete',
  RecoverDeletedSecret: 'Microsoft.KeyVault/vaults/deletedSecrets/recover/action',
};

interface Route {
  operation: Operation;
  name?: string;
  version?: string;
}

/** Maps method and path to an operation; undefined for anything the emulator does not serve. */
function route(method: string, path: string): Route | undefined {
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const [collection, name, rest, extra] = parts;
  if (collection === 'secrets') {
    if (name === undefined || name === '') return method === 'GET' ? { operation: 'GetSecrets' } : undefined;
    if (rest === 'versions' && extra === undefined && method === 'GET')
      return { operation: 'GetSecretVersions', name };
    if (extra !== undefined) return undefined;
    const version = rest ?? '';
    if (method === 'PUT' && rest === undefined) return { operation: 'SetSecret', name };
    if (method === 'DELETE' && rest === undefined) return { operation: 'DeleteSecret', name };
    if (method === 'GET') return { operation: 'GetSecret', name, version };
    if (method === 'PATCH') return { operation: 'UpdateSecret', name, version };
    return undefined;
  }
  if (collection === 'deletedsecrets') {
    if (name === undefined || name === '')
      return method === 'GET' ? { operation: 'GetDeletedSecrets' } : undefined;
    if (rest === 'recover' && extra === undefined && method === 'POST') {
      return { operation: 'RecoverDeletedSecret', name };
    }
    if (rest !== undefined) return undefined;
    if (method === 'GET') return { operation: 'GetDeletedSecret', name };
    if (method === 'DELETE') return { operation: 'PurgeDeletedSecret', name };
  }
  return undefined;
}

export async function startAzureKeyVaultEmulator(
  options: AzureKeyVaultEmulatorOptions = {},
): Promise<RunningAzureKeyVaultEmulator> {
  const controls = new EmulatorControls(options, AZURE_DEFAULT_QUOTA);
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  const recoverableDays = options.recoverableDays ?? 90;
  const pendingPolls = options.pendingPolls ?? 1;
  const recoveryLevel = options.purgeProtection ? 'Recoverable' : 'Recoverable+Purgeable';
  const denied = new Set((options.deniedNames ?? []).map((n) => n.toLowerCase()));
  const active = new Map<string, Secret>();
  const deleted = new Map<string, DeletedSecret>();
  let serverErrors = 0;
  let pageCap: number | undefined;

  const epoch = () => Math.floor(Date.now() / 1000);
  const attributes = (v: Version) => ({
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    recoveryLevel,
    recoverableDays,
  });
  const common = (v: Version) => ({
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    attributes: attributes(v),
  });
  const bundle = (origin: string, s: Secret, v: Version, withValue: boolean) => ({
    ...(withValue ? { value: v.value } : {}),
    id: `${origin}/secrets/${s.name}/${v.id}`,
    ...common(v),
  });
  const deletedFields = (origin: string, d: DeletedSecret) => ({
    recoveryId: `${origin}/deletedsecrets/${d.secret.name}`,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  });

  function notFound(name: string, version?: string): KvError {
    const what = version ? `${name}/${version}` : name;
    return new KvError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${what} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  }

  const deletedNotFound = (name: string) =>
    new KvError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);

  /** A live secret by name; a just-recovered one answers 404 for its pending GETs. */
  function live(name: string, countsAsPoll: boolean): Secret {
    const s = active.get(name.toLowerCase());
    if (!s) throw notFound(name);
    if (s.pending > 0) {
      if (countsAsPoll) s.pending--;
      throw notFound(name);
    }
    return s;
  }

  function page<T>(
    items: T[],
    origin: string,
    path: string,
    query: URLSearchParams,
    apiVersion: string,
  ): { items: T[]; nextLink: string | null } {
    const raw = query.get('maxresults');
    const size = raw === null ? MAX_PAGE : Number(raw);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
      throw new KvError(400, 'BadParameter', `The value of maxresults must be between 1 and ${MAX_PAGE}.`);
    }
    const token = query.get('$skiptoken');
    let start = 0;
    if (token) {
      const parsed = Number(Buffer.from(token, 'base64url').toString('utf8'));
      if (!Number.isInteger(parsed) || parsed < 0)
        throw new KvError(400, 'BadParameter', 'Invalid $skiptoken.');
      start = parsed;
    }
    const end = start + Math.min(size, pageCap ?? size);
    const nextLink =
      end < items.length
        ? `${origin}${path}?api-version=${apiVersion}&$skiptoken=${Buffer.from(String(end)).toString('base64url')}&maxresults=${raw ?? size}`
        : null;
    return { items: items.slice(start, end), nextLink };
  }

  const byName =
    <T>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a).toLowerCase() < key(b).toLowerCase() ? -1 : key(a).toLowerCase() > key(b).toLowerCase() ? 1 : 0;

  function handle(
    r: Route,
    req: IncomingMessage,
    body: Buffer,
    origin: string,
    query: URLSearchParams,
    apiVersion: string,
  ): { status: number; body?: unknown } {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const name = r.name ?? '';
    if (r.name !== undefined && !NAME_RE.test(r.name)) {
      throw new KvError(400, 'BadParameter', `The request URI contains an invalid name: ${r.name}`);
    }
    const key = name.toLowerCase();
    switch (r.operation) {
      case 'SetSecret': {
        const input = parseJson(body) as {
          value?: unknown;
          contentType?: unknown;
          tags?: unknown;
          attributes?: { enabled?: boolean; nbf?: number; exp?: number };
        };
        if (typeof input.value !== 'string')
          throw new KvError(400, 'BadParameter', 'Property value is required.');
        if (Buffer.byteLength(input.value, 'utf8') > MAX_VALUE_BYTES) {
          throw new KvError(
            400,
            'BadParameter',
            `Secret value exceeds the maximum size of ${MAX_VALUE_BYTES} bytes.`,
          );
        }
        const tags = checkTags(input.tags);
        if (deleted.has(key)) {
          throw new KvError(
            409,
            'Conflict',
            `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
            'ObjectIsDeletedButRecoverable',
          );
        }
        const existing = active.get(key);
        if (existing && existing.pending > 0) {
          throw new KvError(
            409,
            'Conflict',
            `Secret ${name} is currently being recovered, and cannot be re-created; retry later.`,
            'ObjectIsBeingRecovered',
          );
        }
        const secret = existing ?? { name, versions: [], pending: 0 };
        const now = epoch();
        const version: Version = {
          id: randomBytes(16).toString('hex'),
          value: input.value,
          ...(typeof input.contentType === 'string' ? { contentType: input.contentType } : {}),
          ...(tags ? { tags } : {}),
          enabled: input.attributes?.enabled ?? true,
          ...(typeof input.attributes?.nbf === 'number' ? { nbf: input.attributes.nbf } : {}),
          ...(typeof input.attributes?.exp === 'number' ? { exp: input.attributes.exp } : {}),
          created: now,
          updated: now,
        };
        secret.versions.push(version);
        active.set(key, secret);
        return { status: 200, body: bundle(origin, secret, version, true) };
      }
      case 'GetSecret': {
        const secret = live(name, true);
        const version = r.version ? secret.versions.find((v) => v.id === r.version) : secret.versions.at(-1);
        if (!version || (r.version && !VERSION_RE.test(r.version))) throw notFound(name, r.version);
        if (!version.enabled) {
          throw new KvError(
            403,
            'Forbidden',
            'Operation get is not allowed on a disabled secret.',
            'SecretDisabled',
          );
        }
        return { status: 200, body: bundle(origin, secret, version, true) };
      }
      case 'UpdateSecret': {
        const secret = live(name, false);
        const version = r.version ? secret.versions.find((v) => v.id === r.version) : secret.versions.at(-1);
        if (!version) throw notFound(name, r.version);
        const input = parseJson(body) as {
          contentType?: unknown;
          tags?: unknown;
          attributes?: { enabled?: boolean; nbf?: number; exp?: number };
        };
        const tags = checkTags(input.tags);
        if (tags) version.tags = tags;
        if (typeof input.contentType === 'string') version.contentType = input.contentType;
        if (typeof input.attributes?.enabled === 'boolean') version.enabled = input.attributes.enabled;
        if (typeof input.attributes?.nbf === 'number') version.nbf = input.attributes.nbf;
        if (typeof input.attributes?.exp === 'number') version.exp = input.attributes.exp;
        version.updated = epoch();
        return { status: 200, body: bundle(origin, secret, version, false) };
      }
      case 'GetSecretVersions': {
        const secret = live(name, false);
        const items = secret.versions.map((v) => ({
          id: `${origin}/secrets/${secret.name}/${v.id}`,
          ...common(v),
        }));
        const p = page(items, origin, path, query, apiVersion);
        return { status: 200, body: { value: p.items, nextLink: p.nextLink } };
      }
      case 'GetSecrets': {
        const items = [...active.values()]
          .filter((s) => s.pending === 0)
          .sort(byName((s: Secret) => s.name))
          .map((s) => ({ id: `${origin}/secrets/${s.name}`, ...common(s.versions.at(-1)!) }));
        const p = page(items, origin, path, query, apiVersion);
        return { status: 200, body: { value: p.items, nextLink: p.nextLink } };
      }
      case 'DeleteSecret': {
        const secret = active.get(key);
        if (!secret) throw notFound(name);
        active.delete(key);
        const now = epoch();
        const entry: DeletedSecret = {
          secret: { ...secret, pending: 0 },
          deletedDate: now,
          scheduledPurgeDate: now + recoverableDays * 86_400,
          pending: pendingPolls,
        };
        deleted.set(key, entry);
        return {
          status: 200,
          body: {
            ...bundle(origin, secret, secret.versions.at(-1)!, false),
            ...deletedFields(origin, entry),
          },
        };
      }
      case 'GetDeletedSecrets': {
        const items = [...deleted.values()].sort(byName((d: DeletedSecret) => d.secret.name)).map((d) => ({
          id: `${origin}/secrets/${d.secret.name}`,
          ...common(d.secret.versions.at(-1)!),
          ...deletedFields(origin, d),
        }));
        const p = page(items, origin, path, query, apiVersion);
        return { status: 200, body: { value: p.items, nextLink: p.nextLink } };
      }
      case 'GetDeletedSecret': {
        const entry = deleted.get(key);
        if (!entry) throw deletedNotFound(name);
        if (entry.pending > 0) {
          entry.pending--;
          throw deletedNotFound(name);
        }
        const latest = entry.secret.versions.at(-1)!;
        return {
          status: 200,
          body: { ...bundle(origin, entry.secret, latest, false), ...deletedFields(origin, entry) },
        };
      }
      case 'PurgeDeletedSecret': {
        const entry = deleted.get(key);
        if (!entry) throw deletedNotFound(name);
        if (options.purgeProtection) {
          throw new KvError(
            403,
            'Forbidden',
            'Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.\r\n' +
              `Vault: ${VAULT_NAME};location=local`,
          );
        }
        deleted.delete(key);
        return { status: 204 };
      }
      case 'RecoverDeletedSecret': {
        const entry = deleted.get(key);
        if (!entry) throw deletedNotFound(name);
        deleted.delete(key);
        const secret: Secret = { ...entry.secret, pending: pendingPolls };
        active.set(key, secret);
        return { status: 200, body: bundle(origin, secret, secret.versions.at(-1)!, false) };
      }
    }
  }

  const http = await listenHttp(options, async (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const r = route(method, url.pathname);
    const operation = r?.operation ?? 'Unknown';
    const write = method !== 'GET';
    const logName = r?.name ? { name: r.name } : {};
    const origin = `${options.tls ? 'https' : 'http'}://${req.headers.host ?? `127.0.0.1:${http.port}`}`;

    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      res.writeHead(401, {
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="https://vault.azure.net"`,
      });
      res.end(
        JSON.stringify({
          error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
        }),
      );
      controls.record({ operation, ...logName, write, outcome: '401' });
      return;
    }

    let status = 500;
    try {
      const apiVersion = url.searchParams.get('api-version');
      if (!apiVersion)
        throw new KvError(400, 'BadParameter', "The 'api-version' query parameter is missing.");
      if (!AZURE_API_VERSIONS.includes(apiVersion)) {
        throw new KvError(
          400,
          'BadParameter',
          `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${AZURE_API_VERSIONS.at(-1)}).`,
        );
      }
      if (!r) throw new KvError(404, 'NotFound', `The requested resource ${url.pathname} was not found.`);

      await controls.delay();
      const fault = controls.fault(operation);
      if (fault === 'reset') {
        status = 0;
        req.socket.destroy();
        return;
      }
      if (fault === 'throttle') throw throttled(1000);
      if (fault === 'server-error') {
        throw serverErrors++ % 2 === 0
          ? new KvError(
              500,
              'InternalServerError',
              'The server encountered an internal error. Please retry the request.',
            )
          : new KvError(
              503,
              'ServiceUnavailable',
              'The service is temporarily unavailable. Please retry the request.',
            );
      }
      const wait = controls.admit(r.operation === 'SetSecret' ? 'create' : 'other');
      if (wait > 0) throw throttled(wait);
      if (r.name && denied.has(r.name.toLowerCase())) {
        throw new KvError(
          403,
          'Forbidden',
          `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=${randomUUID()}\r\nAction: '${ACTIONS[r.operation]}'\r\nResource: '/vaults/${VAULT_NAME}/secrets/${r.name.toLowerCase()}'\r\nAssignment: (not found)\r\nVault: ${VAULT_NAME};location=local\r\n`,
          'ForbiddenByRbac',
        );
      }
      const result = handle(r, req, body, origin, url.searchParams, apiVersion);
      status = result.status;
      if (result.body === undefined) {
        res.writeHead(status);
        res.end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(result.body));
      }
    } catch (err) {
      const e =
        err instanceof KvError
          ? err
          : new KvError(500, 'InternalServerError', `emulator failure: ${(err as Error).message}`);
      status = e.status;
      res.writeHead(e.status, { 'content-type': 'application/json; charset=utf-8', ...e.headers });
      res.end(
        JSON.stringify({
          error: { code: e.code, message: e.message, ...(e.inner ? { innererror: { code: e.inner } } : {}) },
        }),
      );
    } finally {
      controls.record({ operation, ...logName, write, outcome: status === 0 ? 'RESET' : String(status) });
    }
  });

  return {
    url: http.url,
    port: http.port,
    tenantId,
    log: controls.log,
    credentials: { vaultUrl: http.url, tenantId },
    setFaults: (faults: FaultOptions | undefined) => controls.setFaults(faults),
    inspect(name: string): AzureSecretSnapshot | undefined {
      const key = name.toLowerCase();
      const s = active.get(key) ?? deleted.get(key)?.secret;
      if (!s) return undefined;
      const latest = s.versions.at(-1);
      return {
        name: s.name,
        state: active.has(key) ? 'active' : 'deleted',
        versions: s.versions.length,
        tags: { ...(latest?.tags ?? {}) },
        ...(latest?.contentType !== undefined ? { contentType: latest.contentType } : {}),
      };
    },
    deny(name: string): void {
      denied.add(name.toLowerCase());
    },
    setPageSize(size: number | undefined): void {
      pageCap = size;
    },
    close: () => http.close(),
  };
}

function throttled(waitMs: number): KvError {
  return new KvError(
    429,
    'Throttled',
    'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
    undefined,
    { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  );
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new KvError(400, 'BadParameter', 'The request body is not a valid JSON object.');
}

function checkTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags))
    throw new KvError(400, 'BadParameter', 'Tags must be an object.');
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_TAGS)
    throw new KvError(400, 'BadParameter', `A secret can have at most ${MAX_TAGS} tags.`);
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || k.length > 512 || v.length > 256) {
      throw new KvError(
        400,
        'BadParameter',
        `Invalid tag ${k}: keys are at most 512 characters, values at most 256.`,
      );
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
