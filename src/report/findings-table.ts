import type { ComparedAuditReport } from '../audit/comparison.js';
import type { FilteredReport } from '../audit/filter.js';
import type { AuditRun } from '../audit/history.js';
import { SEVERITIES } from '../audit/types.js';
import type { WrittenReport } from './index.js';
import { renderTable } from './table.js';
import { terminal } from './terminal.js';
import { alignColumns, cleanText } from './text.js';

/**
 * The `audit` command's terminal output: the shared table (summary, counts by category, one line
 * per finding, no values; statuses with `--compare`), the report files written, and what decides
 * the exit code: an unreachable store (2) or findings matching `--fail-on` (1), decided over every
 * finding whatever `--severity`, `--category` and `--limit` show. On a terminal, findings come per
 * connector; piped, in the stable flat list.
 */
export function renderFindingsTable(
  report: ComparedAuditReport,
  failing?: { count: number; rule: string },
  extra: { written?: readonly WrittenReport[]; unreachable?: boolean; shown?: FilteredReport } = {},
): string {
  const shown = extra.shown;
  const out = [
    renderTable(report, {
      ...(shown ? { shown: shown.report.findings } : {}),
      grouped: terminal().tty,
    }).trimEnd(),
  ];
  if (shown && shown.matching < shown.total) {
    out.push('', `Showing ${shown.matching} of ${shown.total} findings (--severity, --category).`);
  }
  if (shown && shown.overLimit > 0) out.push('', `… and ${shown.overLimit} more (use --limit)`);
  const files = (extra.written ?? []).filter((w) => w.path !== null);
  if (files.length > 0) out.push('', ...files.map((w) => `Wrote the ${w.format} report to ${w.path}`));
  if (extra.unreachable) {
    out.push('', 'The store could not be reached (see store-unreachable): exit code 2');
  } else if (failing && failing.count > 0) {
    const s = failing.count === 1 ? '' : 's';
    out.push('', `${failing.count} finding${s} match --fail-on ${failing.rule}: exit code 1`);
  }
  return `${out.join('\n')}\n`;
}

/** `audit history`: one line per recorded run, newest first, with its counts by severity. */
export function renderAuditRuns(runs: readonly AuditRun[], schema: string): string {
  if (runs.length === 0) return `No audit run recorded in schema ${schema}.\n`;
  const rows = runs.map((r) => [
    String(r.id),
    r.startedAt,
    String(r.holdersScanned),
    String(r.counts.total),
    ...SEVERITIES.map((s) => String(r.counts.bySeverity[s] ?? 0)),
    cleanText(r.store),
  ]);
  const header = [
    'RUN',
    'STARTED',
    'HOLDERS',
    'FINDINGS',
    ...SEVERITIES.map((s) => s.toUpperCase()),
    'STORE',
  ];
  return `${alignColumns([header, ...rows]).join('\n')}\n`;
}
