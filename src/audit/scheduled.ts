import type pg from 'pg';
import { DEFAULT_JOURNAL_SCHEMA, ensureJournalSchema } from '../journal/schema.js';
import { allChecks } from './checks.js';
import { type ComparedAuditReport, withComparison, withoutBaseline } from './comparison.js';
import {
  type AuditComparison,
  type AuditRun,
  auditHistoryExists,
  compareWithLastRun,
  listAuditRuns,
  recordAuditRun,
} from './history.js';
import { type AuditOptions, auditInventory } from './index.js';

export interface ScheduledAuditOptions extends Omit<AuditOptions, 'checks'> {
  /**
   * Record the run in the tool's schema, creating or upgrading it first (before the audit, so a
   * role that may not create it fails at once). Off (`--no-history`), nothing is created or
   * written: a read-only role can audit. @default true
   */
  record?: boolean;
  /** Mark findings new / open and list the resolved ones against the previous recorded run. */
  compare?: boolean;
  /** The tool's schema. @default 'airbyte_secrets' */
  historySchema?: string;
  /** The run's flags as history keeps them: never a credential. */
  runOptions?: Record<string, unknown>;
}

export interface ScheduledAuditResult {
  report: ComparedAuditReport;
  /** The run as recorded; `null` with `record: false`. */
  recorded: AuditRun | null;
}

/**
 * `audit` as a nightly job runs it: every check against the store Airbyte uses, compared with the
 * previous run when asked, and recorded (identities and counts only, never a value).
 */
export async function runScheduledAudit(
  pool: pg.Pool,
  options: ScheduledAuditOptions = {},
): Promise<ScheduledAuditResult> {
  const {
    record = true,
    compare = false,
    historySchema = DEFAULT_JOURNAL_SCHEMA,
    runOptions = {},
    ...audit
  } = options;
  const history = { schema: historySchema };
  if (record) await ensureJournalSchema(pool, historySchema);
  const plain = await auditInventory(pool, { ...audit, checks: allChecks() });
  let report: ComparedAuditReport = plain;
  if (compare) {
    const cmp = await readComparison(pool, plain, history, record);
    report = cmp ? withComparison(plain, cmp) : withoutBaseline(plain);
  }
  const recorded = record ? await recordAuditRun(pool, plain, runOptions, history) : null;
  return { report, recorded };
}

/**
 * The comparison, or `null` when there is no history to compare with. Read-only, when the run is
 * not recorded: tables a read-only role cannot see count as no history, not as an error.
 */
async function readComparison(
  pool: pg.Pool,
  report: ComparedAuditReport,
  history: { schema: string },
  recorded: boolean,
): Promise<AuditComparison | null> {
  if (recorded) return compareWithLastRun(pool, report, history);
  try {
    if (!(await auditHistoryExists(pool, history))) return null;
    return await compareWithLastRun(pool, report, history);
  } catch (err) {
    if ((err as { code?: unknown }).code === PERMISSION_DENIED) return null;
    throw err;
  }
}

const PERMISSION_DENIED = '42501';

/** Recorded runs, newest first; none (and nothing created) when the history tables do not exist. */
export async function listRecordedRuns(
  pool: pg.Pool,
  options: { limit?: number; schema?: string } = {},
): Promise<AuditRun[]> {
  const history = { schema: options.schema ?? DEFAULT_JOURNAL_SCHEMA };
  if (!(await auditHistoryExists(pool, history))) return [];
  return listAuditRuns(pool, {
    ...history,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
}
