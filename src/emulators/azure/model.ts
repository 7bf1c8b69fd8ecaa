import { randomBytes } from 'node:crypto';

/**
 * The state behind the Azure Key Vault emulator, with no HTTP in it: secrets and their versions,
 * soft delete with its recovery window and purge protection, the eventual consistency of delete
 * and recover (the SDK's pollers see 404 for a few GETs), and the service's validation rules.
 * Semantics follow the Key Vault REST reference (learn.microsoft.com/rest/api/keyvault/secrets);
 * every refusal is a `KeyVaultError` carrying the service's status, code and message.
 */

/** A service error as Key Vault answers it: `{"error": {"code", "message", "innererror"}}`. */
export class KeyVaultError extends Error {
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

export interface SecretVersion {
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

export interface StoredSecret {
  name: string;
  versions: SecretVersion[];
  /** GETs of the live name that still answer 404 (just recovered). */
  pending: number;
}

export interface DeletedSecret {
  secret: StoredSecret;
  deletedDate: number;
  scheduledPurgeDate: number;
  /** GETs of the deleted entry that still answer 404 (just deleted). */
  pending: number;
}

/** What the emulator holds for one name, for tests to look at. */
export interface AzureSecretSnapshot {
  name: string;
  state: 'active' | 'deleted';
  versions: number;
  tags: Record<string, string>;
  contentType?: string;
}

/** Version attributes a client may send with a set or an update. */
export interface AttributesInput {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

/** A SetSecret body as parsed from JSON; fields are checked here, as the service checks them. */
export interface SetSecretInput {
  value?: unknown;
  contentType?: unknown;
  tags?: unknown;
  attributes?: AttributesInput;
}

export type UpdateSecretInput = Omit<SetSecretInput, 'value'>;

export interface KeyVaultModelOptions {
  /** Purge is refused (403) and bundles say `recoveryLevel: Recoverable`. */
  purgeProtection?: boolean;
  /** Days a deleted secret stays recoverable. @default 90 */
  recoverableDays?: number;
  /** GETs that still answer 404 right after a delete or a recover. @default 1 */
  pendingPolls?: number;
}

const NAME_RE = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION_RE = /^[0-9a-f]{32}$/;
const MAX_VALUE_BYTES = 25 * 1024;
const MAX_TAGS = 15;
/** The vault name shown in the service's messages. */
export const VAULT_NAME = 'emulator';

const epoch = () => Math.floor(Date.now() / 1000);

/** The newest version; every stored secret has at least one (a set creates it with its first). */
export function latestVersion(secret: StoredSecret): SecretVersion {
  const latest = secret.versions.at(-1);
  if (!latest) throw new KeyVaultError(500, 'InternalServerError', `secret ${secret.name} has no version`);
  return latest;
}

export class KeyVaultModel {
  readonly purgeProtection: boolean;
  readonly recoverableDays: number;
  readonly recoveryLevel: 'Recoverable' | 'Recoverable+Purgeable';
  readonly #pendingPolls: number;
  /** Live secrets by lower-cased name (Key Vault names are case-insensitive). */
  readonly #active = new Map<string, StoredSecret>();
  readonly #deleted = new Map<string, DeletedSecret>();

  constructor(options: KeyVaultModelOptions = {}) {
    this.purgeProtection = options.purgeProtection ?? false;
    this.recoverableDays = options.recoverableDays ?? 90;
    this.recoveryLevel = this.purgeProtection ? 'Recoverable' : 'Recoverable+Purgeable';
    this.#pendingPolls = options.pendingPolls ?? 1;
  }

  /** Refuses a name Key Vault would not accept in a request URI. */
  checkName(name: string): void {
    if (!NAME_RE.test(name)) {
      throw new KeyVaultError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
    }
  }

  setSecret(name: string, input: SetSecretInput): { secret: StoredSecret; version: SecretVersion } {
    const key = name.toLowerCase();
    if (typeof input.value !== 'string')
      throw new KeyVaultError(400, 'BadParameter', 'Property value is required.');
    if (Buffer.byteLength(input.value, 'utf8') > MAX_VALUE_BYTES) {
      throw new KeyVaultError(
        400,
        'BadParameter',
        `Secret value exceeds the maximum size of ${MAX_VALUE_BYTES} bytes.`,
      );
    }
    const tags = checkTags(input.tags);
    if (this.#deleted.has(key)) {
      throw new KeyVaultError(
        409,
        'Conflict',
        `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        'ObjectIsDeletedButRecoverable',
      );
    }
    const existing = this.#active.get(key);
    if (existing && existing.pending > 0) {
      throw new KeyVaultError(
        409,
        'Conflict',
        `Secret ${name} is currently being recovered, and cannot be re-created; retry later.`,
        'ObjectIsBeingRecovered',
      );
    }
    const secret = existing ?? { name, versions: [], pending: 0 };
    const now = epoch();
    const version: SecretVersion = {
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
    this.#active.set(key, secret);
    return { secret, version };
  }

  /** A version to read (the latest when `versionId` is empty); disabled versions are refused. */
  getSecret(name: string, versionId: string | undefined): { secret: StoredSecret; version: SecretVersion } {
    const secret = this.#live(name, true);
    const version = versionId ? secret.versions.find((v) => v.id === versionId) : secret.versions.at(-1);
    if (!version || (versionId && !VERSION_RE.test(versionId))) throw notFound(name, versionId);
    if (!version.enabled) {
      throw new KeyVaultError(
        403,
        'Forbidden',
        'Operation get is not allowed on a disabled secret.',
        'SecretDisabled',
      );
    }
    return { secret, version };
  }

  /** The version an update addresses (the latest when `versionId` is empty). */
  versionToUpdate(
    name: string,
    versionId: string | undefined,
  ): { secret: StoredSecret; version: SecretVersion } {
    const secret = this.#live(name, false);
    const version = versionId ? secret.versions.find((v) => v.id === versionId) : secret.versions.at(-1);
    if (!version) throw notFound(name, versionId);
    return { secret, version };
  }

  /** Applies an update's content type, tags and attributes to `version`. */
  updateVersion(version: SecretVersion, input: UpdateSecretInput): void {
    const tags = checkTags(input.tags);
    if (tags) version.tags = tags;
    if (typeof input.contentType === 'string') version.contentType = input.contentType;
    if (typeof input.attributes?.enabled === 'boolean') version.enabled = input.attributes.enabled;
    if (typeof input.attributes?.nbf === 'number') version.nbf = input.attributes.nbf;
    if (typeof input.attributes?.exp === 'number') version.exp = input.attributes.exp;
    version.updated = epoch();
  }

  secretVersions(name: string): StoredSecret {
    return this.#live(name, false);
  }

  /** Live secrets in name order, leaving out those still being recovered. */
  listSecrets(): StoredSecret[] {
    return [...this.#active.values()].filter((s) => s.pending === 0).sort(byName((s) => s.name));
  }

  /** Moves every version of `name` to the deleted store. */
  deleteSecret(name: string): { secret: StoredSecret; entry: DeletedSecret } {
    const key = name.toLowerCase();
    const secret = this.#active.get(key);
    if (!secret) throw notFound(name);
    this.#active.delete(key);
    const now = epoch();
    const entry: DeletedSecret = {
      secret: { ...secret, pending: 0 },
      deletedDate: now,
      scheduledPurgeDate: now + this.recoverableDays * 86_400,
      pending: this.#pendingPolls,
    };
    this.#deleted.set(key, entry);
    return { secret, entry };
  }

  listDeleted(): DeletedSecret[] {
    return [...this.#deleted.values()].sort(byName((d) => d.secret.name));
  }

  /** A deleted entry; a just-deleted one answers 404 for its pending GETs. */
  getDeleted(name: string): DeletedSecret {
    const entry = this.#deleted.get(name.toLowerCase());
    if (!entry) throw deletedNotFound(name);
    if (entry.pending > 0) {
      entry.pending--;
      throw deletedNotFound(name);
    }
    return entry;
  }

  purgeDeleted(name: string): void {
    const key = name.toLowerCase();
    const entry = this.#deleted.get(key);
    if (!entry) throw deletedNotFound(name);
    if (this.purgeProtection) {
      throw new KeyVaultError(
        403,
        'Forbidden',
        'Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.\r\n' +
          `Vault: ${VAULT_NAME};location=local`,
      );
    }
    this.#deleted.delete(key);
  }

  recoverDeleted(name: string): StoredSecret {
    const key = name.toLowerCase();
    const entry = this.#deleted.get(key);
    if (!entry) throw deletedNotFound(name);
    this.#deleted.delete(key);
    const secret: StoredSecret = { ...entry.secret, pending: this.#pendingPolls };
    this.#active.set(key, secret);
    return secret;
  }

  snapshot(name: string): AzureSecretSnapshot | undefined {
    const key = name.toLowerCase();
    const s = this.#active.get(key) ?? this.#deleted.get(key)?.secret;
    if (!s) return undefined;
    const latest = s.versions.at(-1);
    return {
      name: s.name,
      state: this.#active.has(key) ? 'active' : 'deleted',
      versions: s.versions.length,
      tags: { ...(latest?.tags ?? {}) },
      ...(latest?.contentType !== undefined ? { contentType: latest.contentType } : {}),
    };
  }

  /** A live secret by name; a just-recovered one answers 404 for its pending GETs. */
  #live(name: string, countsAsPoll: boolean): StoredSecret {
    const s = this.#active.get(name.toLowerCase());
    if (!s) throw notFound(name);
    if (s.pending > 0) {
      if (countsAsPoll) s.pending--;
      throw notFound(name);
    }
    return s;
  }
}

function notFound(name: string, version?: string): KeyVaultError {
  const what = version ? `${name}/${version}` : name;
  return new KeyVaultError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${what} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

function deletedNotFound(name: string): KeyVaultError {
  return new KeyVaultError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
}

/** Orders by name as Key Vault lists: case-insensitively. */
function byName<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a).toLowerCase();
    const y = key(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

function checkTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags))
    throw new KeyVaultError(400, 'BadParameter', 'Tags must be an object.');
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS)
    throw new KeyVaultError(400, 'BadParameter', `A secret can have at most ${MAX_TAGS} tags.`);
  const checked: [string, string][] = [];
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || k.length > 512 || v.length > 256) {
      throw new KeyVaultError(
        400,
        'BadParameter',
        `Invalid tag ${k}: keys are at most 512 characters, values at most 256.`,
      );
    }
    checked.push([k, v]);
  }
  return Object.fromEntries(checked);
}
