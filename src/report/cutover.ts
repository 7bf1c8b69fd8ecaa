import type { Cutover, CutoverRunbook } from '../migrate/cutover.js';

/** What to change in Airbyte after a migration: env vars, the Helm values to merge, next steps. */
export function renderCutover(c: Cutover): string {
  return [
    'To switch Airbyte to the target, set these env vars:',
    ...Object.entries(c.env.env).map(([k, v]) => `  ${k}=${v}`),
    ...(c.env.credentials.length ? [`  and, from your secret store: ${c.env.credentials.join(', ')}`] : []),
    '',
    `or merge into your Helm values (chart ${c.helmShape}):`,
    ...c.helmValues
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
    ...(c.launcherEnv.length
      ? [
          `Chart ${c.helmShape} does not give the workload launcher these, so check, discover and sync pods would start without the store's credentials; the values above set them (workloadLauncher.extraEnv), each naming the Secret or a key in it:`,
          ...c.launcherEnv.map((e) => `  ${e.name}=${e.value}`),
        ]
      : []),
    ...c.env.notes.map((n) => `Note: ${n}`),
    ...c.helmNotes.map((n) => `Note (chart ${c.helmShape}): ${n}`),
    '',
    'Next steps:',
    ...c.nextSteps.map((s, i) => `  ${i + 1}. ${s}`),
  ].join('\n');
}

/** `cutover`: warnings first, the values patch, the Secret manifest (placeholders), the steps in order, the reverse steps. */
export function renderRunbook(
  r: CutoverRunbook,
  files?: { values: string; secret: string; secretFilled: boolean },
): string {
  const indent = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`);
  const steps = (list: CutoverRunbook['steps']) =>
    list.flatMap((s, i) => [`  ${i + 1}. ${s.title}`, `       ${s.command}`]);
  return [
    `Cut-over runbook: Airbyte from ${r.from} to ${r.to} (release ${r.release}, namespace ${r.namespace}, chart ${r.helmShape})`,
    ...r.warnings.map((w) => `WARNING: ${w}`),
    ...r.notes.map((n) => `Note: ${n}`),
    '',
    files
      ? `Helm values patch (written to ${files.values}):`
      : 'Helm values patch (save as airbyte-secrets-values.yaml):',
    ...indent(r.valuesPatch),
    '',
    ...(r.secretKeys.length
      ? [
          files
            ? `Kubernetes Secret (written to ${files.secret}${files.secretFilled ? ', filled from env, mode 0600' : ', placeholders to fill'}):`
            : 'Kubernetes Secret (save as airbyte-secrets-secret.yaml and fill the placeholders; or --output DIR --from-env):',
          ...indent(r.secretManifest),
          '',
        ]
      : []),
    'Steps, in order:',
    ...steps(r.steps),
    '',
    'To switch back:',
    ...steps(r.reverse),
  ].join('\n');
}
