import type { ComparedAuditReport } from '../audit/comparison.js';
import { sortFindings } from './tally.js';

/**
 * The audit as `{ summary, findings }`, findings worst first; with `--compare` each finding has
 * its `status` and a `comparison` block follows (the previous run, counts, resolved findings).
 */
export function auditJson(report: ComparedAuditReport): ComparedAuditReport {
  return {
    summary: report.summary,
    findings: sortFindings(report.findings),
    ...(report.comparison ? { comparison: report.comparison } : {}),
  };
}

/** `auditJson`, pretty-printed. */
export function renderJson(report: ComparedAuditReport): string {
  return `${JSON.stringify(auditJson(report), null, 2)}\n`;
}
