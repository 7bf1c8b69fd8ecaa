import type { AuditReport } from '../audit/types.js';
import { renderTable } from './table.js';

/**
 * The `audit` command's terminal output: the shared table (summary, counts by category, one line
 * per finding, no values) and, when `--fail-on` matched, a closing line saying so.
 */
export function renderFindingsTable(report: AuditReport, failing?: { count: number; rule: string }): string {
  const table = renderTable(report);
  if (!failing || failing.count === 0) return table;
  const s = failing.count === 1 ? '' : 's';
  return `${table}\n${failing.count} finding${s} match --fail-on ${failing.rule}: exit code 1\n`;
}
