import * as grpc from '@grpc/grpc-js';
import { crc32c } from '../util/crc32c.js';
import { filterMatches } from './google-secret-manager-filter.js';
import {
  type AddSecretVersionRequest,
  type CreateSecretRequest,
  checkLabels,
  etag,
  kmsKeyOf,
  type ListRequest,
  MAX_PAYLOAD_BYTES,
  type NameRequest,
  PARENT_RE,
  pageOf,
  parseFilterOrThrow,
  permissionText,
  projectNumberOf,
  type ReplicationSetting,
  RpcError,
  replicationOf,
  resetConnection,
  SECRET_ID_RE,
  SECRET_RE,
  serviceDefinition,
  targetOf,
  timestamp,
  toMillis,
  type UpdateSecretRequest,
  VERSION_RE,
} from './google-secret-manager-wire.js';
import {
  EmulatorControls,
  type EmulatorOptions,
  type FaultOptions,
  type QuotaRule,
  type RunningEmulator,
} from './harness.js';

/**
 * Google Secret Manager over gRPC (`google.cloud.secretmanager.v1.SecretManagerService`), served
 * from the protos that ship in `@google-cloud/secret-manager`, so the real client talks to it
 * unchanged:
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

type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

interface StoredVersion {
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

interface StoredSecret {
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

interface OperationSpec {
  quota: GoogleQuotaClass;
  write: boolean;
  permission: string;
}

const OPERATIONS = {
  CreateSecret: { quota: 'write', write: true, permission: 'secretmanager.secrets.create' },
  AddSecretVersion: { quota: 'write', write: true, permission: 'secretmanager.versions.add' },
  UpdateSecret: { quota: 'write', write: true, permission: 'secretmanager.secrets.update' },
  DeleteSecret: { quota: 'write', write: true, permission: 'secretmanager.secrets.delete' },
  DisableSecretVersion: { quota: 'write', write: true, permission: 'secretmanager.versions.disable' },
  EnableSecretVersion: { quota: 'write', write: true, permission: 'secretmanager.versions.enable' },
  DestroySecretVersion: { quota: 'write', write: true, permission: 'secretmanager.versions.destroy' },
  GetSecret: { quota: 'read', write: false, permission: 'secretmanager.secrets.get' },
  ListSecrets: { quota: 'read', write: false, permission: 'secretmanager.secrets.list' },
  ListSecretVersions: { quota: 'read', write: false, permission: 'secretmanager.versions.list' },
  GetSecretVersion: { quota: 'read', write: false, permission: 'secretmanager.versions.get' },
  AccessSecretVersion: { quota: 'access', write: false, permission: 'secretmanager.versions.access' },
} satisfies Record<string, OperationSpec>;
type OperationName = keyof typeof OPERATIONS;

export async function startGoogleSecretManagerEmulator(
  options: GoogleSecretManagerEmulatorOptions = {},
): Promise<RunningGoogleSecretManagerEmulator> {
  const projectId = options.projectId ?? 'emulator-project';
  const projectNumber = options.projectNumber ?? projectNumberOf(projectId);
  const denied = new Set(options.deniedNames ?? []);
  const controls = new EmulatorControls(options, GOOGLE_DEFAULT_QUOTA);
  const secrets = new Map<string, StoredSecret>();
  let seq = 0;
  let pageCap: number | undefined;

  const keyOf = (location: string | undefined, id: string) => `${location ?? ''}/${id}`;
  const secretName = (s: { location: string | undefined; id: string }) =>
    `projects/${projectNumber}${s.location ? `/locations/${s.location}` : ''}/secrets/${s.id}`;

  function checkProject(project: string | undefined, op: OperationName, resource: string): void {
    if (project !== projectId && project !== projectNumber) {
      throw new RpcError(grpc.status.PERMISSION_DENIED, permissionText(OPERATIONS[op].permission, resource));
    }
  }

  function parseParent(parent: string, op: OperationName): string | undefined {
    const m = PARENT_RE.exec(parent);
    if (!m) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid parent [${parent}].`);
    checkProject(m[1], op, parent);
    return m[2];
  }

  /** The stored secret a `projects/*/ secrets; /*` name points at; expired secrets are removed first. */
  function findSecret(
    name: string,
    op: OperationName,
  ): { location?: string; id: string; secret?: StoredSecret } {
    const m = SECRET_RE.exec(name);
    if (!m) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid secret name [${name}].`);
    checkProject(m[1], op, name);
    const location = m[2];
    const id = m[3]!;
    const key = keyOf(location, id);
    const secret = secrets.get(key);
    if (secret?.expireTime !== undefined && secret.expireTime <= Date.now()) {
      secrets.delete(key);
      return { location, id };
    }
    return { location, id, secret };
  }

  function requireSecret(name: string, op: OperationName): StoredSecret {
    const found = findSecret(name, op);
    if (!found.secret) {
      throw new RpcError(
        grpc.status.NOT_FOUND,
        `Secret [${secretName({ location: found.location, id: found.id })}] not found.`,
      );
    }
    return found.secret;
  }

  /** Resolves `…/versions/{n|latest}`; `latest` is the newest version in any state. */
  function findVersion(name: string, op: OperationName): { secret: StoredSecret; version: StoredVersion } {
    const m = VERSION_RE.exec(name);
    if (!m) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid secret version name [${name}].`);
    const secretPath = name.slice(0, name.lastIndexOf('/versions/'));
    const found = findSecret(secretPath, op);
    const canonical = secretName({ location: found.location, id: found.id });
    const ref = m[4]!;
    if (ref === 'latest') {
      const latest = found.secret?.versions.at(-1);
      if (!found.secret || !latest) {
        throw new RpcError(grpc.status.NOT_FOUND, `Secret [${canonical}] not found or has no versions.`);
      }
      return { secret: found.secret, version: latest };
    }
    if (!/^[1-9][0-9]*$/.test(ref)) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid secret version [${ref}].`);
    }
    const version = found.secret?.versions.find((v) => v.number === Number(ref));
    if (!found.secret || !version) {
      throw new RpcError(grpc.status.NOT_FOUND, `Secret Version [${canonical}/versions/${ref}] not found.`);
    }
    return { secret: found.secret, version };
  }

  const versionName = (secret: StoredSecret, v: StoredVersion) =>
    `${secretName(secret)}/versions/${v.number}`;

  function cmek(kmsKeyName: string | undefined): object | null {
    return kmsKeyName ? { kmsKeyName } : null;
  }

  /** The CMEK keys a secret uses now, by location. */
  function keysOf(s: StoredSecret): Record<string, string> {
    if (s.replication === null) return s.kmsKeyName && s.location ? { [s.location]: s.kmsKeyName } : {};
    if ('automatic' in s.replication)
      return s.replication.kmsKeyName ? { global: s.replication.kmsKeyName } : {};
    return { ...s.replication.kmsKeyNames };
  }

  function secretMessage(s: StoredSecret): object {
    const r = s.replication;
    return {
      name: secretName(s),
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
      name: versionName(s, v),
      createTime: timestamp(v.createTime),
      destroyTime: v.destroyTime === undefined ? null : timestamp(v.destroyTime),
      state: v.state,
      etag: v.etag,
      clientSpecifiedPayloadChecksum: v.clientSpecifiedPayloadChecksum,
    };
  }

  function checkEtag(given: string | undefined, actual: string, resource: string): void {
    // AIP-154: a stale etag is ABORTED (the exact code Secret Manager uses is not documented).
    if (given && given !== actual) {
      throw new RpcError(
        grpc.status.ABORTED,
        `The etag provided for [${resource}] does not match the current etag.`,
      );
    }
  }

  function changeState(req: NameRequest, op: OperationName, to: VersionState): object {
    const { secret, version } = findVersion(req.name, op);
    checkEtag(req.etag, version.etag, versionName(secret, version));
    if (version.state === 'DESTROYED') {
      throw new RpcError(
        grpc.status.FAILED_PRECONDITION,
        `Secret Version [${versionName(secret, version)}] is in DESTROYED state.`,
      );
    }
    version.state = to;
    version.etag = etag();
    if (to === 'DESTROYED') {
      version.data = undefined;
      version.destroyTime = Date.now();
    }
    return versionMessage(secret, version);
  }

  /**
   * A replication update may change the CMEK keys, never the kind of replication or its
   * locations. An update that changes nothing about encryption is refused as before.
   */
  function replicationUpdate(
    secret: StoredSecret,
    body: UpdateSecretRequest['secret'] & object,
  ): ReplicationSetting {
    if (secret.location !== undefined) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        'A regional secret has no replication to update; use customer_managed_encryption.',
      );
    }
    const next = replicationOf(body.replication, undefined);
    const current = secret.replication!;
    const same =
      'automatic' in current
        ? next !== null && 'automatic' in next
        : next !== null &&
          'userManaged' in next &&
          [...next.userManaged].sort().join() === [...current.userManaged].sort().join();
    const keys = (r: ReplicationSetting) =>
      JSON.stringify(r && 'automatic' in r ? (r.kmsKeyName ?? null) : (r?.kmsKeyNames ?? null));
    if (!same || keys(next) === keys(current)) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        'Secret.replication can only be updated to change its customer-managed encryption; its locations are immutable.',
      );
    }
    return next;
  }

  function regionalKeyUpdate(
    secret: StoredSecret,
    body: UpdateSecretRequest['secret'] & object,
  ): { key?: string } {
    if (secret.location === undefined) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        'customer_managed_encryption is for regional secrets; global secrets set it in their replication.',
      );
    }
    const key = kmsKeyOf(body.customerManagedEncryption, secret.location);
    return key ? { key } : {};
  }

  const handlers: Record<OperationName, (request: never) => object> = {
    CreateSecret(req: CreateSecretRequest) {
      const location = parseParent(req.parent, 'CreateSecret');
      if (!SECRET_ID_RE.test(req.secretId)) {
        throw new RpcError(
          grpc.status.INVALID_ARGUMENT,
          `Secret id [${req.secretId}] must be 1 to 255 characters from [a-zA-Z0-9_-].`,
        );
      }
      const body = req.secret;
      if (!body) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Secret must be specified.');
      const replication = replicationOf(body.replication, location);
      if (location === undefined && body.customerManagedEncryption) {
        throw new RpcError(
          grpc.status.INVALID_ARGUMENT,
          'customer_managed_encryption is for regional secrets; global secrets set it in their replication.',
        );
      }
      const regionalKey =
        location === undefined ? undefined : kmsKeyOf(body.customerManagedEncryption, location);
      checkLabels(body.labels);
      const key = keyOf(location, req.secretId);
      if (findSecret(`${req.parent}/secrets/${req.secretId}`, 'CreateSecret').secret) {
        throw new RpcError(
          grpc.status.ALREADY_EXISTS,
          `Secret [${secretName({ location, id: req.secretId })}] already exists.`,
        );
      }
      const now = Date.now();
      const secret: StoredSecret = {
        seq: ++seq,
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
      secrets.set(key, secret);
      return secretMessage(secret);
    },

    AddSecretVersion(req: AddSecretVersionRequest) {
      const secret = requireSecret(req.parent, 'AddSecretVersion');
      const payload = req.payload;
      if (!payload) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Payload must be specified.');
      const data = Buffer.from(payload.data ?? Buffer.alloc(0));
      if (data.length > MAX_PAYLOAD_BYTES) {
        throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Secret Payload cannot be larger than 64KiB.');
      }
      const sum = crc32c(data);
      const given = payload._dataCrc32c === 'dataCrc32c' ? payload.dataCrc32c : undefined;
      // Wording is ours; the code (INVALID_ARGUMENT) is what Google documents for a mismatch.
      if (given != null && BigInt(given) !== BigInt(sum)) {
        throw new RpcError(
          grpc.status.INVALID_ARGUMENT,
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
      const keys = keysOf(secret);
      if (Object.keys(keys).length > 0) version.kmsKeys = keys;
      secret.versions.push(version);
      return versionMessage(secret, version);
    },

    AccessSecretVersion(req: NameRequest) {
      const { secret, version } = findVersion(req.name, 'AccessSecretVersion');
      if (version.state !== 'ENABLED' || !version.data) {
        throw new RpcError(
          grpc.status.FAILED_PRECONDITION,
          `Secret Version [${versionName(secret, version)}] is in ${version.state} state.`,
        );
      }
      return {
        name: versionName(secret, version),
        payload: { data: version.data, dataCrc32c: String(version.crc32c) },
      };
    },

    GetSecretVersion(req: NameRequest) {
      const { secret, version } = findVersion(req.name, 'GetSecretVersion');
      return versionMessage(secret, version);
    },

    GetSecret(req: NameRequest) {
      return secretMessage(requireSecret(req.name, 'GetSecret'));
    },

    UpdateSecret(req: UpdateSecretRequest) {
      if (!req.secret) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Secret must be specified.');
      const secret = requireSecret(req.secret.name, 'UpdateSecret');
      const paths = req.updateMask?.paths ?? [];
      if (paths.length === 0)
        throw new RpcError(grpc.status.INVALID_ARGUMENT, 'update_mask must be specified.');
      const updatable = [
        'labels',
        'annotations',
        'replication',
        'customer_managed_encryption',
        'customerManagedEncryption',
      ];
      const unsupported = paths.filter((p) => !updatable.includes(p));
      if (unsupported.length > 0) {
        throw new RpcError(
          grpc.status.INVALID_ARGUMENT,
          `This emulator updates only labels, annotations and customer-managed encryption, not: ${unsupported.join(', ')}.`,
        );
      }
      checkEtag(req.secret.etag, secret.etag, secretName(secret));
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
      return secretMessage(secret);
    },

    DeleteSecret(req: NameRequest) {
      const secret = requireSecret(req.name, 'DeleteSecret');
      checkEtag(req.etag, secret.etag, secretName(secret));
      secrets.delete(keyOf(secret.location, secret.id));
      return {};
    },

    ListSecrets(req: ListRequest) {
      const location = parseParent(req.parent, 'ListSecrets');
      const filter = parseFilterOrThrow(req.filter);
      const matching = [...secrets.values()]
        .filter((s) => s.location === location && !(s.expireTime !== undefined && s.expireTime <= Date.now()))
        .filter((s) => filterMatches(filter, { name: secretName(s), labels: s.labels }))
        .sort((a, b) => b.seq - a.seq);
      const { items, nextPageToken } = pageOf(matching, (s) => s.seq, req, pageCap);
      return { secrets: items.map(secretMessage), nextPageToken, totalSize: matching.length };
    },

    ListSecretVersions(req: ListRequest) {
      const secret = requireSecret(req.parent, 'ListSecretVersions');
      const filter = parseFilterOrThrow(req.filter);
      const matching = secret.versions
        .filter((v) => filterMatches(filter, { name: versionName(secret, v), labels: {}, state: v.state }))
        .slice()
        .reverse();
      const { items, nextPageToken } = pageOf(matching, (v) => v.number, req, pageCap);
      return {
        versions: items.map((v) => versionMessage(secret, v)),
        nextPageToken,
        totalSize: matching.length,
      };
    },

    DisableSecretVersion(req: NameRequest) {
      return changeState(req, 'DisableSecretVersion', 'DISABLED');
    },
    EnableSecretVersion(req: NameRequest) {
      return changeState(req, 'EnableSecretVersion', 'ENABLED');
    },
    DestroySecretVersion(req: NameRequest) {
      return changeState(req, 'DestroySecretVersion', 'DESTROYED');
    },
  };

  function quotaError(cls: GoogleQuotaClass): RpcError {
    const metric = QUOTA_METRIC[cls];
    return new RpcError(
      grpc.status.RESOURCE_EXHAUSTED,
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
        const fault = controls.fault(op);
        if (fault === 'reset' && resetConnection(call)) {
          outcome = 'RESET';
          return;
        }
        if (fault === 'throttle') throw quotaError(spec.quota);
        if (fault === 'server-error' || fault === 'reset') {
          throw new RpcError(grpc.status.UNAVAILABLE, 'The service is currently unavailable.');
        }
        if (controls.admit(spec.quota) > 0) throw quotaError(spec.quota);
        if (target?.id !== undefined && denied.has(target.id)) {
          throw new RpcError(grpc.status.PERMISSION_DENIED, permissionText(spec.permission, target.resource));
        }
        callback(null, handlers[op](request as never));
      } catch (err) {
        const rpc =
          err instanceof RpcError
            ? err
            : new RpcError(grpc.status.INTERNAL, `emulator failure: ${(err as Error).message}`);
        outcome = grpc.status[rpc.code] ?? String(rpc.code);
        callback({ code: rpc.code, details: rpc.details });
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
    inspect(name: string): GoogleSecretSnapshot | undefined {
      const m = SECRET_RE.exec(name);
      if (!m || (m[1] !== projectId && m[1] !== projectNumber)) return undefined;
      const s = secrets.get(keyOf(m[2], m[3]!));
      if (!s) return undefined;
      return {
        name: secretName(s),
        replication: s.replication,
        labels: { ...s.labels },
        ...(Object.keys(keysOf(s)).length > 0 ? { kmsKeyNames: keysOf(s) } : {}),
        versions: s.versions.map((v) => ({
          version: v.number,
          state: v.state,
          clientSpecifiedPayloadChecksum: v.clientSpecifiedPayloadChecksum,
          ...(v.kmsKeys ? { kmsKeyNames: { ...v.kmsKeys } } : {}),
        })),
      };
    },
    deny(secretId: string): void {
      denied.add(secretId);
    },
    setPageSize(size: number | undefined): void {
      pageCap = size;
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
