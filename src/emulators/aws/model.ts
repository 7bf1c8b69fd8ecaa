import { randomBytes, randomUUID } from 'node:crypto';

/**
 * The state machine behind the AWS Secrets Manager emulator: secrets, versions and staging labels,
 * ClientRequestToken idempotency, scheduled deletion with its recovery window, tags and
 * ListSecrets paging and filters. Semantics follow the AWS Secrets Manager API Reference
 * (docs.aws.amazon.com/secretsmanager/latest/apireference), including the messages for secrets
 * scheduled for deletion; dates are epoch seconds.
 */

export type Json = Record<string, unknown>;

/** A service error: `type` becomes `__type`, HTTP 400 unless the service says otherwise. */
export class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Version {
  id: string;
  secretString?: string;
  secretBinary?: string;
  stages: Set<string>;
  created: number;
}

interface Secret {
  seq: number;
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Map<string, string>;
  created: number;
  lastChanged: number;
  lastAccessed?: number;
  /**
   * When a scheduled deletion completes (epoch seconds). DescribeSecret reports it as
   * `DeletedDate`, "the date the secret is scheduled for deletion" in the API reference.
   */
  deletionDate?: number;
  versions: Map<string, Version>;
}

/** What tests may inspect about a secret. */
export interface SecretSnapshot {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** Set while the secret is scheduled for deletion. */
  deletionDate?: Date;
  /** Versions kept, deprecated ones included. */
  versionCount: number;
  current?: string;
}

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const MAX_SECRET_BYTES = 65_536;
const MAX_TAGS = 50;
/** AWS prunes versions without a staging label beyond about 100. */
const MAX_DEPRECATED_VERSIONS = 100;
const FILTER_KEYS = [
  'all',
  'description',
  'name',
  'owning-service',
  'primary-region',
  'tag-key',
  'tag-value',
];
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

export const MESSAGES = {
  notFound: "Secrets Manager can't find the specified secret.",
  markedForDeletion: "You can't perform this operation on the secret because it was marked for deletion.",
  createScheduled:
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
} as const;

/** Operations that change state; they share the write quota. */
export const WRITE_OPERATIONS = new Set([
  'CreateSecret',
  'PutSecretValue',
  'UpdateSecret',
  'DeleteSecret',
  'RestoreSecret',
  'TagResource',
  'UntagResource',
]);

export class SecretsManagerModel {
  readonly #secrets = new Map<string, Secret>();
  #seq = 0;
  /** Server-side cap on a ListSecrets page: real AWS may return pages shorter than MaxResults. */
  maxPageSize: number | undefined;

  constructor(
    readonly region: string,
    readonly account = '123456789012',
  ) {}

  call(operation: string, input: Json): Json {
    this.#purgeExpired();
    switch (operation) {
      case 'CreateSecret':
        return this.#create(input);
      case 'GetSecretValue':
        return this.#get(input);
      case 'PutSecretValue':
        return this.#put(input);
      case 'UpdateSecret':
        return this.#update(input);
      case 'DescribeSecret':
        return this.#describe(input);
      case 'DeleteSecret':
        return this.#delete(input);
      case 'RestoreSecret':
        return this.#restore(input);
      case 'ListSecrets':
        return this.#list(input);
      case 'ListSecretVersionIds':
        return this.#listVersions(input);
      case 'TagResource':
        return this.#tag(input);
      case 'UntagResource':
        return this.#untag(input);
      default:
        throw new AwsFault('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  /** The secret name an input addresses (`Name`, or `SecretId` as a name or ARN), for logs and access checks. */
  nameOf(input: Json): string | undefined {
    if (typeof input.Name === 'string') return input.Name;
    if (typeof input.SecretId !== 'string') return undefined;
    return this.#find(input.SecretId)?.name ?? input.SecretId;
  }

  plant(name: string, secretString: string): void {
    this.#create({ Name: name, SecretString: secretString });
  }

  snapshot(name: string): SecretSnapshot | undefined {
    this.#purgeExpired();
    const s = this.#secrets.get(name);
    if (!s) return undefined;
    const current = [...s.versions.values()].find((v) => v.stages.has(CURRENT));
    return {
      name: s.name,
      arn: s.arn,
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.kmsKeyId !== undefined ? { kmsKeyId: s.kmsKeyId } : {}),
      tags: Object.fromEntries(s.tags),
      ...(s.deletionDate !== undefined ? { deletionDate: new Date(s.deletionDate * 1000) } : {}),
      versionCount: s.versions.size,
      ...(current?.secretString !== undefined ? { current: current.secretString } : {}),
    };
  }

  // --- operations ---

  #create(input: Json): Json {
    const name = requireString(input, 'Name');
    if (!NAME.test(name)) {
      throw new AwsFault(
        'ValidationException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
    const value = secretValue(input);
    const token = clientToken(input);
    const existing = this.#secrets.get(name);
    if (existing?.deletionDate !== undefined)
      throw new AwsFault('InvalidRequestException', MESSAGES.createScheduled);
    if (existing) {
      // A retried CreateSecret (same token, same value) answers as the first one did.
      const same = token ? existing.versions.get(token) : undefined;
      if (same && value && sameValue(same, value))
        return { ARN: existing.arn, Name: name, VersionId: same.id };
      throw new AwsFault(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const tags = tagList(input.Tags);
    const t = now();
    const secret: Secret = {
      seq: ++this.#seq,
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}-${suffix()}`,
      tags: new Map(tags.map((tag) => [tag.Key, tag.Value])),
      created: t,
      lastChanged: t,
      versions: new Map(),
    };
    if (typeof input.Description === 'string') secret.description = input.Description;
    if (typeof input.KmsKeyId === 'string' && !isManagedKey(input.KmsKeyId)) secret.kmsKeyId = input.KmsKeyId;
    this.#secrets.set(name, secret);
    if (!value) return { ARN: secret.arn, Name: name };
    const v = addVersion(secret, token ?? randomUUID(), value, [CURRENT]);
    return { ARN: secret.arn, Name: name, VersionId: v.id };
  }

  #get(input: Json): Json {
    const s = this.#active(input);
    const versionId = optionalString(input, 'VersionId');
    const stage = optionalString(input, 'VersionStage') ?? (versionId ? undefined : CURRENT);
    const v = versionId
      ? s.versions.get(versionId)
      : [...s.versions.values()].find((x) => stage && x.stages.has(stage));
    if (!v || (stage && !v.stages.has(stage))) {
      const what = versionId ? `VersionId: ${versionId}` : `staging label: ${stage}`;
      throw new AwsFault(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${what}`,
      );
    }
    s.lastAccessed = today();
    return {
      ARN: s.arn,
      Name: s.name,
      VersionId: v.id,
      ...(v.secretString !== undefined ? { SecretString: v.secretString } : {}),
      ...(v.secretBinary !== undefined ? { SecretBinary: v.secretBinary } : {}),
      VersionStages: [...v.stages],
      CreatedDate: v.created,
    };
  }

  #put(input: Json): Json {
    const s = this.#active(input);
    const value = secretValue(input);
    if (!value)
      throw new AwsFault('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    const stages = Array.isArray(input.VersionStages) ? input.VersionStages.map(String) : [CURRENT];
    const v = this.#newVersion(s, clientToken(input), value, stages);
    return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
  }

  #update(input: Json): Json {
    const s = this.#active(input);
    if (typeof input.Description === 'string') s.description = input.Description;
    if (typeof input.KmsKeyId === 'string') {
      if (isManagedKey(input.KmsKeyId)) delete s.kmsKeyId;
      else s.kmsKeyId = input.KmsKeyId;
    }
    s.lastChanged = now();
    const value = secretValue(input);
    if (!value) return { ARN: s.arn, Name: s.name };
    const v = this.#newVersion(s, clientToken(input), value, [CURRENT]);
    return { ARN: s.arn, Name: s.name, VersionId: v.id };
  }

  #describe(input: Json): Json {
    const s = this.#existing(input);
    const staged: Record<string, string[]> = {};
    for (const v of s.versions.values()) if (v.stages.size > 0) staged[v.id] = [...v.stages];
    return {
      ...summary(s),
      RotationEnabled: false,
      ...(Object.keys(staged).length > 0 ? { VersionIdsToStages: staged } : {}),
    };
  }

  #delete(input: Json): Json {
    const force = input.ForceDeleteWithoutRecovery === true;
    const window = input.RecoveryWindowInDays;
    if (force && window !== undefined) {
      throw new AwsFault(
        'InvalidParameterException',
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    const days = window === undefined ? 30 : Number(window);
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw new AwsFault(
        'InvalidParameterException',
        'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      );
    }
    const s = this.#existing(input);
    const t = now();
    if (force) {
      this.#secrets.delete(s.name);
      return { ARN: s.arn, Name: s.name, DeletionDate: t };
    }
    if (s.deletionDate !== undefined)
      throw new AwsFault('InvalidRequestException', MESSAGES.markedForDeletion);
    s.deletionDate = t + days * 86_400;
    s.lastChanged = t;
    return { ARN: s.arn, Name: s.name, DeletionDate: s.deletionDate };
  }

  #restore(input: Json): Json {
    const s = this.#existing(input);
    delete s.deletionDate;
    s.lastChanged = now();
    return { ARN: s.arn, Name: s.name };
  }

  #list(input: Json): Json {
    const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      throw new AwsFault(
        'ValidationException',
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100",
      );
    }
    const filters = parseFilters(input.Filters);
    const includeDeleted = input.IncludePlannedDeletion === true;
    const matching = [...this.#secrets.values()]
      .filter((s) => includeDeleted || s.deletionDate === undefined)
      .filter((s) => filters.every((f) => f.values.some((v) => matchesFilter(s, f.key, v, this.region))));
    sortSecrets(matching, optionalString(input, 'SortBy'), optionalString(input, 'SortOrder'));
    const offset = decodeToken(input.NextToken);
    const size = Math.min(max, this.maxPageSize ?? max);
    const page = matching.slice(offset, offset + size);
    const entries = page.map((s) => ({ ...summary(s), SecretVersionsToStages: stagesOf(s) }));
    const next = offset + size < matching.length ? { NextToken: encodeToken(offset + size) } : {};
    return { SecretList: entries, ...next };
  }

  #listVersions(input: Json): Json {
    const s = this.#existing(input);
    const all = input.IncludeDeprecated === true;
    const versions = [...s.versions.values()]
      .filter((v) => all || v.stages.size > 0)
      .sort((a, b) => b.created - a.created)
      .map((v) => ({ VersionId: v.id, VersionStages: [...v.stages], CreatedDate: v.created }));
    return { Versions: versions, ARN: s.arn, Name: s.name };
  }

  #tag(input: Json): Json {
    const s = this.#existing(input);
    for (const tag of tagList(input.Tags)) s.tags.set(tag.Key, tag.Value);
    if (s.tags.size > MAX_TAGS)
      throw new AwsFault('ValidationException', `A secret can have at most ${MAX_TAGS} tags.`);
    return {};
  }

  #untag(input: Json): Json {
    const s = this.#existing(input);
    const keys = Array.isArray(input.TagKeys) ? input.TagKeys.map(String) : [];
    for (const k of keys) s.tags.delete(k);
    return {};
  }

  // --- helpers ---

  #newVersion(s: Secret, token: string | undefined, value: Value, stages: string[]): Version {
    const existing = token ? s.versions.get(token) : undefined;
    if (existing) {
      if (sameValue(existing, value)) return existing;
      throw new AwsFault(
        'ResourceExistsException',
        `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${s.arn}.`,
      );
    }
    s.lastChanged = now();
    return addVersion(s, token ?? randomUUID(), value, stages);
  }

  #find(secretId: string): Secret | undefined {
    const byName = this.#secrets.get(secretId);
    if (byName) return byName;
    if (!secretId.startsWith('arn:')) return undefined;
    // A full ARN, or a partial one without the random suffix.
    const tail = secretId.slice(secretId.indexOf(':secret:') + ':secret:'.length);
    for (const s of this.#secrets.values()) if (s.arn === secretId || s.name === tail) return s;
    return undefined;
  }

  /** The addressed secret, scheduled for deletion or not. */
  #existing(input: Json): Secret {
    const s = this.#find(requireString(input, 'SecretId'));
    if (!s) throw new AwsFault('ResourceNotFoundException', MESSAGES.notFound);
    return s;
  }

  /** The addressed secret, which must not be scheduled for deletion. */
  #active(input: Json): Secret {
    const s = this.#existing(input);
    if (s.deletionDate !== undefined)
      throw new AwsFault('InvalidRequestException', MESSAGES.markedForDeletion);
    return s;
  }

  #purgeExpired(): void {
    const t = now();
    for (const [name, s] of this.#secrets)
      if (s.deletionDate !== undefined && s.deletionDate <= t) this.#secrets.delete(name);
  }
}

type Value = { secretString: string } | { secretBinary: string };

function secretValue(input: Json): Value | undefined {
  const str = optionalString(input, 'SecretString');
  const bin = optionalString(input, 'SecretBinary');
  if (str !== undefined && bin !== undefined) {
    throw new AwsFault(
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (str !== undefined) {
    if (Buffer.byteLength(str, 'utf8') > MAX_SECRET_BYTES) {
      throw new AwsFault(
        'ValidationException',
        "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
      );
    }
    return { secretString: str };
  }
  return bin === undefined ? undefined : { secretBinary: bin };
}

function sameValue(v: Version, value: Value): boolean {
  return 'secretString' in value
    ? v.secretString === value.secretString
    : v.secretBinary === value.secretBinary;
}

/**
 * Adds a version carrying `stages`. Moving AWSCURRENT gives the version that lost it AWSPREVIOUS,
 * and takes AWSPREVIOUS from the one that held it, which is then deprecated (no label).
 */
function addVersion(s: Secret, id: string, value: Value, stages: string[]): Version {
  let formerCurrent: Version | undefined;
  for (const v of s.versions.values()) {
    for (const stage of stages) {
      if (!v.stages.delete(stage)) continue;
      if (stage === CURRENT) formerCurrent = v;
    }
  }
  if (formerCurrent) {
    for (const v of s.versions.values()) v.stages.delete(PREVIOUS);
    formerCurrent.stages.add(PREVIOUS);
  }
  const version: Version = { id, ...value, stages: new Set(stages), created: now() };
  s.versions.set(id, version);
  const deprecated = [...s.versions.values()].filter((v) => v.stages.size === 0);
  for (const v of deprecated.slice(0, Math.max(0, deprecated.length - MAX_DEPRECATED_VERSIONS))) {
    s.versions.delete(v.id);
  }
  return version;
}

function summary(s: Secret): Json {
  return {
    ARN: s.arn,
    Name: s.name,
    ...(s.description !== undefined ? { Description: s.description } : {}),
    ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
    LastChangedDate: s.lastChanged,
    ...(s.lastAccessed !== undefined ? { LastAccessedDate: s.lastAccessed } : {}),
    ...(s.deletionDate !== undefined ? { DeletedDate: s.deletionDate } : {}),
    ...(s.tags.size > 0 ? { Tags: [...s.tags].map(([Key, Value]) => ({ Key, Value })) } : {}),
    CreatedDate: s.created,
  };
}

function stagesOf(s: Secret): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of s.versions.values()) if (v.stages.size > 0) out[v.id] = [...v.stages];
  return out;
}

interface Filter {
  key: string;
  values: string[];
}

function parseFilters(raw: unknown): Filter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new AwsFault('ValidationException', 'Filters must be a list.');
  return raw.map((f: unknown) => {
    const entry = (f ?? {}) as Json;
    const key = String(entry.Key ?? '');
    if (!FILTER_KEYS.includes(key)) {
      throw new AwsFault(
        'ValidationException',
        `1 validation error detected: Value '${key}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    const values = Array.isArray(entry.Values) ? entry.Values.map(String) : [];
    return { key, values };
  });
}

/** Prefix matches; `!` negates; `all` and `description` ignore case (as moto models the service). */
function matchesFilter(s: Secret, key: string, raw: string, region: string): boolean {
  const negate = raw.startsWith('!');
  const value = negate ? raw.slice(1) : raw;
  const prefixOf = (text: string | undefined, fold = false) =>
    text !== undefined &&
    (fold ? text.toLowerCase().startsWith(value.toLowerCase()) : text.startsWith(value));
  let hit: boolean;
  switch (key) {
    case 'name':
      hit = prefixOf(s.name);
      break;
    case 'description':
      hit = (s.description ?? '').split(/\s+/).some((w) => prefixOf(w, true));
      break;
    case 'tag-key':
      hit = [...s.tags.keys()].some((k) => prefixOf(k));
      break;
    case 'tag-value':
      hit = [...s.tags.values()].some((v) => prefixOf(v));
      break;
    case 'primary-region':
      hit = value === region;
      break;
    case 'all':
      hit = [s.name, ...(s.description ?? '').split(/\s+/), ...s.tags.keys(), ...s.tags.values()].some((t) =>
        prefixOf(t, true),
      );
      break;
    default:
      hit = false;
  }
  return negate ? !hit : hit;
}

function sortSecrets(list: Secret[], by: string | undefined, order: string | undefined): void {
  const key = (s: Secret): string | number => {
    switch (by) {
      case 'name':
        return s.name;
      case 'last-changed-date':
        return s.lastChanged;
      case 'last-accessed-date':
        return s.lastAccessed ?? 0;
      default:
        return s.seq;
    }
  };
  const dir = order === 'desc' ? -1 : 1;
  list.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a.seq - b.seq) * dir;
  });
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(raw: unknown): number {
  if (raw === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through to the service's error
  }
  throw new AwsFault('InvalidNextTokenException', 'The NextToken value is invalid.');
}

function tagList(raw: unknown): Array<{ Key: string; Value: string }> {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_TAGS) {
    throw new AwsFault('ValidationException', `Tags must be a list of at most ${MAX_TAGS} entries.`);
  }
  return raw.map((t: unknown) => {
    const tag = (t ?? {}) as Json;
    if (typeof tag.Key !== 'string' || tag.Key.length < 1 || tag.Key.length > 128) {
      throw new AwsFault('ValidationException', 'Tag keys must be 1 to 128 characters.');
    }
    const value = String(tag.Value ?? '');
    if (value.length > 256)
      throw new AwsFault('ValidationException', 'Tag values must be at most 256 characters.');
    return { Key: tag.Key, Value: value };
  });
}

function clientToken(input: Json): string | undefined {
  const token = optionalString(input, 'ClientRequestToken');
  if (token !== undefined && (token.length < 32 || token.length > 64)) {
    throw new AwsFault(
      'ValidationException',
      "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64",
    );
  }
  return token;
}

function requireString(input: Json, member: string): string {
  const v = optionalString(input, member);
  if (v === undefined || v === '') {
    const field = member[0]?.toLowerCase() + member.slice(1);
    throw new AwsFault(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

function optionalString(input: Json, member: string): string | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AwsFault('SerializationException', `${member} must be a string.`);
  return v;
}

function suffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * The AWS managed key (`aws/secretsmanager`, by alias or alias ARN): a secret under it has no
 * KmsKeyId in DescribeSecret or ListSecrets, as AWS documents for DescribeSecret.
 */
function isManagedKey(keyId: string): boolean {
  return keyId === '' || keyId === 'alias/aws/secretsmanager' || keyId.endsWith(':alias/aws/secretsmanager');
}

function now(): number {
  return Date.now() / 1000;
}

/** LastAccessedDate is kept to the day. */
function today(): number {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000;
}
