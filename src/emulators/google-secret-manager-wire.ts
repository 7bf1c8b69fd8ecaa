import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { parseFilter } from './google-secret-manager-filter.js';

/**
 * The wire side of the Google Secret Manager emulator: the service definition from the protos the
 * client package ships, the request shapes, resource-name patterns, the service's validation
 * rules, paging, and the gRPC status error the handlers throw.
 */

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

export class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

export const SERVICE = 'google.cloud.secretmanager.v1.SecretManagerService';
export const PARENT_RE = /^projects\/([^/]+)(?:\/locations\/([^/]+))?$/;
export const SECRET_RE = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)$/;
export const VERSION_RE = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)\/versions\/([^/]+)$/;
export const SECRET_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;
export const LABEL_KEY_RE = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
export const LABEL_VALUE_RE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
export const MAX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_PAGE_SIZE = 25_000;

let cachedDefinition: grpc.ServiceDefinition | undefined;

/** The service definition from the fully resolved protos.json the client package ships. */
export function serviceDefinition(): grpc.ServiceDefinition {
  if (cachedDefinition) return cachedDefinition;
  const require = createRequire(import.meta.url);
  const path = require.resolve('@google-cloud/secret-manager/build/protos/protos.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as Parameters<typeof protoLoader.fromJSON>[0];
  const definition = protoLoader.fromJSON(json, {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  cachedDefinition = definition[SERVICE] as grpc.ServiceDefinition;
  return cachedDefinition;
}

/** Global secrets need a replication block, regional ones must not carry one. */
export function replicationOf(
  replication: ReplicationMessage | null,
  location: string | undefined,
): ReplicationSetting {
  const kind =
    replication?.replication ??
    (replication?.automatic ? 'automatic' : replication?.userManaged ? 'userManaged' : undefined);
  if (location !== undefined) {
    if (kind) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
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
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
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
  throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Secret.replication must be set.');
}

const KMS_KEY_RE = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

/**
 * The Cloud KMS key of a CMEK block, checked as Google does: a CryptoKey resource name in the
 * location of what it encrypts (`global` for automatic replication). Undefined when there is none.
 */
export function kmsKeyOf(cmek: CmekMessage | null | undefined, location: string): string | undefined {
  if (!cmek) return undefined;
  const m = KMS_KEY_RE.exec(cmek.kmsKeyName ?? '');
  if (!m) {
    throw new RpcError(
      grpc.status.INVALID_ARGUMENT,
      'customer_managed_encryption.kms_key_name must be projects/*/locations/*/keyRings/*/cryptoKeys/*.',
    );
  }
  if (m[1] !== location) {
    throw new RpcError(
      grpc.status.INVALID_ARGUMENT,
      `The Cloud KMS key must be in location ${location}, not ${m[1]}.`,
    );
  }
  return cmek.kmsKeyName;
}

export function checkLabels(labels: Record<string, string> | undefined): void {
  const entries = Object.entries(labels ?? {});
  if (entries.length > 64)
    throw new RpcError(grpc.status.INVALID_ARGUMENT, 'A secret can have at most 64 labels.');
  for (const [key, value] of entries) {
    if (!LABEL_KEY_RE.test(key) || !LABEL_VALUE_RE.test(value)) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        `Invalid label [${key}]: keys start with a lowercase letter; keys and values use lowercase letters, digits, _ and -, at most 63 characters.`,
      );
    }
  }
}

export function parseFilterOrThrow(filter: string): ReturnType<typeof parseFilter> {
  try {
    return parseFilter(filter);
  } catch (err) {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid filter: ${(err as Error).message}`);
  }
}

/** Newest-first pages; the token names the last item served, so a concurrent create shifts nothing. */
export function pageOf<T>(
  sorted: T[],
  key: (item: T) => number,
  req: { pageSize: number; pageToken: string },
  cap = MAX_PAGE_SIZE,
): { items: T[]; nextPageToken: string } {
  if (req.pageSize < 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'page_size must not be negative.');
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
    if (typeof after !== 'number') throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Invalid page token.');
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

/** The secret a request addresses, for the log and the IAM deny list. */
export function targetOf(request: Record<string, unknown>): { id: string; resource: string } | undefined {
  const secret = request.secret as { name?: unknown } | null | undefined;
  if (typeof request.secretId === 'string' && request.secretId) {
    return { id: request.secretId, resource: `${String(request.parent)}/secrets/${request.secretId}` };
  }
  for (const candidate of [request.name, request.parent, secret?.name]) {
    if (typeof candidate !== 'string') continue;
    const m = VERSION_RE.exec(candidate) ?? SECRET_RE.exec(candidate);
    if (m) return { id: m[3]!, resource: candidate };
  }
  return undefined;
}

export function permissionText(permission: string, resource: string): string {
  return `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`;
}

/**
 * Drops the HTTP/2 connection under a call, as a reset socket would. grpc-js does not expose the
 * stream, so this walks its call wrappers; when the layout is not there the caller answers
 * UNAVAILABLE instead (what a client sees after a reset anyway).
 */
export function resetConnection(call: object): boolean {
  let node: unknown = call;
  for (let depth = 0; depth < 6 && node && typeof node === 'object'; depth++) {
    const stream = Reflect.get(node, 'stream') as { session?: { destroy?: () => void } } | undefined;
    if (stream?.session && typeof stream.session.destroy === 'function') {
      stream.session.destroy();
      return true;
    }
    node = Reflect.get(node, 'call') ?? Reflect.get(node, 'nextCall');
  }
  return false;
}

/** A stable 12-digit project number for a project id, as Google assigns one per project. */
export function projectNumberOf(projectId: string): string {
  const n = createHash('sha256').update(projectId).digest().readBigUInt64BE(0) % 900_000_000_000n;
  return String(n + 100_000_000_000n);
}

export function timestamp(ms: number): Timestamp {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function toMillis(t: Timestamp): number {
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
}

export function etag(): string {
  return `"${randomBytes(7).toString('hex')}"`;
}
