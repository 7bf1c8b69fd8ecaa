import { Flags } from '@oclif/core';
import type { ComparedAuditReport } from '../audit/comparison.js';
import {
  type FilteredReport,
  type FindingFilter,
  filterReport,
  parseFindingFilter,
  SHOW_ALL,
} from '../audit/filter.js';
import type { AuditStore } from '../audit/index.js';
import type { ScheduledAuditOptions } from '../audit/scheduled.js';
import { type FailOnRule, failingFindings, formatFailOn, parseFailOn } from '../audit/severity.js';
import { SEVERITIES } from '../audit/types.js';
import { parseReportFormats, type ReportFormat, type WrittenReport, writeReports } from '../report/index.js';
import { sortFindings } from '../report/tally.js';
import { StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from './store-flags.js';

/**
 * What `audit` needs around the audit itself: its flags, the store to ask, where the reports go
 * and what the run exits with. Kept here so the command stays flags and rendering.
 */

/** `audit` fails on critical findings unless told otherwise (`--fail-on none` never fails). */
export const DEFAULT_FAIL_ON = 'critical';

const SHOWN =
  'Narrows the table and the Markdown report; JSON, SARIF and HTML reports, --json, the recorded history, --compare and the exit code (--fail-on) still see every finding.';

export const auditFlags = {
  ...targetStoreFlags,
  ...limitFlags,
  ...storeInUseFlags,
  format: Flags.string({ summary: 'Report formats, comma-separated: table, json, sarif, markdown, html.' }),
  output: Flags.string({ summary: 'File or directory for the reports (one file per format).' }),
  'fail-on': Flags.string({
    summary: 'Exit 1 when findings of these categories or severities exist (none: never).',
    description:
      'Decided over all findings, whatever --severity, --category or --limit show. A severity means that severity or worse.',
    default: DEFAULT_FAIL_ON,
  }),
  compare: Flags.string({ summary: 'Mark findings new, open or resolved since a run.', options: ['last'] }),
  history: Flags.boolean({ summary: "Record the run in the tool's schema.", default: true, allowNo: true }),
  severity: Flags.string({
    summary: `Show findings of this severity or worse (${SEVERITIES.join(', ')}).`,
    description: SHOWN,
  }),
  category: Flags.string({
    summary: 'Show only findings of this category (repeatable, or comma-separated).',
    description: SHOWN,
    multiple: true,
  }),
  limit: Flags.integer({
    summary: 'Show at most this many findings, worst first.',
    description: SHOWN,
    min: 1,
  }),
};

export interface AuditRequest {
  rule: FailOnRule;
  /** What the table and the Markdown report show. */
  filter: FindingFilter;
  targets: ReportTargets;
  /** For `runScheduledAudit`, store and progress aside. */
  options: Omit<ScheduledAuditOptions, 'store' | 'onStoreProgress'>;
}

/** What `audit`'s flags ask for, checked before anything is opened (`--fail-on`, then `--format`/`--output`). */
export function auditRequest(
  flags: {
    'fail-on'?: string | undefined;
    format?: string | undefined;
    output?: string | undefined;
    compare?: string | undefined;
    history: boolean;
    'journal-schema': string;
    concurrency?: number | undefined;
    severity?: string | undefined;
    category?: string[] | undefined;
    limit?: number | undefined;
  },
  json: boolean,
): AuditRequest {
  const rule = parseFailOn(flags['fail-on'] ?? DEFAULT_FAIL_ON);
  const filter = parseFindingFilter(flags);
  const targets = reportTargets(flags, json);
  return {
    rule,
    filter,
    targets,
    options: {
      record: flags.history,
      compare: flags.compare === 'last',
      historySchema: flags['journal-schema'],
      runOptions: { formats: targets.formats, failOn: formatFailOn(rule), compare: flags.compare ?? null },
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    },
  };
}

export interface AuditOutcome {
  /** 2 when the store could not be reached, 1 when findings match `--fail-on`, else 0. */
  exit: number;
  failOn: { count: number; rule: string };
  unreachable: boolean;
}

export function auditOutcome(report: ComparedAuditReport, rule: FailOnRule): AuditOutcome {
  const unreachable = report.findings.some((f) => f.category === 'store-unreachable');
  const count = failingFindings(report.findings, rule).length;
  return {
    exit: unreachable ? 2 : count > 0 ? 1 : 0,
    failOn: { count, rule: formatFailOn(rule) },
    unreachable,
  };
}

/**
 * The store to audit against, from the command's opener: the `secrets` table is read through the
 * audit's own pool (the database is already open); a store that fails to open (connection
 * refused, permission denied, a bad token) becomes an unreachable store, reported as one finding.
 */
export async function auditStoreFrom(open: () => Promise<SecretStore>): Promise<AuditStore> {
  try {
    const store = await open();
    return store.capabilities.airbyteDatabaseTable ? 'database' : store;
  } catch (err) {
    if (err instanceof StoreError) return { label: `${err.store} store`, unreachable: err };
    throw err;
  }
}

export interface ReportTargets {
  formats: ReportFormat[];
  output?: string;
  /** One format and no `--output`: that report is the standard output (no table). */
  toStdout: boolean;
}

/** `--format` and `--output` checked before anything runs: several formats, or any with `--json`, need a file. */
export function reportTargets(
  flags: { format?: string | undefined; output?: string | undefined },
  json: boolean,
): ReportTargets {
  const formats = flags.format ? parseReportFormats(flags.format) : [];
  if (flags.output && formats.length === 0) {
    throw new UsageError('--output needs --format (table, json, sarif, markdown, html)');
  }
  if (!flags.output && (formats.length > 1 || (formats.length > 0 && json))) {
    throw new UsageError(
      `--format ${formats.join(',')}${json ? ' with --json' : ''} needs --output <file or directory>`,
    );
  }
  return {
    formats,
    ...(flags.output ? { output: flags.output } : {}),
    toStdout: formats.length > 0 && !flags.output,
  };
}

/** The report as the table and the Markdown report show it (`--severity`, `--category`, `--limit`). */
export function shownReport(report: ComparedAuditReport, filter: FindingFilter): FilteredReport {
  return filterReport(report, filter, sortFindings);
}

/**
 * Writes every asked report (Markdown and table with only the findings shown: `--severity`,
 * `--category`, `--limit`); nothing without `--format`. Returns the report as shown too, for the table.
 */
export async function writeAuditReports(
  report: ComparedAuditReport,
  targets: ReportTargets,
  filter: FindingFilter = SHOW_ALL,
): Promise<{ written: WrittenReport[]; shown: FilteredReport }> {
  const shown = shownReport(report, filter);
  if (targets.formats.length === 0) return { written: [], shown };
  const written = await writeReports(report, {
    formats: targets.formats,
    ...(targets.output ? { output: targets.output } : {}),
    shown: { markdown: shown.report, table: shown.report },
  });
  return { written, shown };
}
