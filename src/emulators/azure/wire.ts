import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  EmulatorControls,
  type EmulatorOptions,
  type FaultOptions,
  listenHttp,
  type QuotaRule,
  type RunningEmulator,
} from '../harness.js';
import {
  type AzureSecretSnapshot,
  type DeletedSecret,
  KeyVaultError,
  KeyVaultModel,
  latestVersion,
  type SecretVersion,
  type StoredSecret,
  VAULT_NAME,
} from './model.js';

/**
 * Azure Key Vault secrets over REST, for `@azure/keyvault-secrets` with
 * `allowInsecureConnection: true` (or HTTPS via `options.tls`) and
 * `disableChallengeResourceVerification: true` (the challenge names vault.azure.net, which
 * 127.0.0.1 is not). The state lives in model.ts; this layer routes, authenticates, injects
 * faults and renders the service's JSON.
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

export interface RunningAzureKeyVaultEmulator extends RunningEmulator {
  readonly tenantId: string;
  inspect(name: string): AzureSecretSnapshot | undefined;
  /** From now on every call on this name (case-insensitive) is 403 ForbiddenByRbac. */
  deny(name: string): void;
  /** Caps list pages at `size` whatever the client asks (undefined: no cap), as the service may. */
  setPageSize(size: number | undefined): void;
}

const MAX_PAGE = 25;
const DEFAULT_TENANT = '72f988bf-0000-4000-8000-00000000e1a7';

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
  const model = new KeyVaultModel(options);
  const denied = new Set((options.deniedNames ?? []).map((n) => n.toLowerCase()));
  let serverErrors = 0;
  let pageCap: number | undefined;

  const attributes = (v: SecretVersion) => ({
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    recoveryLevel: model.recoveryLevel,
    recoverableDays: model.recoverableDays,
  });
  const common = (v: SecretVersion) => ({
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    attributes: attributes(v),
  });
  const bundle = (origin: string, s: StoredSecret, v: SecretVersion, withValue: boolean) => ({
    ...(withValue ? { value: v.value } : {}),
    id: `${origin}/secrets/${s.name}/${v.id}`,
    ...common(v),
  });
  const deletedFields = (origin: string, d: DeletedSecret) => ({
    recoveryId: `${origin}/deletedsecrets/${d.secret.name}`,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  });

  function page<T>(
    items: T[],
    origin: string,
    path: string,
    query: URLSearchParams,
    apiVersion: string,
  ): { value: T[]; nextLink: string | null } {
    const raw = query.get('maxresults');
    const size = raw === null ? MAX_PAGE : Number(raw);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
      throw new KeyVaultError(
        400,
        'BadParameter',
        `The value of maxresults must be between 1 and ${MAX_PAGE}.`,
      );
    }
    const token = query.get('$skiptoken');
    let start = 0;
    if (token) {
      const parsed = Number(Buffer.from(token, 'base64url').toString('utf8'));
      if (!Number.isInteger(parsed) || parsed < 0)
        throw new KeyVaultError(400, 'BadParameter', 'Invalid $skiptoken.');
      start = parsed;
    }
    const end = start + Math.min(size, pageCap ?? size);
    const nextLink =
      end < items.length
        ? `${origin}${path}?api-version=${apiVersion}&$skiptoken=${Buffer.from(String(end)).toString('base64url')}&maxresults=${raw ?? size}`
        : null;
    return { value: items.slice(start, end), nextLink };
  }

  /** Runs one routed operation against the model and renders its answer. */
  function handle(
    r: Route,
    body: Buffer,
    origin: string,
    url: URL,
    apiVersion: string,
  ): { status: number; body?: unknown } {
    const list = <T>(items: T[]) => page(items, origin, url.pathname, url.searchParams, apiVersion);
    const name = r.name ?? '';
    if (r.name !== undefined) model.checkName(r.name);
    switch (r.operation) {
      case 'SetSecret': {
        const { secret, version } = model.setSecret(name, parseJson(body));
        return { status: 200, body: bundle(origin, secret, version, true) };
      }
      case 'GetSecret': {
        const { secret, version } = model.getSecret(name, r.version);
        return { status: 200, body: bundle(origin, secret, version, true) };
      }
      case 'UpdateSecret': {
        const { secret, version } = model.versionToUpdate(name, r.version);
        model.updateVersion(version, parseJson(body));
        return { status: 200, body: bundle(origin, secret, version, false) };
      }
      case 'GetSecretVersions': {
        const secret = model.secretVersions(name);
        const items = secret.versions.map((v) => ({
          id: `${origin}/secrets/${secret.name}/${v.id}`,
          ...common(v),
        }));
        return { status: 200, body: list(items) };
      }
      case 'GetSecrets': {
        const items = model
          .listSecrets()
          .map((s) => ({ id: `${origin}/secrets/${s.name}`, ...common(latestVersion(s)) }));
        return { status: 200, body: list(items) };
      }
      case 'DeleteSecret': {
        const { secret, entry } = model.deleteSecret(name);
        return {
          status: 200,
          body: { ...bundle(origin, secret, latestVersion(secret), false), ...deletedFields(origin, entry) },
        };
      }
      case 'GetDeletedSecrets': {
        const items = model.listDeleted().map((d) => ({
          id: `${origin}/secrets/${d.secret.name}`,
          ...common(latestVersion(d.secret)),
          ...deletedFields(origin, d),
        }));
        return { status: 200, body: list(items) };
      }
      case 'GetDeletedSecret': {
        const entry = model.getDeleted(name);
        return {
          status: 200,
          body: {
            ...bundle(origin, entry.secret, latestVersion(entry.secret), false),
            ...deletedFields(origin, entry),
          },
        };
      }
      case 'PurgeDeletedSecret': {
        model.purgeDeleted(name);
        return { status: 204 };
      }
      case 'RecoverDeletedSecret': {
        const secret = model.recoverDeleted(name);
        return { status: 200, body: bundle(origin, secret, latestVersion(secret), false) };
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

    if (!hasBearerToken(req)) {
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
        throw new KeyVaultError(400, 'BadParameter', "The 'api-version' query parameter is missing.");
      if (!AZURE_API_VERSIONS.includes(apiVersion)) {
        throw new KeyVaultError(
          400,
          'BadParameter',
          `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${AZURE_API_VERSIONS.at(-1)}).`,
        );
      }
      if (!r)
        throw new KeyVaultError(404, 'NotFound', `The requested resource ${url.pathname} was not found.`);

      await controls.delay();
      const fault = controls.fault(operation, url.pathname);
      if (fault === 'reset') {
        status = 0;
        req.socket.destroy();
        return;
      }
      if (fault === 'throttle') throw throttled(1000);
      if (fault === 'server-error') {
        throw serverErrors++ % 2 === 0
          ? new KeyVaultError(
              500,
              'InternalServerError',
              'The server encountered an internal error. Please retry the request.',
            )
          : new KeyVaultError(
              503,
              'ServiceUnavailable',
              'The service is temporarily unavailable. Please retry the request.',
            );
      }
      const wait = controls.admit(r.operation === 'SetSecret' ? 'create' : 'other');
      if (wait > 0) throw throttled(wait);
      if (r.name && denied.has(r.name.toLowerCase())) throw forbiddenByRbac(r.operation, r.name);
      const result = handle(r, body, origin, url, apiVersion);
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
        err instanceof KeyVaultError
          ? err
          : new KeyVaultError(500, 'InternalServerError', `emulator failure: ${(err as Error).message}`);
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
    inspect: (name: string) => model.snapshot(name),
    deny(name: string): void {
      denied.add(name.toLowerCase());
    },
    setPageSize(size: number | undefined): void {
      pageCap = size;
    },
    close: () => http.close(),
  };
}

/** Any bearer token is accepted; none at all gets the challenge the SDK answers. */
function hasBearerToken(req: IncomingMessage): boolean {
  return /^Bearer \S+/.test(req.headers.authorization ?? '');
}

function forbiddenByRbac(operation: Operation, name: string): KeyVaultError {
  return new KeyVaultError(
    403,
    'Forbidden',
    `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=${randomUUID()}\r\nAction: '${ACTIONS[operation]}'\r\nResource: '/vaults/${VAULT_NAME}/secrets/${name.toLowerCase()}'\r\nAssignment: (not found)\r\nVault: ${VAULT_NAME};location=local\r\n`,
    'ForbiddenByRbac',
  );
}

function throttled(waitMs: number): KeyVaultError {
  return new KeyVaultError(
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
  throw new KeyVaultError(400, 'BadParameter', 'The request body is not a valid JSON object.');
}
