import { createHash, randomBytes } from 'node:crypto';
import { crc32c } from '../../util/crc32c.js';
import { filterMatches, parseFilter } from './filter.js';

/**
 * The state behind the Google Secret Manager emulator, with no gRPC in it: secrets (global or
 * regional), their numbered versions and version states, replication and customer-managed
 * encryption (CMEK), labels, etags, expiry, filters and paging, and the service's validation
 * rules. Operations take the v1 API's request messages as decoded and refuse with a
 * `SecretManagerError` naming the canonical status code
 * (cloud.google.com/secret-manager/docs/reference/rpc/google.cloud.secretmanager.v1).
 */

/** The canonical error codes this service answers with (google.rpc.Code names). */
export type SecretManagerStatus =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export class SecretManagerError extends Error {
  constructor(
    readonly code: SecretManagerStatus,
    readonly details: string,
  ) {
    super(details);
  }
}

/**
 * A secret's replication: none (regional), automatic, or user-managed locations, each with the
 * Cloud KMS key of its customer-managed encryption (CMEK) when one is set.
 */
export type ReplicationSetting =
  | { automatic: true; kmsKeyName?: string }
  | { userManaged: string[]; kmsKeyNames?: Record<string, string> }
  | null;

// Request shapes as proto-loader hands them over (keepCase false, longs/enums as String, defaults, oneofs).

export interface Timestamp {
  seconds: string | number;
  nanos: number;
}
export interface CmekMessage {
  kmsKeyName: string;
}
export interface ReplicationMessage {
  automatic?: { customerManagedEncryption?: CmekMessage | null } | null;
  userManaged?: { replicas: { location: string; customerManagedEncryption?: CmekMessage | null }[] } | null;
  replication?: string;
}
export interface SecretMessage {
  name: string;
  replication: ReplicationMessage | null;
  /** Regional secrets only: their CMEK (global ones carry it in the replication). */
  customerManagedEncryption?: CmekMessage | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  expireTime?: Timestamp | null;
  ttl?: { seconds: string | number } | null;
  etag: string;
}
export interface CreateSecretRequest {
  parent: string;
  secretId: string;
  secret: SecretMessage | null;
}
export interface AddSecretVersionRequest {
  parent: string;
  payload: { data: Buffer; dataCrc32c?: string | null; _dataCrc32c?: string } | null;
}
export interface NameRequest {
  name: string;
  etag?: string;
}
export interface ListRequest {
  parent: string;
  pageSize: number;
  pageToken: string;
  filter: string;
}
export interface UpdateSecretRequest {
  secret: SecretMessage | null;
  updateMask: { paths: string[] } | null;
}

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

export interface StoredVersion {
  number: number;
  createTime: number;
  state: VersionState;
  data: Buffer | undefined;
  crc32c: number;
  clientSpecifiedPayloadChecksum: boolean;
  destroyTime?: number;
  etag: string;
  /** CMEK keys in effect when the version was added, by location. */
  kmsKeys?: Record<string, string>;
}

export interface StoredSecret {
  seq: number;
  id: string;
  location: string | undefined;
  replication: ReplicationSetting;
  /** Regional secrets: their CMEK key. */
  kmsKeyName?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: number;
  expireTime: number | undefined;
  etag: string;
  versions: StoredVersion[];
}

/** What the emulator holds for one secret, for tests to look at. */
export interface GoogleSecretSnapshot {
  name: string;
  /** `null` when the create request carried no replication block (regional secrets). */
  replication: ReplicationSetting;
  labels: Record<string, string>;
  /** The CMEK keys in effect now, by location (`global` for automatic replication). */
  kmsKeyNames?: Record<string, string>;
  versions: {
    version: number;
    state: VersionState;
    clientSpecifiedPayloadChecksum: boolean;
    /** The keys this version was encrypted with, by location. */
    kmsKeyNames?: Record<string, string>;
  }[];
}

/** The IAM permission each operation needs, named in PERMISSION_DENIED messages. */
export const PERMISSIONS = {
  CreateSecret: 'secretmanager.secrets.create',
  AddSecretVersion: 'secretmanager.versions.add',
  UpdateSecret: 'secretmanager.secrets.update',
  DeleteSecret: 'secretmanager.secrets.delete',
  DisableSecretVersion: 'secretmanager.versions.disable',
  EnableSecretVersion: 'secretmanager.versions.enable',
  DestroySecretVersion: 'secretmanager.versions.destroy',
  GetSecret: 'secretmanager.secrets.get',
  ListSecrets: 'secretmanager.secrets.list',
  ListSecretVersions: 'secretmanager.versions.list',
  GetSecretVersion: 'secretmanager.versions.get',
  AccessSecretVersion: 'secretmanager.versions.access',
} as const;
export type OperationName = keyof typeof PERMISSIONS;

export const PARENT_RE = /^projects\/([^/]+)(?:\/locations\/([^/]+))?$/;
export const SECRET_RE = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)$/;
export const VERSION_RE = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)\/versions\/([^/]+)$/;
const SECRET_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;
const LABEL_KEY_RE = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE_RE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_PAGE_SIZE = 25_000;
const KMS_KEY_RE = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const UPDATABLE_PATHS = [
  'labels',
  'annotations',
  'replication',
  'customer_managed_encryption',
  'customerManagedEncryption',
];

export class SecretManagerModel {
  /** Caps list pages whatever the client asks (undefined: no cap), as a service may. */
  pageCap: number | undefined;
  readonly #secrets = new Map<string, StoredSecret>();
  #seq = 0;

  constructor(
    readonly projectId: string,
    readonly projectNumber: string,
  ) {}

  /** The canonical name, always with the project number. */
  secretName(s: { location: string | undefined; id: string }): string {
    return `projects/${this.projectNumber}${s.location ? `/locations/${s.location}` : ''}/secrets/${s.id}`;
  }

  versionName(secret: StoredSecret, v: StoredVersion): string {
    return `${this.secretName(secret)}/versions/${v.number}`;
  }

  /** The CMEK keys a secret uses now, by location. */
  keysOf(s: StoredSecret): Record<string, string> {
    if (s.replication === null) return s.kmsKeyName && s.location ? { [s.location]: s.kmsKeyName } : {};
    if ('automatic' in s.replication)
      return s.replication.kmsKeyName ? { global: s.replication.kmsKeyName } : {};
    return { ...s.replication.kmsKeyNames };
  }

  createSecret(req: CreateSecretRequest): StoredSecret {
    const location = this.#parseParent(req.parent, 'CreateSecret');
    if (!SECRET_ID_RE.test(req.secretId)) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        `Secret id [${req.secretId}] must be 1 to 255 characters from [a-zA-Z0-9_-].`,
      );
    }
    const body = req.secret;
    if (!body) throw new SecretManagerError('INVALID_ARGUMENT', 'Secret must be specified.');
    const replication = replicationOf(body.replication, location);
    if (location === undefined && body.customerManagedEncryption) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        'customer_managed_encryption is for regional secrets; global secrets set it in their replication.',
      );
    }
    const regionalKey =
      location === undefined ? undefined : kmsKeyOf(body.customerManagedEncryption, location);
    checkLabels(body.labels);
    const key = keyOf(location, req.secretId);
    if (this.#findSecret(`${req.parent}/secrets/${req.secretId}`, 'CreateSecret').secret) {
      throw new SecretManagerError(
        'ALREADY_EXISTS',
        `Secret [${this.secretName({ location, id: req.secretId })}] already exists.`,
      );
    }
    const now = Date.now();
    const secret: StoredSecret = {
      seq: ++this.#seq,
      id: req.secretId,
      location,
      replication,
      ...(regionalKey ? { kmsKeyName: regionalKey } : {}),
      labels: { ...body.labels },
      annotations: { ...body.annotations },
      createTime: now,
      expireTime: body.expireTime
        ? toMillis(body.expireTime)
        : body.ttl
          ? now + Number(body.ttl.seconds) * 1000
          : undefined,
      etag: etag(),
      versions: [],
    };
    this.#secrets.set(key, secret);
    return secret;
  }

  addSecretVersion(req: AddSecretVersionRequest): { secret: StoredSecret; version: StoredVersion } {
    const secret = this.#requireSecret(req.parent, 'AddSecretVersion');
    const payload = req.payload;
    if (!payload) throw new SecretManagerError('INVALID_ARGUMENT', 'Payload must be specified.');
    const data = Buffer.from(payload.data ?? Buffer.alloc(0));
    if (data.length > MAX_PAYLOAD_BYTES) {
      throw new SecretManagerError('INVALID_ARGUMENT', 'Secret Payload cannot be larger than 64KiB.');
    }
    const sum = crc32c(data);
    const given = payload._dataCrc32c === 'dataCrc32c' ? payload.dataCrc32c : undefined;
    // Wording is ours; the code (INVALID_ARGUMENT) is what Google documents for a mismatch.
    if (given != null && BigInt(given) !== BigInt(sum)) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        'The checksum in field data_crc32c did not match the data in field data.',
      );
    }
    const version: StoredVersion = {
      number: (secret.versions.at(-1)?.number ?? 0) + 1,
      createTime: Date.now(),
      state: 'ENABLED',
      data,
      crc32c: sum,
      clientSpecifiedPayloadChecksum: given != null,
      etag: etag(),
    };
    const keys = this.keysOf(secret);
    if (Object.keys(keys).length > 0) version.kmsKeys = keys;
    secret.versions.push(version);
    return { secret, version };
  }

  /** The version to read, with its payload; only an ENABLED version has one to give. */
  accessSecretVersion(req: NameRequest): { secret: StoredSecret; version: StoredVersion; data: Buffer } {
    const { secret, version } = this.#findVersion(req.name, 'AccessSecretVersion');
    if (version.state !== 'ENABLED' || !version.data) {
      throw new SecretManagerError(
        'FAILED_PRECONDITION',
        `Secret Version [${this.versionName(secret, version)}] is in ${version.state} state.`,
      );
    }
    return { secret, version, data: version.data };
  }

  getSecretVersion(req: NameRequest): { secret: StoredSecret; version: StoredVersion } {
    return this.#findVersion(req.name, 'GetSecretVersion');
  }

  getSecret(req: NameRequest): StoredSecret {
    return this.#requireSecret(req.name, 'GetSecret');
  }

  updateSecret(req: UpdateSecretRequest): StoredSecret {
    if (!req.secret) throw new SecretManagerError('INVALID_ARGUMENT', 'Secret must be specified.');
    const secret = this.#requireSecret(req.secret.name, 'UpdateSecret');
    const paths = req.updateMask?.paths ?? [];
    if (paths.length === 0)
      throw new SecretManagerError('INVALID_ARGUMENT', 'update_mask must be specified.');
    const unsupported = paths.filter((p) => !UPDATABLE_PATHS.includes(p));
    if (unsupported.length > 0) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        `This emulator updates only labels, annotations and customer-managed encryption, not: ${unsupported.join(', ')}.`,
      );
    }
    checkEtag(req.secret.etag, secret.etag, this.secretName(secret));
    // Validate everything before changing anything.
    const replication = paths.includes('replication') ? replicationUpdate(secret, req.secret) : undefined;
    const regional = paths.some(
      (p) => p === 'customer_managed_encryption' || p === 'customerManagedEncryption',
    )
      ? regionalKeyUpdate(secret, req.secret)
      : undefined;
    if (paths.includes('labels')) checkLabels(req.secret.labels);
    if (replication) secret.replication = replication;
    if (regional) {
      if (regional.key) secret.kmsKeyName = regional.key;
      else delete secret.kmsKeyName;
    }
    if (paths.includes('labels')) secret.labels = { ...req.secret.labels };
    if (paths.includes('annotations')) secret.annotations = { ...req.secret.annotations };
    secret.etag = etag();
    return secret;
  }

  deleteSecret(req: NameRequest): void {
    const secret = this.#requireSecret(req.name, 'DeleteSecret');
    checkEtag(req.etag, secret.etag, this.secretName(secret));
    this.#secrets.delete(keyOf(secret.location, secret.id));
  }

  /** Secrets under `parent` matching the filter, newest first, one page of them. */
  listSecrets(req: ListRequest): { items: StoredSecret[]; nextPageToken: string; totalSize: number } {
    const location = this.#parseParent(req.parent, 'ListSecrets');
    const filter = parseFilterOrThrow(req.filter);
    const matching = [...this.#secrets.values()]
      .filter((s) => s.location === location && !(s.expireTime !== undefined && s.expireTime <= Date.now()))
      .filter((s) => filterMatches(filter, { name: this.secretName(s), labels: s.labels }))
      .sort((a, b) => b.seq - a.seq);
    const { items, nextPageToken } = pageOf(matching, (s) => s.seq, req, this.pageCap);
    return { items, nextPageToken, totalSize: matching.length };
  }

  /** A secret's versions matching the filter, newest first, one page of them. */
  listSecretVersions(req: ListRequest): {
    secret: StoredSecret;
    items: StoredVersion[];
    nextPageToken: string;
    totalSize: number;
  } {
    const secret = this.#requireSecret(req.parent, 'ListSecretVersions');
    const filter = parseFilterOrThrow(req.filter);
    const matching = secret.versions
      .filter((v) => filterMatches(filter, { name: this.versionName(secret, v), labels: {}, state: v.state }))
      .slice()
      .reverse();
    const { items, nextPageToken } = pageOf(matching, (v) => v.number, req, this.pageCap);
    return { secret, items, nextPageToken, totalSize: matching.length };
  }

  /** Disables, enables or destroys a version; a destroyed one stays destroyed. */
  changeState(
    req: NameRequest,
    op: OperationName,
    to: VersionState,
  ): { secret: StoredSecret; version: StoredVersion } {
    const { secret, version } = this.#findVersion(req.name, op);
    checkEtag(req.etag, version.etag, this.versionName(secret, version));
    if (version.state === 'DESTROYED') {
      throw new SecretManagerError(
        'FAILED_PRECONDITION',
        `Secret Version [${this.versionName(secret, version)}] is in DESTROYED state.`,
      );
    }
    version.state = to;
    version.etag = etag();
    if (to === 'DESTROYED') {
      version.data = undefined;
      version.destroyTime = Date.now();
    }
    return { secret, version };
  }

  /** A secret by resource name (project id or number, global or regional), or undefined. */
  snapshot(name: string): GoogleSecretSnapshot | undefined {
    const [, project, location, id] = SECRET_RE.exec(name) ?? [];
    if (id === undefined || (project !== this.projectId && project !== this.projectNumber)) return undefined;
    const s = this.#secrets.get(keyOf(location, id));
    if (!s) return undefined;
    const keys = this.keysOf(s);
    return {
      name: this.secretName(s),
      replication: s.replication,
      labels: { ...s.labels },
      ...(Object.keys(keys).length > 0 ? { kmsKeyNames: keys } : {}),
      versions: s.versions.map((v) => ({
        version: v.number,
        state: v.state,
        clientSpecifiedPayloadChecksum: v.clientSpecifiedPayloadChecksum,
        ...(v.kmsKeys ? { kmsKeyNames: { ...v.kmsKeys } } : {}),
      })),
    };
  }

  #checkProject(project: string | undefined, op: OperationName, resource: string): void {
    if (project !== this.projectId && project !== this.projectNumber) {
      throw new SecretManagerError('PERMISSION_DENIED', permissionText(PERMISSIONS[op], resource));
    }
  }

  #parseParent(parent: string, op: OperationName): string | undefined {
    const m = PARENT_RE.exec(parent);
    if (!m) throw new SecretManagerError('INVALID_ARGUMENT', `Invalid parent [${parent}].`);
    this.#checkProject(m[1], op, parent);
    return m[2];
  }

  /** The stored secret a `projects/…/secrets/…` name points at; expired secrets are removed first. */
  #findSecret(
    name: string,
    op: OperationName,
  ): { location: string | undefined; id: string; secret?: StoredSecret } {
    const [, project, location, id] = SECRET_RE.exec(name) ?? [];
    if (id === undefined) throw new SecretManagerError('INVALID_ARGUMENT', `Invalid secret name [${name}].`);
    this.#checkProject(project, op, name);
    const key = keyOf(location, id);
    const secret = this.#secrets.get(key);
    if (secret?.expireTime !== undefined && secret.expireTime <= Date.now()) {
      this.#secrets.delete(key);
      return { location, id };
    }
    return { location, id, ...(secret ? { secret } : {}) };
  }

  #requireSecret(name: string, op: OperationName): StoredSecret {
    const found = this.#findSecret(name, op);
    if (!found.secret) {
      throw new SecretManagerError(
        'NOT_FOUND',
        `Secret [${this.secretName({ location: found.location, id: found.id })}] not found.`,
      );
    }
    return found.secret;
  }

  /** Resolves `…/versions/{n|latest}`; `latest` is the newest version in any state. */
  #findVersion(name: string, op: OperationName): { secret: StoredSecret; version: StoredVersion } {
    const [, , , , ref] = VERSION_RE.exec(name) ?? [];
    if (ref === undefined) {
      throw new SecretManagerError('INVALID_ARGUMENT', `Invalid secret version name [${name}].`);
    }
    const secretPath = name.slice(0, name.lastIndexOf('/versions/'));
    const found = this.#findSecret(secretPath, op);
    const canonical = this.secretName({ location: found.location, id: found.id });
    if (ref === 'latest') {
      const latest = found.secret?.versions.at(-1);
      if (!found.secret || !latest) {
        throw new SecretManagerError('NOT_FOUND', `Secret [${canonical}] not found or has no versions.`);
      }
      return { secret: found.secret, version: latest };
    }
    if (!/^[1-9][0-9]*$/.test(ref)) {
      throw new SecretManagerError('INVALID_ARGUMENT', `Invalid secret version [${ref}].`);
    }
    const version = found.secret?.versions.find((v) => v.number === Number(ref));
    if (!found.secret || !version) {
      throw new SecretManagerError('NOT_FOUND', `Secret Version [${canonical}/versions/${ref}] not found.`);
    }
    return { secret: found.secret, version };
  }
}

const keyOf = (location: string | undefined, id: string) => `${location ?? ''}/${id}`;

export function permissionText(permission: string, resource: string): string {
  return `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`;
}

function checkEtag(given: string | undefined, actual: string, resource: string): void {
  // AIP-154: a stale etag is ABORTED (the exact code Secret Manager uses is not documented).
  if (given && given !== actual) {
    throw new SecretManagerError(
      'ABORTED',
      `The etag provided for [${resource}] does not match the current etag.`,
    );
  }
}

/** Global secrets need a replication block, regional ones must not carry one. */
function replicationOf(
  replication: ReplicationMessage | null,
  location: string | undefined,
): ReplicationSetting {
  const kind =
    replication?.replication ??
    (replication?.automatic ? 'automatic' : replication?.userManaged ? 'userManaged' : undefined);
  if (location !== undefined) {
    if (kind) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        'Replication policy must not be set for a regional secret (its location is its replication).',
      );
    }
    return null;
  }
  if (kind === 'automatic') {
    const key = kmsKeyOf(replication?.automatic?.customerManagedEncryption, 'global');
    return { automatic: true, ...(key ? { kmsKeyName: key } : {}) };
  }
  if (kind === 'userManaged') {
    const replicas = replication?.userManaged?.replicas ?? [];
    const locations = replicas.map((r) => r.location);
    if (locations.length === 0 || locations.some((l) => !/^[a-z]+-[a-z]+[0-9]+$/.test(l))) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        'User-managed replication needs at least one replica with a valid location.',
      );
    }
    const keys: Record<string, string> = {};
    for (const r of replicas) {
      const key = kmsKeyOf(r.customerManagedEncryption, r.location);
      if (key) keys[r.location] = key;
    }
    return { userManaged: locations, ...(Object.keys(keys).length > 0 ? { kmsKeyNames: keys } : {}) };
  }
  throw new SecretManagerError('INVALID_ARGUMENT', 'Secret.replication must be set.');
}

/**
 * The Cloud KMS key of a CMEK block, checked as Google does: a CryptoKey resource name in the
 * location of what it encrypts (`global` for automatic replication). Undefined when there is none.
 */
function kmsKeyOf(cmek: CmekMessage | null | undefined, location: string): string | undefined {
  if (!cmek) return undefined;
  const m = KMS_KEY_RE.exec(cmek.kmsKeyName ?? '');
  if (!m) {
    throw new SecretManagerError(
      'INVALID_ARGUMENT',
      'customer_managed_encryption.kms_key_name must be projects/*/locations/*/keyRings/*/cryptoKeys/*.',
    );
  }
  if (m[1] !== location) {
    throw new SecretManagerError(
      'INVALID_ARGUMENT',
      `The Cloud KMS key must be in location ${location}, not ${m[1]}.`,
    );
  }
  return cmek.kmsKeyName;
}

/**
 * A replication update may change the CMEK keys, never the kind of replication or its
 * locations. An update that changes nothing about encryption is refused as before.
 */
function replicationUpdate(secret: StoredSecret, body: SecretMessage): ReplicationSetting {
  const current = secret.replication;
  // Global secrets always have a replication (replicationOf demands one), regional ones never.
  if (secret.location !== undefined || current === null) {
    throw new SecretManagerError(
      'INVALID_ARGUMENT',
      'A regional secret has no replication to update; use customer_managed_encryption.',
    );
  }
  const next = replicationOf(body.replication, undefined);
  const same =
    'automatic' in current
      ? next !== null && 'automatic' in next
      : next !== null &&
        'userManaged' in next &&
        [...next.userManaged].sort().join() === [...current.userManaged].sort().join();
  const keys = (r: ReplicationSetting) =>
    JSON.stringify(r && 'automatic' in r ? (r.kmsKeyName ?? null) : (r?.kmsKeyNames ?? null));
  if (!same || keys(next) === keys(current)) {
    throw new SecretManagerError(
      'INVALID_ARGUMENT',
      'Secret.replication can only be updated to change its customer-managed encryption; its locations are immutable.',
    );
  }
  return next;
}

function regionalKeyUpdate(secret: StoredSecret, body: SecretMessage): { key?: string } {
  if (secret.location === undefined) {
    throw new SecretManagerError(
      'INVALID_ARGUMENT',
      'customer_managed_encryption is for regional secrets; global secrets set it in their replication.',
    );
  }
  const key = kmsKeyOf(body.customerManagedEncryption, secret.location);
  return key ? { key } : {};
}

function checkLabels(labels: Record<string, string> | undefined): void {
  const entries = Object.entries(labels ?? {});
  if (entries.length > 64)
    throw new SecretManagerError('INVALID_ARGUMENT', 'A secret can have at most 64 labels.');
  for (const [key, value] of entries) {
    if (!LABEL_KEY_RE.test(key) || !LABEL_VALUE_RE.test(value)) {
      throw new SecretManagerError(
        'INVALID_ARGUMENT',
        `Invalid label [${key}]: keys start with a lowercase letter; keys and values use lowercase letters, digits, _ and -, at most 63 characters.`,
      );
    }
  }
}

function parseFilterOrThrow(filter: string): ReturnType<typeof parseFilter> {
  try {
    return parseFilter(filter);
  } catch (err) {
    throw new SecretManagerError('INVALID_ARGUMENT', `Invalid filter: ${(err as Error).message}`);
  }
}

/** Newest-first pages; the token names the last item served, so a concurrent create shifts nothing. */
function pageOf<T>(
  sorted: T[],
  key: (item: T) => number,
  req: { pageSize: number; pageToken: string },
  cap = MAX_PAGE_SIZE,
): { items: T[]; nextPageToken: string } {
  if (req.pageSize < 0) throw new SecretManagerError('INVALID_ARGUMENT', 'page_size must not be negative.');
  const size = Math.min(req.pageSize === 0 ? MAX_PAGE_SIZE : req.pageSize, MAX_PAGE_SIZE, cap);
  let start = 0;
  if (req.pageToken) {
    let after: unknown;
    try {
      after = (JSON.parse(Buffer.from(req.pageToken, 'base64url').toString('utf8')) as { after?: unknown })
        .after;
    } catch {
      after = undefined;
    }
    if (typeof after !== 'number') throw new SecretManagerError('INVALID_ARGUMENT', 'Invalid page token.');
    start = sorted.findIndex((item) => key(item) < after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + size);
  const last = items.at(-1);
  const more = start + size < sorted.length && last !== undefined;
  return {
    items,
    nextPageToken: more ? Buffer.from(JSON.stringify({ after: key(last) })).toString('base64url') : '',
  };
}

/** A stable 12-digit project number for a project id, as Google assigns one per project. */
export function projectNumberOf(projectId: string): string {
  const n = createHash('sha256').update(projectId).digest().readBigUInt64BE(0) % 900_000_000_000n;
  return String(n + 100_000_000_000n);
}

function toMillis(t: Timestamp): number {
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
}

function etag(): string {
  return `"${randomBytes(7).toString('hex')}"`;
}
