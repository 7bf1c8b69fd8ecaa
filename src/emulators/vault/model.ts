import { randomUUID } from 'node:crypto';

/**
 * The KV secrets engine of the Vault emulator, versions 1 and 2, as an in-memory state machine
 * with no HTTP in it. Behaviour follows Vault's KV plugin (`path_data.go`, `path_metadata.go`,
 * `path_delete.go`, `backend.go` in hashicorp/vault-plugin-secrets-kv): versions and `current_version`,
 * `options.cas` and `cas_required`, soft delete (`deletion_time`) versus destroy, 404 bodies that
 * carry the deleted version's metadata, folders in LIST ending in `/`, 404 for an empty list.
 */

export type Json = Record<string, unknown>;

/** What the engine answers; the HTTP layer writes it. `body` undefined means 204 No Content. */
export interface VaultReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The verbs Vault's `http/logical.go` maps requests to. */
export type VaultVerb = 'read' | 'write' | 'patch' | 'delete' | 'list';

export interface KvRequest {
  verb: VaultVerb;
  /** Path inside the mount, without leading or trailing `/` (`data/a/b`, `a/b`, ``). */
  path: string;
  query: URLSearchParams;
  body: Json;
}

/** A routed request: what it is (for the log, quotas and faults) and how to carry it out. */
export interface KvCall {
  /** Operation name for the request log and fault filters (`kv-read`, `kv-write`, ...). */
  operation: string;
  /** Key addressed inside the mount, if any. */
  key?: string;
  write: boolean;
  run(): VaultReply;
}

function call(operation: string, key: string | undefined, write: boolean, run: () => VaultReply): KvCall {
  return key === undefined || key === '' ? { operation, write, run } : { operation, key, write, run };
}

/** Vault keeps 10 versions when neither the mount nor the key sets `max_versions`. */
const DEFAULT_MAX_VERSIONS = 10;
/** KV v1 reads carry the system default lease, 768h. */
const KV1_LEASE_SECONDS = 2_764_800;

interface V2Version {
  data: Json | null;
  createdTime: string;
  deletionTime: string;
  destroyed: boolean;
}

interface V2Key {
  versions: Map<number, V2Version>;
  currentVersion: number;
  oldestVersion: number;
  createdTime: string;
  updatedTime: string;
  maxVersions: number;
  casRequired: boolean;
  customMetadata: Record<string, string> | null;
}

/** A snapshot of a key's current version, for tests. */
export interface KvSnapshot {
  version: number;
  data: Json | null;
  deleted: boolean;
  destroyed: boolean;
  /** Versions still kept. */
  versionCount: number;
}

export function envelope(data: unknown, extra: Json = {}): Json {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...extra,
  };
}

export function errorReply(status: number, ...errors: string[]): VaultReply {
  return { status, body: { errors } };
}

const notFound = (): VaultReply => errorReply(404);
const noContent = (): VaultReply => ({ status: 204 });
const unsupported = (): VaultReply => errorReply(405, 'unsupported operation');

export class KvMount {
  readonly path: string;
  readonly version: 1 | 2;
  readonly accessor = `kv_${randomUUID().slice(0, 8)}`;
  readonly uuid = randomUUID();
  casRequired: boolean;
  maxVersions = 0;
  readonly #v1 = new Map<string, Json>();
  readonly #v2 = new Map<string, V2Key>();

  constructor(path: string, version: 1 | 2, casRequired = false) {
    this.path = path;
    this.version = version;
    this.casRequired = casRequired;
  }

  /** The mount as `sys/mounts` and `sys/internal/ui/mounts` describe it. */
  describe(): Json {
    return {
      type: 'kv',
      description: 'key/value secret storage',
      accessor: this.accessor,
      uuid: this.uuid,
      config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false },
      options: { version: String(this.version) },
      local: false,
      seal_wrap: false,
      external_entropy_access: false,
      plugin_version: '',
      running_plugin_version: 'v0.20.0+builtin',
      deprecation_status: 'supported',
    };
  }

  /** Resolves a request to the call it makes; nothing changes until `run()`. */
  route(req: KvRequest): KvCall {
    return this.version === 2 ? this.#routeV2(req) : this.#routeV1(req);
  }

  /** Writes a value directly (test planting), as a new version on v2. */
  plant(key: string, data: Json): void {
    if (this.version === 1) this.#v1.set(key, { ...data });
    else this.#addVersion(key, data);
  }

  snapshot(key: string): KvSnapshot | undefined {
    if (this.version === 1) {
      const data = this.#v1.get(key);
      return data ? { version: 0, data, deleted: false, destroyed: false, versionCount: 1 } : undefined;
    }
    const k = this.#v2.get(key);
    const v = k?.versions.get(k.currentVersion);
    if (!k || !v) return undefined;
    return {
      version: k.currentVersion,
      data: v.data,
      deleted: v.deletionTime !== '',
      destroyed: v.destroyed,
      versionCount: k.versions.size,
    };
  }

  // --- KV v1: a flat map per path, no versions ---

  #routeV1(req: KvRequest): KvCall {
    const key = req.path;
    switch (req.verb) {
      case 'read':
        return call('kv-read', key, false, () => {
          const data = this.#v1.get(key);
          if (!data) return notFound();
          return {
            status: 200,
            body: envelope(data, { lease_duration: KV1_LEASE_SECONDS, mount_type: 'kv' }),
          };
        });
      case 'write':
        return call('kv-write', key, true, () => {
          if (key === '') return unsupported();
          this.#v1.set(key, { ...req.body });
          return noContent();
        });
      case 'delete':
        return call('kv-delete', key, true, () => {
          this.#v1.delete(key);
          return noContent();
        });
      case 'list':
        return call('kv-list', key, false, () => listReply(this.#v1.keys(), key));
      default:
        return call(`kv-${req.verb}`, key, false, unsupported);
    }
  }

  // --- KV v2: data/, metadata/, delete/, undelete/, destroy/, config ---

  #routeV2(req: KvRequest): KvCall {
    const slash = req.path.indexOf('/');
    const area = slash === -1 ? req.path : req.path.slice(0, slash);
    const key = slash === -1 ? '' : req.path.slice(slash + 1);
    if (area === 'config') return this.#config(req);
    const rootList = area === 'metadata' && req.verb === 'list';
    if (key === '' && !rootList)
      return call(`kv-${req.verb}`, undefined, false, () => invalidV2Path(req.path));
    switch (area) {
      case 'data':
        return this.#data(req, key);
      case 'metadata':
        return this.#metadata(req, key);
      case 'delete':
      case 'undelete':
      case 'destroy':
        return this.#versionsOp(area, req, key);
      default:
        return call(`kv-${req.verb}`, undefined, false, () => invalidV2Path(req.path));
    }
  }

  #config(req: KvRequest): KvCall {
    if (req.verb === 'read') {
      return call('kv-config-read', undefined, false, () => ({
        status: 200,
        body: envelope({
          max_versions: this.maxVersions,
          cas_required: this.casRequired,
          delete_version_after: '0s',
        }),
      }));
    }
    if (req.verb === 'write') {
      return call('kv-config-write', undefined, true, () => {
        if (typeof req.body.cas_required === 'boolean') this.casRequired = req.body.cas_required;
        if (typeof req.body.max_versions === 'number') this.maxVersions = req.body.max_versions;
        return noContent();
      });
    }
    return call('kv-config', undefined, false, unsupported);
  }

  #data(req: KvRequest, key: string): KvCall {
    switch (req.verb) {
      case 'read':
        return call('kv-read', key, false, () =>
          this.#readVersion(this.#v2.get(key), Number(req.query.get('version') ?? 0)),
        );
      case 'write':
      case 'patch':
        return call(req.verb === 'write' ? 'kv-write' : 'kv-patch', key, true, () => {
          const k = this.#v2.get(key);
          const data = req.body.data;
          if (!isObject(data)) return errorReply(400, 'no data provided');
          const casFailure = this.#checkCas(k, req.body.options);
          if (casFailure) return casFailure;
          let next: Json = data;
          if (req.verb === 'patch') {
            const current = k?.versions.get(k.currentVersion);
            if (!current?.data || current.deletionTime !== '') return notFound();
            next = mergePatch(current.data, data);
          }
          return { status: 200, body: envelope(this.#addVersion(key, next)) };
        });
      case 'delete':
        return call('kv-soft-delete', key, true, () => {
          const k = this.#v2.get(key);
          const v = k?.versions.get(k.currentVersion);
          if (k && v && v.deletionTime === '' && !v.destroyed) {
            v.deletionTime = now();
            k.updatedTime = v.deletionTime;
          }
          return noContent();
        });
      default:
        return call('kv-list', key, false, unsupported);
    }
  }

  #metadata(req: KvRequest, key: string): KvCall {
    switch (req.verb) {
      case 'read':
        return call('kv-metadata-read', key, false, () => {
          const k = this.#v2.get(key);
          return k ? { status: 200, body: envelope(metadataOf(k)) } : notFound();
        });
      case 'write':
      case 'patch':
        return call('kv-metadata-write', key, true, () => {
          const target = this.#v2.get(key) ?? this.#newKey(key);
          const b = req.body;
          if (typeof b.max_versions === 'number') target.maxVersions = b.max_versions;
          if (typeof b.cas_required === 'boolean') target.casRequired = b.cas_required;
          if (isObject(b.custom_metadata))
            target.customMetadata = b.custom_metadata as Record<string, string>;
          target.updatedTime = now();
          return noContent();
        });
      case 'delete':
        return call('kv-metadata-delete', key, true, () => {
          this.#v2.delete(key);
          return noContent();
        });
      case 'list':
        return call('kv-list', key, false, () => listReply(this.#v2.keys(), key));
    }
  }

  #versionsOp(area: 'delete' | 'undelete' | 'destroy', req: KvRequest, key: string): KvCall {
    if (req.verb !== 'write') return call(`kv-${area}`, key, false, unsupported);
    return call(`kv-${area}`, key, true, () => {
      const versions = req.body.versions;
      if (!Array.isArray(versions) || versions.length === 0)
        return errorReply(400, 'no version number provided');
      const k = this.#v2.get(key);
      for (const n of versions) {
        const v = k?.versions.get(Number(n));
        if (!v || v.destroyed) continue;
        if (area === 'delete' && v.deletionTime === '') v.deletionTime = now();
        if (area === 'undelete') v.deletionTime = '';
        if (area === 'destroy') {
          v.destroyed = true;
          v.data = null;
        }
      }
      return noContent();
    });
  }

  #readVersion(k: V2Key | undefined, requested: number): VaultReply {
    const n = requested > 0 ? requested : (k?.currentVersion ?? 0);
    const v = k?.versions.get(n);
    if (!k || !v) return notFound();
    const metadata = versionMetadata(k, n, v);
    // A deleted or destroyed version is a 404 whose body still carries its metadata and no `errors`.
    if (v.deletionTime !== '' || v.destroyed)
      return { status: 404, body: envelope({ data: null, metadata }) };
    return { status: 200, body: envelope({ data: v.data, metadata }) };
  }

  #checkCas(k: V2Key | undefined, options: unknown): VaultReply | undefined {
    const cas = isObject(options) ? options.cas : undefined;
    const required = this.casRequired || (k?.casRequired ?? false);
    if (cas === undefined)
      return required ? errorReply(400, 'check-and-set parameter required for this call') : undefined;
    if (Number(cas) !== (k?.currentVersion ?? 0)) {
      return errorReply(400, 'check-and-set parameter did not match the current version');
    }
    return undefined;
  }

  #newKey(key: string): V2Key {
    const t = now();
    const k: V2Key = {
      versions: new Map(),
      currentVersion: 0,
      oldestVersion: 0,
      createdTime: t,
      updatedTime: t,
      maxVersions: 0,
      casRequired: false,
      customMetadata: null,
    };
    this.#v2.set(key, k);
    return k;
  }

  #addVersion(key: string, data: Json): Json {
    const k = this.#v2.get(key) ?? this.#newKey(key);
    const t = now();
    const n = k.currentVersion + 1;
    const v: V2Version = { data: { ...data }, createdTime: t, deletionTime: '', destroyed: false };
    k.versions.set(n, v);
    k.currentVersion = n;
    k.updatedTime = t;
    if (k.oldestVersion === 0) k.oldestVersion = n;
    // Writing past max_versions silently drops the oldest versions.
    const max = k.maxVersions || this.maxVersions || DEFAULT_MAX_VERSIONS;
    while (k.versions.size > max) {
      k.versions.delete(k.oldestVersion);
      k.oldestVersion += 1;
    }
    return versionMetadata(k, n, v);
  }
}

function versionMetadata(k: V2Key, n: number, v: V2Version): Json {
  return {
    created_time: v.createdTime,
    custom_metadata: k.customMetadata,
    deletion_time: v.deletionTime,
    destroyed: v.destroyed,
    version: n,
  };
}

function metadataOf(k: V2Key): Json {
  const versions: Record<string, Json> = {};
  for (const [n, v] of k.versions) {
    versions[String(n)] = {
      created_time: v.createdTime,
      deletion_time: v.deletionTime,
      destroyed: v.destroyed,
    };
  }
  return {
    versions,
    current_version: k.currentVersion,
    oldest_version: k.oldestVersion,
    created_time: k.createdTime,
    updated_time: k.updatedTime,
    max_versions: k.maxVersions,
    cas_required: k.casRequired,
    delete_version_after: '0s',
    custom_metadata: k.customMetadata,
  };
}

/** Keys directly under `dir`: names, and sub-folders ending in `/`. No keys is a 404, as Vault answers. */
function listReply(keys: Iterable<string>, dir: string): VaultReply {
  const prefix = dir === '' ? '' : `${dir}/`;
  const found = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    found.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  if (found.size === 0) return notFound();
  return { status: 200, body: envelope({ keys: [...found].sort() }) };
}

function invalidV2Path(path: string): VaultReply {
  return {
    status: 404,
    body: envelope(null, {
      warnings: [
        `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.`,
      ],
      path,
    }),
  };
}

/** RFC 7396 JSON merge patch, which KV v2 PATCH uses. */
function mergePatch(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = mergePatch(out[k] as Json, v);
    else out[k] = v;
  }
  return out;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function now(): string {
  return new Date().toISOString();
}
