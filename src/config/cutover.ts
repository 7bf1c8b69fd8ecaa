import { stringify } from 'yaml';
import type { CredentialKey, KeyRef, LauncherEnv } from '../stores/definition.js';
import { definitionFor, type StoreSettings } from '../stores/registry.js';
import { type ChartShape, V1_SECRET_NAME } from './chart-keys.js';
import { SECRET_PERSISTENCE_ENV } from './environment.js';

/**
 * What switches Airbyte to a store once its secrets are there: the env vars, or the Helm values
 * block. Neither ever holds a credential: env output lists the credential variables by name, and
 * the values block points at keys of a Kubernetes Secret.
 */
export interface CutoverEnv {
  /** Variables to set, with their values; none is a credential. */
  env: Record<string, string>;
  /** Credential variables Airbyte needs, to be set from wherever the operator keeps them. */
  credentials: string[];
  /** What Airbyte cannot be told or needs besides (endpoint overrides, namespaces, auth modes). */
  notes: string[];
}

export function cutoverEnv(s: StoreSettings): CutoverEnv {
  const definition = definitionFor(s.kind);
  const env: Record<string, string> = { [SECRET_PERSISTENCE_ENV]: definition.names.persistence };
  const credentials: string[] = [];
  definition.cutover.env(s, env, credentials);
  return { env, credentials, notes: definition.cutover.notes(s) };
}

export interface CutoverValuesOptions {
  /** The Kubernetes Secret holding the credentials. @default 'airbyte-config-secrets' */
  secretName?: string;
  /** Keys inside that Secret, where not the chart's defaults (keyed by the values option, e.g. `authTokenSecretKey`). */
  secretKeys?: Record<string, string>;
}

export interface CutoverValues {
  /**
   * The `global.secretsManager` block to merge into values.yaml, and the workload launcher's
   * `extraEnv` where the chart leaves out what its job pods need.
   */
  values: {
    global: { secretsManager: Record<string, unknown> };
    workloadLauncher?: { extraEnv: LauncherEnv[] };
  };
  /** The Secret it refers to and the keys that Secret must hold. */
  secretName: string;
  secretKeys: string[];
  /**
   * Variables the workload launcher needs beside what the chart renders, so check, discover and
   * sync pods get the store's credentials: a Secret's name or a key in it, never a value.
   */
  launcherEnv: LauncherEnv[];
  notes: string[];
}

export function cutoverValues(
  s: StoreSettings,
  shape: ChartShape,
  options: CutoverValuesOptions = {},
): CutoverValues {
  const definition = definitionFor(s.kind);
  const secretName = options.secretName ?? V1_SECRET_NAME;
  const secretKeys: string[] = [];
  const secretKey = (key: CredentialKey): string =>
    options.secretKeys?.[key.keyOption] ?? key.defaults[shape];
  const keyRef: KeyRef = (block, key) => {
    const name = secretKey(key);
    block[key.keyOption] = name;
    secretKeys.push(name);
  };
  const { names } = definition;
  const sm: Record<string, unknown> = {
    type: shape === 'v1' ? names.chartV1Type : names.persistence,
    [shape === 'v1' ? 'secretsManagerSecretName' : 'secretName']: secretName,
  };
  const block: Record<string, unknown> = {};
  definition.cutover.values(s, shape, block, keyRef);
  if (names.valuesBlock) sm[names.valuesBlock] = block;
  const launcherEnv = definition.cutover.launcherEnv?.(s, shape, secretName, secretKey) ?? [];
  return {
    values: {
      global: { secretsManager: sm },
      ...(launcherEnv.length > 0 ? { workloadLauncher: { extraEnv: launcherEnv } } : {}),
    },
    secretName,
    secretKeys,
    launcherEnv,
    notes: definition.cutover.notes(s, shape),
  };
}

/** The values block as YAML text, ready to paste. */
export function cutoverValuesYaml(
  s: StoreSettings,
  shape: ChartShape,
  options?: CutoverValuesOptions,
): string {
  return stringify(cutoverValues(s, shape, options).values);
}
