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
      `Switch Airbyte to ${to}: merge the values above into your Helm values (or set the env vars) and run helm upgrade.`,
      `Verify while Airbyte runs on ${to}: airbyte-secrets verify --store ${to}`,
      `Later, remove the old copies: airbyte-secrets cleanup --store ${source.kind} --verified-in ${to} (dry run; add --yes)`,
      'If anything is wrong before cleanup: switch back and airbyte-secrets rollback <run>',
    ],
  };
}
