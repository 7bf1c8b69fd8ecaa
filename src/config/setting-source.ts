import type {
  ChartShape,
  CredentialKey,
  Found,
  SettingReader,
  SettingSpec,
  ValuesTags,
} from '../stores/definition.js';
import { UsageError } from '../util/errors.js';
import { SecretValue } from '../util/secret-value.js';
import { credentialKeyCandidates } from './chart-keys.js';
import { type HelmSecretsManager, valuesTags, valuesText } from './helm-values.js';
import type { SecretManifest } from './secret-manifest.js';

export type { Found, SettingSpec };

export interface SettingInputs {
  env: NodeJS.ProcessEnv;
  values?: HelmSecretsManager;
  secret?: SecretManifest;
  /** The command's flags, or undefined when the store flags configure the other side. */
  flags?: Record<string, unknown>;
  /** Where warnings go. @default one line on stderr */
  onWarning?: (message: string) => void;
}

/**
 * Looks a store's settings up in Airbyte's env names, the Helm values file with its Secret
 * manifest, and flags; later sources override earlier ones, and `""` counts as unset
 * (Airbyte's env defaults are all `""`).
 */
export class SettingSource implements SettingReader {
  readonly kind: string;
  readonly chart?: ChartShape;
  /** The store's block in the values file; a store without one (the database) reads no values. */
  readonly #block: string | undefined;
  readonly #in: SettingInputs;

  constructor(kind: string, valuesBlock: string | undefined, inputs: SettingInputs) {
    this.kind = kind;
    this.#block = valuesBlock;
    this.#in = inputs;
    if (inputs.values) this.chart = inputs.values.shape;
  }

  flag(name: string): Found | undefined {
    const raw = this.#in.flags?.[name];
    if (typeof raw === 'number' && Number.isFinite(raw)) return { value: String(raw), origin: `--${name}` };
    if (raw === true) return { value: 'true', origin: `--${name}` };
    return typeof raw === 'string' && raw.trim() !== '' ? { value: raw, origin: `--${name}` } : undefined;
  }

  env(name: string): Found | undefined {
    const raw = this.#in.env[name];
    return raw !== undefined && raw.trim() !== '' ? { value: raw, origin: name } : undefined;
  }

  /** A plain value from the values file (one of `keys`). */
  valuesEntry(keys: string[]): Found | undefined {
    const v = this.#in.values;
    const block = this.#block;
    if (!v || !block) return undefined;
    for (const key of keys) {
      const text = valuesText(v, block, key);
      if (text !== undefined) return { value: text, origin: `${v.path}.${block}.${key} in ${v.file}` };
    }
    return undefined;
  }

  valuesTags(): ValuesTags | undefined {
    const v = this.#in.values;
    const block = this.#block;
    const found = v && block ? valuesTags(v, block) : undefined;
    if (!v || !block || found === undefined) return undefined;
    const origin = `${v.path}.${block}.tags in ${v.file}`;
    if (found.form === 'text') return { value: found.tags, origin, form: 'text' };
    const pairs = Object.entries(found.tags);
    // A list of placeholders only (`- key:` with nothing after it) sets nothing.
    if (pairs.length === 0) return undefined;
    return { value: pairs.map(([k, value]) => `${k}=${value}`).join(','), origin, form: 'list' };
  }

  /** A non-secret setting: flag, else values, else env. */
  text(spec: SettingSpec): Found | undefined {
    return (
      (spec.flag ? this.flag(spec.flag) : undefined) ??
      (spec.values ? this.valuesEntry(spec.values) : undefined) ??
      (spec.env ? this.env(spec.env) : undefined)
    );
  }

  /** A credential: flag, else inline in values, else the Secret manifest, else env. */
  secret(spec: SettingSpec): Found<SecretValue> | undefined {
    const flag = spec.flag ? this.flag(spec.flag) : undefined;
    if (flag) return { value: new SecretValue(flag.value), origin: flag.origin };
    const key = spec.credential;
    if (key) {
      const inline = this.valuesEntry([key.inline]);
      if (inline) return { value: new SecretValue(inline.value), origin: inline.origin };
      const fromSecret = this.#fromManifest(key);
      if (fromSecret) return fromSecret;
    }
    const env = spec.env ? this.env(spec.env) : undefined;
    return env ? { value: new SecretValue(env.value), origin: env.origin } : undefined;
  }

  require(spec: SettingSpec): Found {
    const found = this.text(spec);
    if (!found) throw this.missing(spec);
    return found;
  }

  requireSecret(spec: SettingSpec): Found<SecretValue> {
    const found = this.secret(spec);
    if (!found) throw this.missing(spec);
    return found;
  }

  /** `vault: no address: set --vault-address, VAULT_ADDRESS, or global.secretsManager.vault.address in values.yaml` */
  missing(spec: SettingSpec): UsageError {
    const places: string[] = [];
    if (spec.flag && this.#in.flags) places.push(`--${spec.flag}`);
    if (spec.env) places.push(spec.env);
    if (this.#block && (spec.values || spec.credential)) {
      const path = this.#in.values?.path ?? 'global.secretsManager';
      const key = spec.values?.[0] ?? spec.credential?.inline;
      if (key) places.push(`${path}.${this.#block}.${key} in values.yaml`);
    }
    if (spec.credential) {
      places.push(`key ${this.#keysFor(spec.credential).join(' or ')} in the Secret manifest`);
    }
    const list = places.length > 1 ? `${places.slice(0, -1).join(', ')}, or ${places.at(-1)}` : places[0];
    return new UsageError(`${this.kind}: no ${spec.label}: set ${list}`);
  }

  /** A setting that is there but wrong: `aws: region "x" from --aws-region is not an AWS region`. */
  invalid(label: string, found: Found<unknown>, problem: string): UsageError {
    const text = typeof found.value === 'string' ? found.value : undefined;
    const shown = text === undefined ? '' : ` "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
    return new UsageError(`${this.kind}: ${label}${shown} from ${found.origin} ${problem}`);
  }

  warn(message: string): void {
    (this.#in.onWarning ?? writeWarning)(message);
  }

  /** The Secret keys a credential may be under: the values file's `*SecretKey`, else both charts' defaults. */
  #keysFor(key: CredentialKey): string[] {
    const configured = this.valuesEntry([key.keyOption])?.value;
    return credentialKeyCandidates(key, this.#in.values?.shape ?? 'v2', configured);
  }

  #fromManifest(key: CredentialKey): Found<SecretValue> | undefined {
    const manifest = this.#in.secret;
    if (!manifest) return undefined;
    for (const name of this.#keysFor(key)) {
      const value = manifest.keys.get(name);
      if (value && !value.isBlank) {
        const secret = manifest.name ? `Secret ${manifest.name}` : 'the Secret';
        return { value, origin: `key ${name} of ${secret} in ${manifest.file}` };
      }
    }
    return undefined;
  }
}

function writeWarning(message: string): void {
  process.stderr.write(`Warning: ${message}\n`);
}
