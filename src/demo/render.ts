import type { DemoSummary } from './summary.js';

/** The heading printed before a step: its number, what it shows, and the exact command. */
export function renderHeading(n: number, total: number, title: string, why: string, command: string): string {
  const rule = '─'.repeat(Math.max(8, 100 - title.length));
  return ['', `── ${n}/${total} ${title} ${rule}`, ...wrap(why, 100), `$ ${command}`, ''].join('\n');
}

export function renderSummary(s: DemoSummary): string {
  const v = s.verified;
  const lines = [
    '',
    `── Summary ${'─'.repeat(100)}`,
    `Sample: ${s.sample.actors} connectors in ${s.sample.workspaces} workspaces, ${s.sample.secretsPlanted} secrets.`,
    `Plaintext secrets in connector configurations: ${s.plaintext.before} before → ${s.plaintext.after} after.`,
    `References verified in ${v.store}: ${v.resolved}/${v.coordinates} coordinates (${v.references} references)` +
      (v.failures ? `, ${v.failures} failed.` : '.'),
    s.runId
      ? `Run ${s.runId}: ${states(s.runStates)}, journaled (against your database: runs show <id>, rollback <id>).`
      : 'The migration did not start.',
    `Values still in Airbyte's plaintext \`secrets\` table: ${s.databaseTable.after}. Airbyte reads them until it is`,
    `switched; after the switch, \`airbyte-secrets cleanup --store database --verified-in ${s.target}\` removes them.`,
  ];
  if (s.switchTo) {
    lines.push('', `To switch Airbyte to ${s.target}, set:`);
    for (const [k, v] of Object.entries(s.switchTo.env)) lines.push(`  ${k}=${v}`);
    if (s.switchTo.credentials.length)
      lines.push(`  and, from your secret store: ${s.switchTo.credentials.join(', ')}`);
    lines.push('or merge into your Helm values:', ...indent(s.switchTo.helmValues));
    lines.push(`(The address above is the demo's emulator; use your real ${s.target} there.)`);
  }
  const failed = s.steps.filter((step) => step.exitCode !== 0);
  for (const step of failed) {
    lines.push(`Step failed: ${step.command} (exit ${step.exitCode})${step.error ? `: ${step.error}` : ''}`);
  }
  lines.push('', s.ok ? 'Everything verified.' : 'Not everything verified: see the steps above.');
  if (s.keptTemp) {
    lines.push(
      `Kept ${s.keptTemp}: summary.json and the database files (pgdata/). To look inside, serve them with`,
      `  npx pglite-server --db=${s.keptTemp}/pgdata --port 5433   and connect to postgres://postgres@127.0.0.1:5433/postgres`,
    );
  }
  return lines.join('\n');
}

function states(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([state, n]) => `${n} ${state}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

function indent(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`);
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
