import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { EmulatorControls, type EmulatorOptions, listenHttp, type RunningEmulator } from '../harness.js';
import {
  envelope,
  errorReply,
  isObject,
  type Json,
  type KvCall,
  KvMount,
  type KvSnapshot,
  type VaultReply,
  type VaultVerb,
} from './model.js';

/**
 * A HashiCorp Vault emulator: token auth, namespaces, KV v1/v2 mounts (see model.ts), mount
 * detection through `sys/internal/ui/mounts/<path>` and `sys/mounts`, and the LIST verb, which
 * Node's HTTP parser rejects and which is therefore answered from the `clientError` hook.
 * Vault has no rate limit unless an operator adds a quota, so by default none is enforced; a
 * configured quota answers 429 as Vault's quota handler does.
 *
 *   const vault = await startVaultEmulator({ mounts: [{ path: 'kv1', version: 1 }] });
 *   vault({ endpoint: vault.url, token: vault.token }).write('secret/data/x', { data: { value: 'v' } });
 */

export interface VaultMountOption {
  path: string;
  version: 1 | 2;
  casRequired?: boolean;
}

export interface VaultEmulatorOptions extends EmulatorOptions {
  /** The one token that authenticates. @default 'root' */
  token?: string;
  /** KV mounts in every namespace. @default [{ path: 'secret', version: 2 }] (as `vault server -dev`) */
  mounts?: VaultMountOption[];
  /** Enterprise namespaces besides the root one, selected by `X-Vault-Namespace`. */
  namespaces?: string[];
}

export interface RunningVaultEmulator extends RunningEmulator {
  readonly token: string;
  /** Answers 403 to every request that addresses `name` (`<mount>/<key>`, as the store names it). */
  denyName(name: string, namespace?: string): void;
  /** Answers 403 to every request whose logical path starts with `prefix` (`sys/internal/ui/mounts`, ...). */
  denyPath(prefix: string, namespace?: string): void;
  /** Stores a value without going through the API (and without a log entry). */
  plant(name: string, data: Json, namespace?: string): void;
  /** The current version of `name`, or undefined. */
  snapshot(name: string, namespace?: string): KvSnapshot | undefined;
}

interface Namespace {
  mounts: Map<string, KvMount>;
  denied: Set<string>;
  deniedPaths: Set<string>;
}

interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A routed request; `open` calls need no token (sys/health). */
interface Route extends KvCall {
  name?: string;
  open?: boolean;
}

const RESET = Symbol('reset');
type Answer = VaultReply | typeof RESET;

const DEFAULT_MOUNTS: VaultMountOption[] = [{ path: 'secret', version: 2 }];
const PERMISSION_DENIED = 'permission denied';

export async function startVaultEmulator(options: VaultEmulatorOptions = {}): Promise<RunningVaultEmulator> {
  const token = options.token ?? 'root';
  const controls = new EmulatorControls(options, {});
  const mountOptions = options.mounts ?? DEFAULT_MOUNTS;
  const namespaces = new Map<string, Namespace>();
  for (const ns of ['', ...(options.namespaces ?? [])]) {
    const mounts = new Map<string, KvMount>();
    for (const m of mountOptions) {
      const path = trimSlashes(m.path);
      mounts.set(path, new KvMount(path, m.version, m.casRequired ?? false));
    }
    namespaces.set(trimSlashes(ns), { mounts, denied: new Set(), deniedPaths: new Set() });
  }
  let serverErrors = 0;

  const serve = async (req: RawRequest): Promise<Answer> => {
    const url = new URL(req.url, 'http://vault.invalid');
    await controls.delay();
    if (!url.pathname.startsWith('/v1/')) return errorReply(404);
    const path = trimSlashes(decodeURIComponent(url.pathname.slice('/v1/'.length)));
    const verb = verbOf(req.method, url.searchParams);
    const body = parseBody(req.body);
    const nsName = trimSlashes(header(req.headers, 'x-vault-namespace') ?? '');
    const ns = namespaces.get(nsName);
    const route: Route =
      verb === undefined
        ? { operation: 'unsupported', write: false, run: () => errorReply(405, 'unsupported operation') }
        : typeof body === 'string'
          ? { operation: 'invalid', write: false, run: () => errorReply(400, body) }
          : resolve(ns ?? emptyNamespace(), path, verb, url.searchParams, body);
    const answer = admit(route, path, req.headers, ns) ?? route.run();
    controls.record({
      operation: route.operation,
      ...(route.name ? { name: route.name } : {}),
      write: route.write,
      outcome: answer === RESET ? 'reset' : String(answer.status),
    });
    return answer;
  };

  /** Faults, quota, token, namespace and denied names, in that order; undefined when admitted. */
  const admit = (
    route: Route,
    path: string,
    headers: IncomingHttpHeaders,
    ns: Namespace | undefined,
  ): Answer | undefined => {
    const fault = controls.fault(route.operation, path);
    if (fault === 'reset') return RESET;
    if (fault === 'throttle') return rateLimited(path, 1000);
    if (fault === 'server-error') {
      serverErrors += 1;
      return serverErrors % 2 === 1 ? errorReply(500, 'internal error') : errorReply(503, 'Vault is sealed');
    }
    const wait = controls.admit('request') || controls.admit(route.write ? 'write' : 'read');
    if (wait > 0) return rateLimited(path, wait);
    if (route.open) return undefined;
    if (tokenOf(headers) !== token) return errorReply(403, PERMISSION_DENIED);
    // A namespace that does not exist grants nothing: permission denied rather than an empty answer.
    if (!ns) return errorReply(403, PERMISSION_DENIED);
    if (route.name && ns.denied.has(route.name)) return errorReply(403, PERMISSION_DENIED);
    for (const prefix of ns.deniedPaths)
      if (path.startsWith(prefix)) return errorReply(403, PERMISSION_DENIED);
    return undefined;
  };

  const http = await listenHttp(options, async (req, body, res) => {
    const answer = await serve({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
    });
    if (answer === RESET) res.socket?.resetAndDestroy();
    else writeReply(res, answer);
  });
  http.server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => {
    const raw = err.rawPacket?.toString('latin1') ?? '';
    if (err.code !== 'HPE_INVALID_METHOD' || !raw.startsWith('LIST ') || !socket.writable) {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
      return;
    }
    void serve(parseRawRequest(raw)).then(
      (answer) => (answer === RESET ? socket.resetAndDestroy() : socket.end(rawResponse(answer))),
      () => socket.destroy(),
    );
  });

  const namespaceOf = (namespace: string): Namespace => {
    const ns = namespaces.get(trimSlashes(namespace));
    if (!ns) throw new Error(`unknown namespace '${namespace}'`);
    return ns;
  };

  const locate = (name: string, namespace = ''): { mount: KvMount; key: string } => {
    const ns = namespaces.get(trimSlashes(namespace));
    const mount = ns && matchMount(ns.mounts, trimSlashes(name));
    if (!mount) throw new Error(`no mount for ${name} in namespace '${namespace}'`);
    return { mount, key: trimSlashes(name).slice(mount.path.length + 1) };
  };

  return {
    url: http.url,
    port: http.port,
    log: controls.log,
    token,
    credentials: { token },
    setFaults(faults) {
      // The 500/503 alternation restarts too, so that a seed replays the same answers.
      serverErrors = 0;
      controls.setFaults(faults);
    },
    close: () => http.close(),
    denyName(name, namespace = '') {
      namespaceOf(namespace).denied.add(trimSlashes(name));
    },
    denyPath(prefix, namespace = '') {
      namespaceOf(namespace).deniedPaths.add(trimSlashes(prefix));
    },
    plant(name, data, namespace) {
      const { mount, key } = locate(name, namespace);
      mount.plant(key, data);
    },
    snapshot(name, namespace) {
      const { mount, key } = locate(name, namespace);
      return mount.snapshot(key);
    },
  };
}

/** Routes a logical path: the few `sys/` and `auth/` paths a client uses, else a KV mount. */
function resolve(ns: Namespace, path: string, verb: VaultVerb, query: URLSearchParams, body: Json): Route {
  if (path === 'sys/health') {
    return {
      operation: 'sys-health',
      write: false,
      open: true,
      run: () => ({ status: 200, body: health() }),
    };
  }
  if (path === 'auth/token/lookup-self' && verb === 'read') {
    const data = { policies: ['root'], display_name: 'root', ttl: 0, renewable: false, type: 'service' };
    return {
      operation: 'token-lookup-self',
      write: false,
      run: () => ({ status: 200, body: envelope(data) }),
    };
  }
  if (path === 'sys/mounts' && verb === 'read') {
    return { operation: 'sys-mounts-read', write: false, run: () => ({ status: 200, body: mountsBody(ns) }) };
  }
  if (path.startsWith('sys/mounts/')) return mountAdmin(ns, path.slice('sys/mounts/'.length), verb, body);
  if (path === 'sys/internal/ui/mounts' || path.startsWith('sys/internal/ui/mounts/')) {
    const target = path.slice('sys/internal/ui/mounts/'.length);
    return { operation: 'sys-ui-mounts-read', write: false, run: () => uiMounts(ns, target) };
  }
  const mount = matchMount(ns.mounts, path);
  if (!mount) {
    return {
      operation: `unrouted-${verb}`,
      write: verb !== 'read' && verb !== 'list',
      run: () => errorReply(404, `no handler for route "${path}". route entry not found.`),
    };
  }
  const kv = mount.route({ verb, path: path.slice(mount.path.length + 1), query, body });
  return kv.key ? { ...kv, name: `${mount.path}/${kv.key}` } : kv;
}

function matchMount(mounts: Map<string, KvMount>, path: string): KvMount | undefined {
  let best: KvMount | undefined;
  for (const m of mounts.values()) {
    if ((path === m.path || path.startsWith(`${m.path}/`)) && m.path.length > (best?.path.length ?? -1))
      best = m;
  }
  return best;
}

/** `sys/internal/ui/mounts/<path>`: the Vault CLI's pre-flight; an unknown path is a 403, never a hint. */
function uiMounts(ns: Namespace, target: string): VaultReply {
  if (target === '') {
    const secret: Json = {};
    for (const m of ns.mounts.values()) secret[`${m.path}/`] = m.describe();
    return { status: 200, body: envelope({ secret, auth: {} }) };
  }
  const mount = matchMount(ns.mounts, trimSlashes(target));
  if (!mount) return errorReply(403, PERMISSION_DENIED);
  return { status: 200, body: envelope({ ...mount.describe(), path: `${mount.path}/` }) };
}

/** `sys/mounts`: the map is returned both at the top level and under `data`, as Vault does. */
function mountsBody(ns: Namespace): Json {
  const map: Json = {
    'sys/': { type: 'system', description: 'system endpoints used for control, policy and debugging' },
    'cubbyhole/': { type: 'cubbyhole', description: 'per-token private secret storage' },
    'identity/': { type: 'identity', description: 'identity store' },
  };
  for (const m of ns.mounts.values()) map[`${m.path}/`] = m.describe();
  return { ...map, ...envelope(map) };
}

function mountAdmin(ns: Namespace, rawPath: string, verb: VaultVerb, body: Json): Route {
  const path = trimSlashes(rawPath);
  if (verb === 'write') {
    return {
      operation: 'sys-mount-enable',
      write: true,
      run: () => {
        if (ns.mounts.has(path)) return errorReply(400, `path is already in use at ${path}/`);
        const opts = isObject(body.options) ? body.options : {};
        const type = String(body.type ?? '');
        if (type !== 'kv' && type !== 'kv-v2')
          return errorReply(400, `plugin not found in the catalog: ${type}`);
        const version = type === 'kv-v2' || String(opts.version ?? '1') === '2' ? 2 : 1;
        ns.mounts.set(path, new KvMount(path, version));
        return { status: 204 };
      },
    };
  }
  if (verb === 'delete') {
    return {
      operation: 'sys-mount-disable',
      write: true,
      run: () => {
        ns.mounts.delete(path);
        return { status: 204 };
      },
    };
  }
  return { operation: 'sys-mount', write: false, run: () => errorReply(405, 'unsupported operation') };
}

function health(): Json {
  return {
    initialized: true,
    sealed: false,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: '1.17.0+emulator',
    cluster_name: 'vault-emulator',
  };
}

/** Vault's verb mapping (`http/logical.go`): GET ?list=<bool> and LIST are list. */
function verbOf(method: string, query: URLSearchParams): VaultVerb | undefined {
  switch (method.toUpperCase()) {
    case 'GET':
      return parseBool(query.get('list')) ? 'list' : 'read';
    case 'POST':
    case 'PUT':
      return 'write';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    case 'LIST':
      return 'list';
    default:
      return undefined;
  }
}

/** Go's strconv.ParseBool, true side. */
function parseBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

function parseBody(raw: Buffer): Json | string {
  if (raw.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return isObject(parsed) ? parsed : 'failed to parse JSON input: not an object';
  } catch {
    return 'failed to parse JSON input';
  }
}

function rateLimited(path: string, waitMs: number): VaultReply {
  return {
    status: 429,
    body: { errors: [`request path "${path}": rate limit quota exceeded`] },
    headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  };
}

function tokenOf(headers: IncomingHttpHeaders): string | undefined {
  const direct = header(headers, 'x-vault-token');
  if (direct) return direct;
  const auth = header(headers, 'authorization');
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function emptyNamespace(): Namespace {
  return { mounts: new Map(), denied: new Set(), deniedPaths: new Set() };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function writeReply(res: ServerResponse, reply: VaultReply): void {
  const payload = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'cache-control': 'no-store',
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    ...reply.headers,
  });
  res.end(payload);
}

/** Request line and headers of a LIST request, from the bytes the HTTP parser gave up on. */
function parseRawRequest(raw: string): RawRequest {
  const [head = ''] = raw.split('\r\n\r\n');
  const [requestLine = '', ...lines] = head.split('\r\n');
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: 'LIST', url: requestLine.split(' ')[1] ?? '/', headers, body: Buffer.alloc(0) };
}

function rawResponse(reply: VaultReply): string {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const extra = Object.entries(reply.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const type = payload ? 'Content-Type: application/json\r\n' : '';
  return (
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\n${type}${extra}` +
    `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`
  );
}
