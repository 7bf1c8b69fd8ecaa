import type { DatabaseConnection } from '../airbyte/connection.js';
import type { StoreLimits } from '../stores/definition.js';
import {
  definitionFor,
  parseStoreKind,
  STORE_KINDS,
  type StoreKind,
  type StoreSettings,
} from '../stores/registry.js';
import { UsageError } from '../util/errors.js';
import { SECRET_PERSISTENCE_ENV } from './environment.js';
import { type HelmSecretsManager, loadHelmValues } from './helm-values.js';
import { kindFromPersistence, kindFromValuesType } from './persistence-name.js';
import { loadSecretManifest } from './secret-manifest.js';
import { SettingSource } from './setting-source.js';

/**
 * Turns Airbyte's env, a Helm values file with its Kubernetes Secret manifest, and flags into
 * validated settings for one side of a move. Later sources override earlier ones:
 * env < values file (and its Secret) < flags.
 *
 * Which flags configure which side:
 * - store flags (`--vault-*`, `--aws-*`, `--gcp-*`, `--azure-*`) configure the side whose store is
 *   of that kind; when both sides are the same kind they configure the target only (the source
 *   then comes from the env or `--from-values`);
 * - limit flags (`--concurrency`, `--rate`) configure the target, or the source when the command
 *   has no target (`audit`).
 */

export type { DatabaseConnection };

export interface ResolveStoreInput {
  side: 'from' | 'to';
  /** The `--from`/`--to` value; defaults to `flags.from`/`flags.to`. */
  store?: string;
  env: NodeJS.ProcessEnv;
  /** Helm values file; defaults to `flags['from-values']`/`flags['to-values']`. */
  valuesFile?: string;
  /** Kubernetes Secret manifest; defaults to `flags['from-secret']`/`flags['to-secret']`. */
  secretFile?: string;
  flags: Record<string, unknown>;
  databaseConnection?: DatabaseConnection;
  /** Where a warning about the settings goes (a key the chart ignores). @default one line on stderr */
  onWarning?: (message: string) => void;
}

export interface StoreChoice {
  kind: StoreKind;
  /** Where the choice came from: `--from`, `SECRET_PERSISTENCE`, `global.secretsManager.type in v.yaml`, `default`. */
  origin: string;
  /** Set when the choice is an assumption the operator should see in the log. */
  note?: string;
}

/**
 * Both charts render an empty `SECRET_PERSISTENCE` when no store is configured, and the server's
 * application.yml defaults it to TESTING_CONFIG_DB_TABLE, which is what deployed OSS installs do
 * (airbytehq/airbyte-platform airbyte-server/src/main/resources/application.yml).
 */
export const DEFAULT_SOURCE_NOTE =
  'SECRET_PERSISTENCE is unset or empty: assuming Airbyte\'s server default TESTING_CONFIG_DB_TABLE (the "secrets" table in the config database)';

export async function resolveStoreSettings(input: ResolveStoreInput): Promise<StoreSettings> {
  const side = sideInputs(input);
  const values = side.valuesFile ? await loadHelmValues(side.valuesFile) : undefined;
  const choice = chooseKind(input.side, side.store, values, input.env);
  const secret = side.secretFile ? await loadSecretManifest(side.secretFile, values?.secretName) : undefined;
  const storeFlagsApply = input.side === 'to' || (await targetKind(input)) !== choice.kind;
  const limitsApply = input.side === 'to' || !hasTarget(input.flags);
  const limits = limitsApply ? limitsFrom(input.flags) : undefined;
  const definition = definitionFor(choice.kind);
  const src = new SettingSource(choice.kind, definition.names.valuesBlock, {
    env: input.env,
    ...(values ? { values } : {}),
    ...(secret ? { secret } : {}),
    ...(storeFlagsApply ? { flags: input.flags } : {}),
    ...(input.onWarning ? { onWarning: input.onWarning } : {}),
  });
  return definition.settings(src, {
    ...(limits ? { limits } : {}),
    ...(input.databaseConnection ? { databaseConnection: input.databaseConnection } : {}),
  });
}

/** Which store a side uses and why, without reading its settings (for the log line before a run). */
export async function chooseStoreKind(input: ResolveStoreInput): Promise<StoreChoice> {
  const side = sideInputs(input);
  const values = side.valuesFile ? await loadHelmValues(side.valuesFile) : undefined;
  return chooseKind(input.side, side.store, values, input.env);
}

function chooseKind(
  side: 'from' | 'to',
  store: string | undefined,
  values: HelmSecretsManager | undefined,
  env: NodeJS.ProcessEnv,
): StoreChoice {
  if (store) return { kind: parseNamed(store, `--${side}`), origin: `--${side}` };
  if (values?.type !== undefined) {
    const origin = `${values.path}.type in ${values.file}`;
    if (values.type.trim() === '') {
      return { kind: 'database', origin, note: `${origin} is empty: Airbyte then uses the database table` };
    }
    // Our own short names are for flags; a values file holds what the chart passes to Airbyte.
    return { kind: kindFromValuesType(values.type.trim(), values.shape, origin), origin };
  }
  if (side === 'to' && values) {
    throw new UsageError(
      values.absent
        ? `${values.file} has no secretsManager section (global.secretsManager): add one with a type, or pass --to`
        : `${values.file}: ${values.path} has no type: add one (e.g. VAULT, AWS_SECRET_MANAGER), or pass --to`,
    );
  }
  if (side === 'to') {
    throw new UsageError(`no target store: set --to (${STORE_KINDS.join(', ')}) or --to-values`);
  }
  const persistence = env[SECRET_PERSISTENCE_ENV]?.trim();
  if (persistence) {
    return {
      kind: kindFromPersistence(persistence, SECRET_PERSISTENCE_ENV),
      origin: SECRET_PERSISTENCE_ENV,
    };
  }
  return { kind: 'database', origin: 'default', note: DEFAULT_SOURCE_NOTE };
}

function parseNamed(text: string, origin: string): StoreKind {
  try {
    return parseStoreKind(text.trim());
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(`${origin}: ${err.message}`) : err;
  }
}

function sideInputs(input: ResolveStoreInput): { store?: string; valuesFile?: string; secretFile?: string } {
  const store = input.store ?? flagText(input.flags, input.side);
  const valuesFile = input.valuesFile ?? flagText(input.flags, `${input.side}-values`);
  const secretFile = input.secretFile ?? flagText(input.flags, `${input.side}-secret`);
  return {
    ...(store ? { store } : {}),
    ...(valuesFile ? { valuesFile } : {}),
    ...(secretFile ? { secretFile } : {}),
  };
}

function hasTarget(flags: Record<string, unknown>): boolean {
  return flagText(flags, 'to') !== undefined || flagText(flags, 'to-values') !== undefined;
}

/** The target's kind when the command has one and it can be told (errors are the target's to report). */
async function targetKind(input: ResolveStoreInput): Promise<StoreKind | undefined> {
  if (!hasTarget(input.flags)) return undefined;
  try {
    return (await chooseStoreKind({ side: 'to', env: input.env, flags: input.flags })).kind;
  } catch {
    return undefined;
  }
}

function limitsFrom(flags: Record<string, unknown>): StoreLimits | undefined {
  const limits: StoreLimits = {};
  const concurrency = flags.concurrency;
  if (concurrency !== undefined) {
    if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError('--concurrency must be a whole number of at least 1');
    }
    limits.concurrency = concurrency;
  }
  const rate = flags.rate;
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      throw new UsageError('--rate must be a number of requests per second above 0');
    }
    limits.rate = rate;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

function flagText(flags: Record<string, unknown>, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === 'string' && raw.trim() !== '' ? raw : undefined;
}
