import { type AuditReport, type Finding, SEVERITIES } from '../audit/types.js';
import { describeHolder, sortFindings, tallyAll, tallyByCategory } from './tally.js';
import { alignColumns, cleanText } from './text.js';

/** A plain-text summary and one line per finding, for a terminal or a CI log. */
export function renderTable(report: AuditReport): string {
  const { summary, findings } = report;
  const all = tallyAll(findings);
  const out = [
    `Audit of ${cleanText(summary.store)}: ${summary.holdersScanned} holders scanned, ${summary.secretsFound} secrets found, ${all.total} findings`,
  ];
  if (all.total > 0) {
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
        ['SEVERITY', 'CATEGORY', 'WORKSPACE', 'WHERE', 'PATH', 'MESSAGE'],
        ...sortFindings(findings).map(line),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

function line(f: Finding): string[] {
  return [
    f.severity,
    f.category,
    f.workspaceId ?? '-',
    cleanText(describeHolder(f)),
    cleanText(f.path ?? f.coordinate ?? '-'),
    cleanText(f.message),
  ];
}
