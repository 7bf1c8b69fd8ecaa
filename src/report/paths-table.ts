import type { SecretPathsReport } from '../airbyte/paths.js';
import { alignColumns, cleanText } from './text.js';

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
  // The shared table renderer: it escapes every cell and fits the terminal's width.
  const rows = report.paths.map((p) => [
    p.path,
    p.kind,
    [p.coordinate, p.template === null ? 'not marked secret by the spec' : undefined]
      .filter((x) => x !== undefined && x !== null)
      .join('; '),
  ]);
  lines.push(...alignColumns([['PATH', 'KIND', 'NOTE'], ...rows], { indent: 2 }));
  return lines.join('\n');
}
