import type { ComparedAuditReport, ComparedFinding } from '../audit/comparison.js';
import { SEVERITIES } from '../audit/types.js';
import { comparisonSentence, resolvedPlace, sortResolved } from './comparison-text.js';
import { describeHolder, sortFindings, tallyAll, tallyByCategory } from './tally.js';
import { alignColumns, cleanText } from './text.js';

/**
 * A plain-text summary and one line per finding, for a terminal or a CI log. With a comparison,
 * each line starts with its status and the resolved findings follow.
 */
export function renderTable(report: ComparedAuditReport): string {
  const { summary, findings, comparison } = report;
  const all = tallyAll(findings);
  const out = [
    `Audit of ${cleanText(summary.store)}: ${summary.holdersScanned} holders scanned, ${summary.secretsFound} secrets found, ${all.total} findings`,
  ];
  if (comparison) out.push(`  ${cleanText(comparisonSentence(comparison))}`);
  if (all.total > 0) {
    const status = comparison ? ['STATUS'] : [];
    out.push(
      `  ${SEVERITIES.filter((s) => all.bySeverity[s])
        .map((s) => `${all.bySeverity[s]} ${s}`)
        .join(', ')}`,
      '',
      ...alignColumns([
        ['CATEGORY', 'COUNT'],
        ...tallyByCategory(findings).map((t) => [t.category, String(t.total)]),
      ]),
      '',
      ...alignColumns([
        [...status, 'SEVERITY', 'CATEGORY', 'WORKSPACE', 'WHERE', 'PATH', 'MESSAGE'],
        ...sortFindings(findings).map((f) => [...(comparison ? [f.status ?? '-'] : []), ...line(f)]),
      ]),
    );
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

function line(f: ComparedFinding): string[] {
  return [
    f.severity,
    f.category,
    f.workspaceId ?? '-',
    cleanText(describeHolder(f)),
    cleanText(f.path ?? f.coordinate ?? '-'),
    cleanText(f.message),
  ];
}
