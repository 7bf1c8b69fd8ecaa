import type { Cutover } from '../migrate/cutover.js';

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
