import type { SecretValue } from '../../util/secret-value.js';
import type { CredentialKey, SettingReader, SettingSpec, StoreCutover, StoreLimits } from '../definition.js';
import { safeUrl } from '../describe-parts.js';
import { checkUrl } from '../setting-checks.js';

export interface VaultStoreSettings {
  kind: 'vault';
  /** VAULT_ADDRESS, e.g. http://airbyte-vault-svc:8200 */
  address: string;
  /** VAULT_AUTH_TOKEN */
  token: SecretValue;
  /** VAULT_PREFIX, joined to the coordinate with no separator (Airbyte's chart default `secret/`). */
  prefix: string;
  /** Vault Enterprise namespace, sent as X-Vault-Namespace. */
  namespace?: string;
  /** KV engine version of the mount; `auto` asks Vault (sys/internal/ui/mounts). @default 'auto' */
  kvVersion?: 1 | 2 | 'auto';
  /** Plain http to a host other than loopback, accepted (`--allow-insecure-http`). */
  allowInsecureHttp?: boolean;
  limits?: StoreLimits;
}

/** Airbyte's env names for Vault (airbyte-server application.yml, `airbyte.secret.store.vault`). */
export const VAULT_ENV = {
  address: 'VAULT_ADDRESS',
  prefix: 'VAULT_PREFIX',
  token: 'VAULT_AUTH_TOKEN',
} as const;

/** The token as the charts keep it in the Kubernetes Secret. */
export const VAULT_TOKEN_KEY: CredentialKey = {
  env: VAULT_ENV.token,
  inline: 'authToken',
  keyOption: 'authTokenSecretKey',
  defaults: { v1: 'vault-auth-token', v2: VAULT_ENV.token },
};

/** Where each setting comes from: env name, values key (`global.secretsManager.vault.*`), Secret key, flag. */
export const VAULT_SETTINGS = {
  address: { label: 'address', env: VAULT_ENV.address, values: ['address'], flag: 'vault-address' },
  prefix: { label: 'prefix', env: VAULT_ENV.prefix, values: ['prefix'], flag: 'vault-prefix' },
  token: { label: 'auth token', env: VAULT_ENV.token, credential: VAULT_TOKEN_KEY, flag: 'vault-token' },
  namespace: { label: 'namespace', flag: 'vault-namespace' },
} satisfies Record<string, SettingSpec>;

/** Chart v2's default `VAULT_PREFIX`; the path is prefix + coordinate with no separator. */
export const DEFAULT_VAULT_PREFIX = 'secret/';

export function buildVault(src: SettingReader, limits: StoreLimits | undefined): VaultStoreSettings {
  const address = src.require(VAULT_SETTINGS.address);
  checkUrl(src, 'address', address, false);
  const namespace = src.text(VAULT_SETTINGS.namespace)?.value;
  return {
    kind: 'vault',
    address: address.value.replace(/\/+$/, ''),
    token: src.requireSecret(VAULT_SETTINGS.token).value,
    prefix: src.text(VAULT_SETTINGS.prefix)?.value ?? DEFAULT_VAULT_PREFIX,
    ...(namespace ? { namespace } : {}),
    ...(src.flag('allow-insecure-http') ? { allowInsecureHttp: true } : {}),
    ...(limits ? { limits } : {}),
  };
}

export function describeVault(s: VaultStoreSettings): string[] {
  const parts = [`vault at ${safeUrl(s.address)}`, `prefix ${s.prefix}`];
  if (s.namespace) parts.push(`namespace ${s.namespace}`);
  if (s.kvVersion && s.kvVersion !== 'auto') parts.push(`KV v${s.kvVersion}`);
  return parts;
}

export const vaultCutover: StoreCutover<VaultStoreSettings> = {
  env(s, env, credentials) {
    env[VAULT_ENV.address] = s.address;
    env[VAULT_ENV.prefix] = s.prefix;
    credentials.push(VAULT_ENV.token);
  },
  values(s, _shape, block, keyRef) {
    block.address = s.address;
    block.prefix = s.prefix;
    keyRef(block, VAULT_TOKEN_KEY);
  },
  notes(s) {
    const notes: string[] = [];
    if (s.namespace)
      notes.push('Airbyte sends no Vault namespace: the secrets must be reachable without one');
    if (s.kvVersion === 1) notes.push('Airbyte reads KV version 2 only; a KV v1 mount will not work');
    if (!s.prefix.endsWith('/'))
      notes.push(`VAULT_PREFIX "${s.prefix}" is joined to the coordinate with no separator`);
    return notes;
  },
};
