import type { ComparedAuditReport, ComparedFinding } from '../audit/comparison.js';
import { SEVERITIES } from '../audit/types.js';
import { comparisonSentence, resolvedPlace, sortResolved } from './comparison-text.js';
import { describeHolder, NO_WORKSPACE, sortFindings, tallyAll, tallyByCategory } from './tally.js';
import { paint, severityColour, terminal, truncateMiddle } from './terminal.js';
import { alignColumns, cleanText } from './text.js';

export interface TableOptions {
  /** The findings to list (`--severity`, `--category`, `--limit`); the summary counts every finding. */
  shown?: readonly ComparedFinding[];
  /** One block per connector (workspace, actor name and id) for a person at a terminal; else one flat list. */
  grouped?: boolean;
}

/**
 * A plain-text summary and one line per finding, for a terminal or a CI log. With a comparison,
 * each line starts with its status and the resolved findings follow. Piped, the list is flat and
 * its columns stable; on a terminal (`grouped`) findings come per connector.
 */
export function renderTable(report: ComparedAuditReport, options: TableOptions = {}): string {
  const { summary, findings, comparison } = report;
  const shown = options.shown ?? findings;
  const all = tallyAll(findings);
  const out = [
    `Audit of ${cleanText(summary.store)}: ${summary.holdersScanned} holders scanned, ${summary.secretsFound} secrets found, ${all.total} findings`,
  ];
  if (comparison) out.push(`  ${cleanText(comparisonSentence(comparison))}`);
  if (all.total > 0) {
    out.push(
      `  ${SEVERITIES.filter((s) => all.bySeverity[s])
        .map((s) => paint(`${all.bySeverity[s]} ${s}`, severityColour(s)))
        .join(', ')}`,
      '',
      ...alignColumns([
        ['CATEGORY', 'COUNT'],
        ...tallyByCategory(findings).map((t) => [t.category, String(t.total)]),
      ]),
    );
    if (shown.length > 0) {
      out.push('', ...(options.grouped ? groupedLines(shown, !!comparison) : flatLines(shown, !!comparison)));
    }
  }
  if (comparison && comparison.resolved.length > 0) {
    out.push(
      '',
      ...alignColumns([
        ['STATUS', 'SEVERITY', 'CATEGORY', 'WORKSPACE', 'WHERE', 'PATH'],
        ...sortResolved(comparison.resolved).map((r) => [
          'resolved',
          r.severity,
          r.category,
          r.workspaceId ?? '-',
          cleanText(resolvedPlace(r)),
          cleanText(r.path ?? r.coordinate ?? '-'),
        ]),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

const bySeverityColumn = (severityColumn: number) => (column: number, cell: string) =>
  column === severityColumn ? severityColour(cell) : null;

function flatLines(findings: readonly ComparedFinding[], compared: boolean): string[] {
  const status = compared ? ['STATUS'] : [];
  return alignColumns(
    [
      [...status, 'SEVERITY', 'CATEGORY', 'WORKSPACE', 'WHERE', 'PATH', 'MESSAGE'],
      ...sortFindings(findings).map((f) => [
        ...(compared ? [f.status ?? '-'] : []),
        f.severity,
        f.category,
        f.workspaceId ?? '-',
        cleanText(describeHolder(f)),
        cleanText(f.path ?? f.coordinate ?? '-'),
        cleanText(f.message),
      ]),
    ],
    { paint: bySeverityColumn(compared ? 1 : 0) },
  );
}

/** One heading per connector (workspace / actor name and id), worst connector first, then its findings. */
function groupedLines(findings: readonly ComparedFinding[], compared: boolean): string[] {
  const groups = new Map<string, ComparedFinding[]>();
  for (const f of sortFindings(findings)) {
    const key = connectorHeading(f);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const out: string[] = [];
  for (const [heading, list] of groups) {
    const s = list.length === 1 ? '' : 's';
    const line = `${cleanText(heading)}: ${list.length} finding${s}`;
    const width = terminal().width;
    out.push(paint(width === null ? line : truncateMiddle(line, width), 'bold'));
    const rows = list.map((f) => [
      ...(compared ? [f.status ?? '-'] : []),
      f.severity,
      f.category,
      cleanText(f.path ?? f.coordinate ?? '-'),
      cleanText(f.message),
    ]);
    const header = [...(compared ? ['STATUS'] : []), 'SEVERITY', 'CATEGORY', 'PATH', 'MESSAGE'];
    out.push(
      ...alignColumns([header, ...rows], { paint: bySeverityColumn(compared ? 1 : 0), indent: 2 }),
      '',
    );
  }
  return out.slice(0, -1);
}

/** `workspace <id> / source "name" (<actor id>)`, or the holder for findings outside a connector. */
function connectorHeading(f: ComparedFinding): string {
  const workspace = f.workspaceId ? `workspace ${f.workspaceId}` : NO_WORKSPACE;
  if (f.actorId === null) return `${workspace} / ${f.holder}`;
  const who = f.actorName ? `${f.actorType ?? f.holder} "${f.actorName}"` : f.holder;
  return `${workspace} / ${who} (${f.actorId})`;
}
