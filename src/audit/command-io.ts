import { parseReportFormats, type ReportFormat, type WrittenReport, writeReports } from '../report/index.js';
import { StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import type { ComparedAuditReport } from './comparison.js';
import type { AuditStore } from './index.js';

/**
 * What `audit` needs around the audit itself: the store to ask, and where the reports go. Kept
 * here so the command stays flags and rendering.
 */

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
export function reportTargets(flags: { format?: string; output?: string }, json: boolean): ReportTargets {
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

/** Writes every asked report; nothing when no `--format` was given. */
export async function writeAuditReports(
  report: ComparedAuditReport,
  targets: ReportTargets,
): Promise<WrittenReport[]> {
  if (targets.formats.length === 0) return [];
  return writeReports(report, {
    formats: targets.formats,
    ...(targets.output ? { output: targets.output } : {}),
  });
}
