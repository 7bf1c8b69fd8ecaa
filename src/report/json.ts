import type { AuditReport } from '../audit/types.js';
import { sortFindings } from './tally.js';

/** The audit as `{ summary, findings }`, findings worst first, pretty-printed. */
export function renderJson(report: AuditReport): string {
  const body: AuditReport = { summary: report.summary, findings: sortFindings(report.findings) };
  return `${JSON.stringify(body, null, 2)}\n`;
}
