import type { SecretPathsReport } from '../airbyte/paths.js';
import { cleanText } from './text.js';

/** Renders `paths` output for people: the templates, then one row per concrete path with its kind. */
export function renderPathsTable(report: SecretPathsReport, withConfig: boolean): string {
  const lines = [`Secret path templates (${report.templates.length}):`];
  for (const t of report.templates) lines.push(`  ${cleanText(t)}`);
  if (report.templates.length === 0) lines.push('  (none: no property has airbyte_secret)');
  if (!withConfig) return lines.join('\n');
  lines.push('', `Secret values in the config (${report.paths.length}):`);
  if (report.paths.length === 0) {
    lines.push('  (none of the templates matches the config)');
    return lines.join('\n');
  }
  const paths = report.paths.map((p) => ({
    ...p,
    path: cleanText(p.path),
    coordinate: p.coordinate && cleanText(p.coordinate),
  }));
  const width = Math.max(4, ...paths.map((p) => p.path.length));
  const kindWidth = Math.max(4, ...report.paths.map((p) => p.kind.length));
  lines.push(`  ${'PATH'.padEnd(width)}  ${'KIND'.padEnd(kindWidth)}  NOTE`);
  for (const p of paths) {
    const note = [p.coordinate, p.template === null ? 'not marked secret by the spec' : undefined]
      .filter((x) => x !== undefined)
      .join('; ');
    lines.push(`  ${p.path.padEnd(width)}  ${p.kind.padEnd(kindWidth)}  ${note}`.trimEnd());
  }
  return lines.join('\n');
}
