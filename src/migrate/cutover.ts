import { stringify } from 'yaml';
import { type CutoverEnv, cutoverEnv, cutoverValues, cutoverValuesYaml } from '../config/cutover.js';
import type { LauncherEnv } from '../stores/definition.js';
import type { StoreSettings } from '../stores/registry.js';

export interface Cutover {
  env: CutoverEnv;
  helmShape: 'v1' | 'v2';
  helmValues: string;
  /** What the chart of `helmShape` needs besides the values block (keys to keep in the Secret). */
  helmNotes: string[];
  /**
   * Env for the workload launcher that the chart does not render, already in `helmValues` as
   * `workloadLauncher.extraEnv`: without it check, discover and sync pods get no store credentials.
   * Each names a Secret or a key in it, never a value.
   */
  launcherEnv: LauncherEnv[];
  nextSteps: string[];
}

/** What the operator does after a migration: switch Airbyte to the target, verify, later clean up. */
export function cutoverHelp(
  target: StoreSettings,
  source: StoreSettings,
  shape: 'v1' | 'v2' = 'v2',
): Cutover {
  const to = target.kind;
  const env = cutoverEnv(target);
  const values = cutoverValues(target, shape);
  return {
    env,
    helmShape: shape,
    helmValues: cutoverValuesYaml(target, shape),
    helmNotes: values.notes.filter((n) => !env.notes.includes(n)),
    launcherEnv: values.launcherEnv,
    nextSteps: [
      `Switch Airbyte to ${to}: keep airbyte-secrets sync --from ${source.kind} --to ${to} --follow running while you merge the values above and run helm upgrade (airbyte-secrets cutover --to ${to} prints every step).`,
      `Verify while Airbyte runs on ${to}: airbyte-secrets verify --store ${to} --baseline <run>`,
      `Later, remove the old copies: airbyte-secrets cleanup --store ${source.kind} --airbyte-uses ${to} --dry-run (then without --dry-run)`,
      'If anything is wrong before cleanup: switch back and airbyte-secrets rollback <run>',
    ],
  };
}

/** The deployments of Airbyte's chart whose pods read secrets (they hydrate configs or write new ones). */
const SECRET_READING_DEPLOYMENTS = [
  'server',
  'worker',
  'workload-launcher',
  'connector-builder-server',
  'cron',
];

export interface RunbookStep {
  title: string;
  command: string;
}

export interface CutoverRunbook {
  from: string;
  to: string;
  release: string;
  namespace: string;
  helmShape: 'v1' | 'v2';
  /** The Helm values patch to pass to `helm upgrade -f`. */
  valuesPatch: string;
  secretName: string;
  /** Keys of the Kubernetes Secret the chart reads, and the env var each value comes from. */
  secretKeys: Array<{ key: string; env: string }>;
  /** The Secret manifest with placeholders (values are never printed). */
  secretManifest: string;
  steps: RunbookStep[];
  reverse: RunbookStep[];
  warnings: string[];
  notes: string[];
}

export interface RunbookOptions {
  release?: string;
  namespace?: string;
  shape?: 'v1' | 'v2';
  secretName?: string;
  /** The migration run to verify against (`verify --baseline`); a placeholder otherwise. */
  runId?: string;
  /** Where the values patch and the manifest are written, as the steps name them. */
  files?: { values: string; secret: string };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;

/** Hosts of the URL-like settings (addresses, endpoints) that are loopback: a port-forward, not Airbyte's address. */
export function loopbackAddresses(settings: StoreSettings): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'string') continue;
    let host: string | undefined;
    try {
      host = new URL(value.includes('://') ? value : `tcp://${value}`).hostname;
    } catch {
      continue;
    }
    if (host && LOOPBACK.test(host)) found.push(`${key} ${value}`);
  }
  return found;
}

/**
 * The cut-over as an operator runs it, in order: the Secret, `sync --follow` from before the
 * upgrade until every deployment that reads secrets has rolled out, `helm upgrade` with the
 * values patch, `kubectl rollout status` for each, `verify --baseline`, and the reverse steps.
 * No value appears anywhere: the manifest has placeholders naming the env var of each key.
 */
export function cutoverRunbook(
  target: StoreSettings,
  source: Pick<StoreSettings, 'kind'>,
  options: RunbookOptions = {},
): CutoverRunbook {
  const shape = options.shape ?? 'v2';
  const release = options.release ?? 'airbyte';
  const namespace = options.namespace ?? 'airbyte';
  const values = cutoverValues(target, shape, options.secretName ? { secretName: options.secretName } : {});
  const secretKeys = values.secretKeys.map((key) => ({ key, env: values.secretKeyEnv[key] ?? key }));
  const files = options.files ?? {
    values: 'airbyte-secrets-values.yaml',
    secret: 'airbyte-secrets-secret.yaml',
  };
  const to = target.kind;
  const from = source.kind;
  const run = options.runId ?? '<migrate-run-id>';
  const ns = `-n ${namespace}`;
  const rollouts = SECRET_READING_DEPLOYMENTS.map((d) => ({
    title: `Wait until ${release}-${d} has rolled out`,
    command: `kubectl ${ns} rollout status deployment/${release}-${d} --timeout=15m`,
  }));
  const warnings = loopbackAddresses(target).map(
    (a) =>
      `${a} is a loopback address (a port-forward from this machine): Airbyte's pods cannot reach it; put the in-cluster address into the values before helm upgrade`,
  );
  return {
    from,
    to,
    release,
    namespace,
    helmShape: shape,
    valuesPatch: stringify(values.values),
    secretName: values.secretName,
    secretKeys,
    secretManifest: secretManifest(values.secretName, namespace, secretKeys),
    steps: [
      ...(secretKeys.length
        ? [
            {
              title: `Create the Secret ${values.secretName} (fill its values first)`,
              command: `kubectl ${ns} apply -f ${files.secret}`,
            },
          ]
        : []),
      {
        title: 'In another terminal, keep both stores complete until the rollout is done (leave it running)',
        command: `airbyte-secrets sync --from ${from} --to ${to} --follow`,
      },
      {
        title: `Switch Airbyte to ${to}`,
        command: `helm upgrade ${release} airbyte/airbyte ${ns} --reuse-values -f ${files.values}`,
      },
      ...rollouts,
      {
        title: 'Stop the sync (Ctrl-C): it finishes its pass and exits 0',
        command: '# Ctrl-C in the sync terminal',
      },
      {
        title: 'Fail only on what the switch broke',
        command: `airbyte-secrets verify --store ${to} --baseline ${run}`,
      },
      {
        title: 'Later, once all is well: remove the old copies (dry run first)',
        command: `airbyte-secrets cleanup --store ${from} --airbyte-uses ${to} --dry-run`,
      },
    ],
    reverse: [
      {
        title: 'Keep both stores complete while switching back',
        command: `airbyte-secrets sync --from ${from} --to ${to} --follow`,
      },
      {
        title: `Switch Airbyte back to ${from} (the previous release)`,
        command: `helm rollback ${release} ${ns}`,
      },
      ...rollouts,
      { title: 'Stop the sync (Ctrl-C)', command: '# Ctrl-C in the sync terminal' },
      {
        title: `Check ${from} serves every reference`,
        command: `airbyte-secrets verify --store ${from} --baseline ${run}`,
      },
    ],
    warnings,
    notes: values.notes,
  };
}

/** A Secret manifest whose values are placeholders naming where each comes from (`--from-env` fills them in a file). */
function secretManifest(name: string, namespace: string, keys: Array<{ key: string; env: string }>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    stringData: Object.fromEntries(keys.map((k) => [k.key, `<the value of ${k.env}>`])),
  });
}
