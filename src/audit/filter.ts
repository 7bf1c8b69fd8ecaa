import { UsageError } from '../util/errors.js';
import { didYouMean } from '../util/nearest.js';
import type { ComparedAuditReport } from './comparison.js';
import { atLeast } from './severity.js';
import {
  FINDING_CATEGORIES,
  type Finding,
  type FindingCategory,
  SEVERITIES,
  type Severity,
} from './types.js';

/**
 * What `audit --severity/--category/--limit` show. They narrow what a person reads (the table and
 * the Markdown report); the JSON, SARIF and HTML reports, `--json`, the recorded history,
 * `--compare` and the exit code (`--fail-on`) always see every finding.
 */
export interface FindingFilter {
  /** Show this severity and worse; `null`: every severity. */
  minSeverity: Severity | null;
  /** Show only these categories; empty: every category. */
  categories: ReadonlySet<FindingCategory>;
  /** Show at most this many findings (worst first); `null`: all. */
  limit: number | null;
}

export const SHOW_ALL: FindingFilter = { minSeverity: null, categories: new Set(), limit: null };

/** Checks the flags' words: one line naming the bad value and the nearest valid one. */
export function parseFindingFilter(flags: {
  severity?: string | undefined;
  category?: readonly string[] | undefined;
  limit?: number | undefined;
}): FindingFilter {
  const categories = new Set<FindingCategory>();
  for (const word of (flags.category ?? []).flatMap((c) => c.split(',')).map((c) => c.trim().toLowerCase())) {
    if (word === '') continue;
    if (!(FINDING_CATEGORIES as readonly string[]).includes(word)) {
      throw new UsageError(
        `--category: unknown category "${word}".${didYouMean(word, FINDING_CATEGORIES)} Categories: ${FINDING_CATEGORIES.join(', ')}`,
      );
    }
    categories.add(word as FindingCategory);
  }
  let minSeverity: Severity | null = null;
  if (flags.severity !== undefined) {
    const word = flags.severity.trim().toLowerCase();
    if (!(SEVERITIES as readonly string[]).includes(word)) {
      throw new UsageError(
        `--severity: unknown severity "${word}".${didYouMean(word, SEVERITIES)} Severities: ${SEVERITIES.join(', ')}`,
      );
    }
    minSeverity = word as Severity;
  }
  return { minSeverity, categories, limit: flags.limit ?? null };
}

export function isFiltering(filter: FindingFilter): boolean {
  return filter.minSeverity !== null || filter.categories.size > 0 || filter.limit !== null;
}

export function shows(filter: FindingFilter, f: Pick<Finding, 'category' | 'severity'>): boolean {
  if (filter.minSeverity !== null && !atLeast(f.severity, filter.minSeverity)) return false;
  return filter.categories.size === 0 || filter.categories.has(f.category);
}

export interface FilteredReport {
  /** The report with only the findings shown (and resolved ones that match); the summary is unchanged. */
  report: ComparedAuditReport;
  /** Findings of the whole report. */
  total: number;
  /** Findings that match `--severity`/`--category`. */
  matching: number;
  /** Matching findings left out by `--limit`. */
  overLimit: number;
}

/**
 * The report as shown: findings matching the filter, worst first when `--limit` cuts, so the
 * ones kept are the ones to act on first.
 */
export function filterReport(
  report: ComparedAuditReport,
  filter: FindingFilter,
  sort: <F extends Finding>(findings: readonly F[]) => F[],
): FilteredReport {
  const matching = report.findings.filter((f) => shows(filter, f));
  const kept = filter.limit !== null ? sort(matching).slice(0, filter.limit) : matching;
  const comparison = report.comparison
    ? { ...report.comparison, resolved: report.comparison.resolved.filter((r) => shows(filter, r)) }
    : undefined;
  return {
    report: { ...report, findings: kept, ...(comparison ? { comparison } : {}) },
    total: report.findings.length,
    matching: matching.length,
    overLimit: matching.length - kept.length,
  };
}
