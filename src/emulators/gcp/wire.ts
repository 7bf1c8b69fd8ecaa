import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  EmulatorControls,
  type EmulatorOptions,
  type FaultOptions,
  type QuotaRule,
  type RunningEmulator,
} from '../harness.js';
import {
  type AddSecretVersionRequest,
  type CreateSecretRequest,
  type GoogleSecretSnapshot,
  type ListRequest,
  type NameRequest,
  type OperationName,
  PERMISSIONS,
  permissionText,
  projectNumberOf,
  SECRET_RE,
  SecretManagerError,
  SecretManagerModel,
  type StoredSecret,
  type StoredVersion,
  type UpdateSecretRequest,
  VERSION_RE,
} from './model.js';

/**
 * Google Secret Manager over gRPC (`google.cloud.secretmanager.v1.SecretManagerService`), served
 * from the protos that ship in `@google-cloud/secret-manager`, so the real client talks to it
 * unchanged. The state lives in model.ts; this layer frames gRPC, renders messages, enforces
 * quotas and the IAM deny list, and turns injected faults into gRPC statuses:
 *
 *   new SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure() })
 *
 * What it reproduces, because clients depend on it:
 * - names come back with the project NUMBER (`projects/123456789012/secrets/x`), requests may use
 *   the id or the number; a wrong project is PERMISSION_DENIED;
 * - regional secrets (`projects/p/locations/l`) refuse a replication block, global ones need one;
 * - `versions/latest` is the most recently created version whatever its state (a disabled or
 *   destroyed latest is FAILED_PRECONDITION, as the API does, not "newest enabled");
 * - a secret without versions reads `NOT_FOUND … not found or has no versions.`;
 * - CRC32C: checked when the client sends `data_crc32c`, computed otherwise, returned on access;
 * - lists are newest first, paged with opaque tokens that survive concurrent creates;
 * - per-project quotas as token buckets (see GOOGLE_DEFAULT_QUOTA) answered with
 *   RESOURCE_EXHAUSTED and Google's "Quota exceeded for quota metric …" message;
 * - customer-managed encryption (CMEK): a Cloud KMS key per replica (or for a regional secret),
 *   in the replica's location; UpdateSecret may change the keys (mask `replication` or
 *   `customer_managed_encryption`) but never the locations, and a key change applies only to
 *   versions added afterwards, each of which records the key it was encrypted with.
 */

export type GoogleQuotaClass = 'write' | 'read' | 'access';

/**
 * The published per-project quotas (docs.cloud.google.com/secret-manager/quotas): write 600/min,
 * read 600/min, access 90,000/min. Each is a bucket holding one minute's worth and refilled
 * continuously at the per-minute figure / 60: a burst of a full minute's quota passes at once (as at
 * Google), after which the sustained rate is exactly the per-minute figure. A fixed one-minute window
 * would let twice the quota through around a window edge; the bucket never does more than
 * quota + elapsed refill.
 */
export const GOOGLE_DEFAULT_QUOTA: Record<GoogleQuotaClass, QuotaRule> = {
  write: { rate: 600 / 60, burst: 600 },
  read: { rate: 600 / 60, burst: 600 },
  access: { rate: 90_000 / 60, burst: 90_000 },
};

const QUOTA_METRIC: Record<GoogleQuotaClass, string> = {
  write: 'Write requests',
  read: 'Read requests',
  access: 'Access requests',
};

export interface GoogleSecretManagerEmulatorOptions extends EmulatorOptions {
  /** The project id clients address. @default 'emulator-project' */
  projectId?: string;
  /** The number returned in names. @default derived from the project id */
  projectNumber?: string;
  /** Secret ids for which every call is PERMISSION_DENIED (an IAM deny). */
  deniedNames?: string[];
}

export interface RunningGoogleSecretManagerEmulator extends RunningEmulator {
  /** `host:port`, the form the gcp store's `endpoint` takes (plaintext gRPC). */
  readonly url: string;
  readonly projectId: string;
  readonly projectNumber: string;
  /** A secret by resource name (project id or number, global or regional), or undefined. */
  inspect(secretName: string): GoogleSecretSnapshot | undefined;
  /** From now on every call on this secret id is PERMISSION_DENIED. */
  deny(secretId: string): void;
  /** Caps list pages at `size` whatever the client asks (undefined: no cap), as a service may. */
  setPageSize(size: number | undefined): void;
}

/** What each operation costs against the quota, and whether the request log counts it a write. */
interface OperationSpec {
  quota: GoogleQuotaClass;
  write: boolean;
}

const OPERATIONS = {
  CreateSecret: { quota: 'write', write: true },
  AddSecretVersion: { quota: 'write', write: true },
  UpdateSecret: { quota: 'write', write: true },
  DeleteSecret: { quota: 'write', write: true },
  DisableSecretVersion: { quota: 'write', write: true },
  EnableSecretVersion: { quota: 'write', write: true },
  DestroySecretVersion: { quota: 'write', write: true },
  GetSecret: { quota: 'read', write: false },
  ListSecrets: { quota: 'read', write: false },
  ListSecretVersions: { quota: 'read', write: false },
  GetSecretVersion: { quota: 'read', write: false },
  AccessSecretVersion: { quota: 'access', write: false },
} satisfies Record<OperationName, OperationSpec>;

export async function startGoogleSecretManagerEmulator(
  options: GoogleSecretManagerEmulatorOptions = {},
): Promise<RunningGoogleSecretManagerEmulator> {
  const projectId = options.projectId ?? 'emulator-project';
  const projectNumber = options.projectNumber ?? projectNumberOf(projectId);
  const denied = new Set(options.deniedNames ?? []);
  const controls = new EmulatorControls(options, GOOGLE_DEFAULT_QUOTA);
  const model = new SecretManagerModel(projectId, projectNumber);

  function cmek(kmsKeyName: string | undefined): object | null {
    return kmsKeyName ? { kmsKeyName } : null;
  }

  function secretMessage(s: StoredSecret): object {
    const r = s.replication;
    return {
      name: model.secretName(s),
      replication:
        r === null
          ? null
          : 'automatic' in r
            ? { automatic: { customerManagedEncryption: cmek(r.kmsKeyName) } }
            : {
                userManaged: {
                  replicas: r.userManaged.map((location) => ({
                    location,
                    customerManagedEncryption: cmek(r.kmsKeyNames?.[location]),
                  })),
                },
              },
      customerManagedEncryption: cmek(s.kmsKeyName),
      createTime: timestamp(s.createTime),
      labels: { ...s.labels },
      annotations: { ...s.annotations },
      expireTime: s.expireTime === undefined ? null : timestamp(s.expireTime),
      etag: s.etag,
    };
  }

  /** What a version reports about its encryption: `replicationStatus` for global secrets, `customerManagedEncryption` for regional ones. */
  function encryptionStatus(s: StoredSecret, v: StoredVersion): object {
    const status = (location: string) => {
      const key = v.kmsKeys?.[location];
      return key ? { kmsKeyVersionName: `${key}/cryptoKeyVersions/1` } : null;
    };
    if (s.replication === null) return { customerManagedEncryption: status(s.location ?? '') };
    if ('automatic' in s.replication) {
      return { replicationStatus: { automatic: { customerManagedEncryption: status('global') } } };
    }
    return {
      replicationStatus: {
        userManaged: {
          replicas: s.replication.userManaged.map((location) => ({
            location,
            customerManagedEncryption: status(location),
          })),
        },
      },
    };
  }

  function versionMessage(s: StoredSecret, v: StoredVersion): object {
    return {
      ...encryptionStatus(s, v),
      name: model.versionName(s, v),
      createTime: timestamp(v.createTime),
      destroyTime: v.destroyTime === undefined ? null : timestamp(v.destroyTime),
      state: v.state,
      etag: v.etag,
      clientSpecifiedPayloadChecksum: v.clientSpecifiedPayloadChecksum,
    };
  }

  const handlers: Record<OperationName, (request: never) => object> = {
    CreateSecret: (req: CreateSecretRequest) => secretMessage(model.createSecret(req)),
    AddSecretVersion(req: AddSecretVersionRequest) {
      const { secret, version } = model.addSecretVersion(req);
      return versionMessage(secret, version);
    },
    AccessSecretVersion(req: NameRequest) {
      const { secret, version, data } = model.accessSecretVersion(req);
      return {
        name: model.versionName(secret, version),
        payload: { data, dataCrc32c: String(version.crc32c) },
      };
    },
    GetSecretVersion(req: NameRequest) {
      const { secret, version } = model.getSecretVersion(req);
      return versionMessage(secret, version);
    },
    GetSecret: (req: NameRequest) => secretMessage(model.getSecret(req)),
    UpdateSecret: (req: UpdateSecretRequest) => secretMessage(model.updateSecret(req)),
    DeleteSecret(req: NameRequest) {
      model.deleteSecret(req);
      return {};
    },
    ListSecrets(req: ListRequest) {
      const { items, nextPageToken, totalSize } = model.listSecrets(req);
      return { secrets: items.map(secretMessage), nextPageToken, totalSize };
    },
    ListSecretVersions(req: ListRequest) {
      const { secret, items, nextPageToken, totalSize } = model.listSecretVersions(req);
      return { versions: items.map((v) => versionMessage(secret, v)), nextPageToken, totalSize };
    },
    DisableSecretVersion(req: NameRequest) {
      const { secret, version } = model.changeState(req, 'DisableSecretVersion', 'DISABLED');
      return versionMessage(secret, version);
    },
    EnableSecretVersion(req: NameRequest) {
      const { secret, version } = model.changeState(req, 'EnableSecretVersion', 'ENABLED');
      return versionMessage(secret, version);
    },
    DestroySecretVersion(req: NameRequest) {
      const { secret, version } = model.changeState(req, 'DestroySecretVersion', 'DESTROYED');
      return versionMessage(secret, version);
    },
  };

  function quotaError(cls: GoogleQuotaClass): SecretManagerError {
    const metric = QUOTA_METRIC[cls];
    return new SecretManagerError(
      'RESOURCE_EXHAUSTED',
      `Quota exceeded for quota metric '${metric}' and limit '${metric} per minute per project' of service ` +
        `'secretmanager.googleapis.com' for consumer 'project_number:${projectNumber}'.`,
    );
  }

  function serve(op: OperationName): grpc.handleUnaryCall<unknown, object> {
    const spec: OperationSpec = OPERATIONS[op];
    return async (call, callback) => {
      const request = call.request as Record<string, unknown>;
      const target = targetOf(request);
      let outcome = 'OK';
      try {
        await controls.delay();
        const fault = controls.fault(op, target?.resource);
        if (fault === 'reset' && resetConnection(call)) {
          outcome = 'RESET';
          return;
        }
        if (fault === 'throttle') throw quotaError(spec.quota);
        if (fault === 'server-error' || fault === 'reset') {
          throw new SecretManagerError('UNAVAILABLE', 'The service is currently unavailable.');
        }
        if (controls.admit(spec.quota) > 0) throw quotaError(spec.quota);
        if (target?.id !== undefined && denied.has(target.id)) {
          throw new SecretManagerError('PERMISSION_DENIED', permissionText(PERMISSIONS[op], target.resource));
        }
        callback(null, handlers[op](request as never));
      } catch (err) {
        const e =
          err instanceof SecretManagerError
            ? err
            : new SecretManagerError('INTERNAL', `emulator failure: ${(err as Error).message}`);
        outcome = e.code;
        callback({ code: grpc.status[e.code], details: e.details });
      } finally {
        controls.record({
          operation: op,
          ...(target?.id ? { name: target.id } : {}),
          write: spec.write,
          outcome,
        });
      }
    };
  }

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const op of Object.keys(OPERATIONS) as OperationName[]) implementation[op] = serve(op);

  const server = new grpc.Server();
  server.addService(serviceDefinition(), implementation);
  const host = options.host ?? '127.0.0.1';
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        null,
        [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }],
        false,
      )
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );

  return {
    url: `${host}:${port}`,
    port,
    projectId,
    projectNumber,
    log: controls.log,
    credentials: { projectId, projectNumber },
    setFaults: (faults: FaultOptions | undefined) => controls.setFaults(faults),
    inspect: (name: string): GoogleSecretSnapshot | undefined => model.snapshot(name),
    deny(secretId: string): void {
      denied.add(secretId);
    },
    setPageSize(size: number | undefined): void {
      model.pageCap = size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Clients may keep channels open; do not wait on them.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 200).unref();
      }),
  };
}

const SERVICE = 'google.cloud.secretmanager.v1.SecretManagerService';
let cachedDefinition: grpc.ServiceDefinition | undefined;

/** The service definition from the fully resolved protos.json the client package ships. */
function serviceDefinition(): grpc.ServiceDefinition {
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

/** The secret a request addresses, for the log and the IAM deny list. */
function targetOf(request: Record<string, unknown>): { id: string; resource: string } | undefined {
  const secret = request.secret as { name?: unknown } | null | undefined;
  if (typeof request.secretId === 'string' && request.secretId) {
    return { id: request.secretId, resource: `${String(request.parent)}/secrets/${request.secretId}` };
  }
  for (const candidate of [request.name, request.parent, secret?.name]) {
    if (typeof candidate !== 'string') continue;
    const id = (VERSION_RE.exec(candidate) ?? SECRET_RE.exec(candidate))?.[3];
    if (id !== undefined) return { id, resource: candidate };
  }
  return undefined;
}

/**
 * Resets the call's HTTP/2 stream (RST_STREAM REFUSED_STREAM), as a proxy or a server going away
 * does; grpc-js reports it to the client as UNAVAILABLE. Only the stream is reset: destroying the
 * whole session under concurrent calls trips an assertion inside Node's HTTP/2 native code and
 * aborts the process. grpc-js does not expose the stream, so this walks its call wrappers; when
 * the layout is not there the caller answers UNAVAILABLE instead.
 */
function resetConnection(call: object): boolean {
  let node: unknown = call;
  for (let depth = 0; depth < 6 && node && typeof node === 'object'; depth++) {
    const stream = Reflect.get(node, 'stream') as
      | { close?: (code: number) => void; destroyed?: boolean }
      | undefined;
    if (stream && typeof stream.close === 'function' && stream.destroyed !== true) {
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return true;
    }
    node = Reflect.get(node, 'call') ?? Reflect.get(node, 'nextCall');
  }
  return false;
}

/** google.protobuf.Timestamp as proto-loader encodes it (seconds as a String long). */
function timestamp(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}
