import type { AuditComparison, FindingIdentity } from './history.js';
import type { AuditReport, Finding } from './types.js';

/**
 * A report compared with the previous recorded run (`audit --compare last`): each finding says
 * whether it is new or was already open, and the report lists what got resolved. Every format
 * carries it (SARIF as `baselineState`). Without a comparison a report is a plain `AuditReport`.
 */

export type FindingStatus = 'new' | 'open' | 'resolved';

export interface ComparedFinding extends Finding {
  /** Set only when the report was compared: `new` since the previous run, or still `open`. */
  status?: Exclude<FindingStatus, 'resolved'>;
}

/** A finding of the previous run that is gone, as history keeps it (where it was; no message, no name). */
export interface ResolvedFinding extends FindingIdentity {
  status: 'resolved';
}

export interface ReportComparison {
  /** The run compared with; `null` when none was recorded (every finding is then new). */
  previousRun: { id: number; startedAt: string; store: string } | null;
  counts: { new: number; open: number; resolved: number };
  resolved: ResolvedFinding[];
}

export interface ComparedAuditReport extends AuditReport {
  findings: ComparedFinding[];
  comparison?: ReportComparison;
}

/** The report with each finding's status and the resolved ones, from `compareWithLastRun`. */
export function withComparison(report: AuditReport, cmp: AuditComparison): ComparedAuditReport {
  const open = new Set(cmp.open.map((f) => f.id));
  return {
    summary: report.summary,
    findings: report.findings.map((f) => ({ ...f, status: open.has(f.id) ? 'open' : 'new' })),
    comparison: {
      previousRun: cmp.previousRun
        ? { id: cmp.previousRun.id, startedAt: cmp.previousRun.startedAt, store: cmp.previousRun.store }
        : null,
      counts: { new: cmp.new.length, open: cmp.open.length, resolved: cmp.resolved.length },
      resolved: cmp.resolved.map((r) => ({ ...r, status: 'resolved' })),
    },
  };
}

/** A comparison with nothing before it: every finding is new. */
export function withoutBaseline(report: AuditReport): ComparedAuditReport {
  const ids = new Set(report.findings.map((f) => f.id));
  return {
    summary: report.summary,
    findings: report.findings.map((f) => ({ ...f, status: 'new' })),
    comparison: { previousRun: null, counts: { new: ids.size, open: 0, resolved: 0 }, resolved: [] },
  };
}
