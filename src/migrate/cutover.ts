import { type CutoverEnv, cutoverEnv, cutoverValuesYaml } from '../config/cutover.js';
import type { StoreSettings } from '../stores/registry.js';

export interface Cutover {
  env: CutoverEnv;
  helmShape: 'v1' | 'v2';
  helmValues: string;
  nextSteps: string[];
}

/** What the operator does after a migration: switch Airbyte to the target, verify, later clean up. */
export function cutoverHelp(
  target: StoreSettings,
  source: StoreSettings,
  shape: 'v1' | 'v2' = 'v2',
): Cutover {
  const to = target.kind;
  return {
    env: cutoverEnv(target),
    helmShape: shape,
    helmValues: cutoverValuesYaml(target, shape),
    nextSteps: [
      `Switch Airbyte to ${to}: merge the values above into your Helm values (or set the env vars) and run helm upgrade.`,
      `Verify while Airbyte runs on ${to}: airbyte-secrets verify --store ${to}`,
      `Later, remove the old copies: airbyte-secrets cleanup --store ${source.kind} --verified-in ${to} (dry run; add --yes)`,
      'If anything is wrong before cleanup: switch back and airbyte-secrets rollback <run>',
    ],
  };
}
