import type pg from 'pg';
import { DEFAULT_JOURNAL_SCHEMA } from '../journal/schema.js';
import { withTransaction } from '../journal/transaction.js';
import * as q from './history-queries.js';
import type { AuditReport, Finding, FindingCategory, Severity } from './types.js';

/**
 * Audit history in the tool's own schema: every recorded run with its counts, and the identity of
 * each finding (never a value), so a run can be compared with the one before it. The tables come
 * from migrations/0002.do.audit-history.sql through the schema runner (`ensureJournalSchema`).
 */

/** A pool (one connection is taken for the transaction) or a client the caller holds. */
export type HistoryDb = pg.Pool | pg.ClientBase;

export interface HistoryOptions {
  /** The tool's schema. @default 'airbyte_secrets' */
  schema?: string;
}

/** A finding as history keeps it: where it was, not what it said. */
export interface FindingIdentity {
  findingId: string;
  category: FindingCategory;
  severity: Severity;
  holder: string;
  workspaceId: string | null;
  actorId: string | null;
  path: string | null;
  coordinate: string | null;
}

export interface AuditRunCounts {
  total: number;
  byCategory: Partial<Record<FindingCategory, number>>;
  bySeverity: Partial<Record<Severity, number>>;
}

/** One recorded audit run. */
export interface AuditRun {
  id: number;
  startedAt: string;
  finishedAt: string;
  store: string;
  holdersScanned: number;
  secretsFound: number;
  counts: AuditRunCounts;
  /** The flags it ran with, as given to `recordAuditRun`. */
  options: Record<string, unknown>;
}

/** What changed since the previous run: `new` and `open` partition the current findings. */
export interface AuditComparison {
  /** The run compared with; `null` when there is none (every finding is then new). */
  previousRun: AuditRun | null;
  /** Findings the previous run did not have. */
  new: Finding[];
  /** Findings the previous run had too. */
  open: Finding[];
  /** Findings of the previous run that are gone. */
  resolved: FindingIdentity[];
}

const schemaOf = (o: HistoryOptions | undefined) => o?.schema ?? DEFAULT_JOURNAL_SCHEMA;

/**
 * Records a run and the identity of each of its findings in one transaction. `options` should be
 * the run's flags (formats, fail-on, compare...): it is stored as given, so never put a credential
 * in it. Returns the recorded run.
 */
export async function recordAuditRun(
  db: HistoryDb,
  report: AuditReport,
  options: Record<string, unknown> = {},
  history?: HistoryOptions,
): Promise<AuditRun> {
  const schema = schemaOf(history);
  return withTransaction(db, async (client) => {
    const run = await q.insertAuditRun(client, schema, {
      started_at: report.summary.startedAt,
      finished_at: report.summary.finishedAt,
      store: report.summary.store,
      holders_scanned: report.summary.holdersScanned,
      secrets_found: report.summary.secretsFound,
      counts: countsOf(report) as unknown as Record<string, unknown>,
      options,
    });
    await q.insertAuditFindings(client, schema, run.id, report.findings.map(toRow));
    return fromRunRow(run);
  });
}

/**
 * Compares a report with the most recent run of the same store (`summary.store`, the store's
 * description) recorded before it started (so it works whether or not this report was already
 * recorded): an audit of another store is never a baseline. Findings are matched by their stable id.
 */
export async function compareWithLastRun(
  db: HistoryDb,
  report: AuditReport,
  history?: HistoryOptions,
): Promise<AuditComparison> {
  const schema = schemaOf(history);
  const current = uniqueById(report.findings);
  const previous = await q.selectRunBefore(db, schema, report.summary.startedAt, report.summary.store);
  if (!previous) return { previousRun: null, new: current, open: [], resolved: [] };

  const before = await q.selectRunFindings(db, schema, previous.id);
  const beforeIds = new Set(before.map((r) => r.finding_id));
  const nowIds = new Set(current.map((f) => f.id));
  return {
    previousRun: fromRunRow(previous),
    new: current.filter((f) => !beforeIds.has(f.id)),
    open: current.filter((f) => beforeIds.has(f.id)),
    resolved: before.filter((r) => !nowIds.has(r.finding_id)).map(fromFindingRow),
  };
}

/** Recorded runs, newest first. */
export async function listAuditRuns(
  db: HistoryDb,
  options: { limit?: number } & HistoryOptions = {},
): Promise<AuditRun[]> {
  const limit = Math.max(1, Math.floor(options.limit ?? 20));
  return (await q.selectRuns(db, schemaOf(options), limit)).map(fromRunRow);
}

/** Whether the history tables exist (a read-only audit must not create them). */
export function auditHistoryExists(db: HistoryDb, history?: HistoryOptions): Promise<boolean> {
  return q.auditTablesExist(db, schemaOf(history));
}

export function identityOf(f: Finding): FindingIdentity {
  return fromFindingRow(toRow(f));
}

function countsOf(report: AuditReport): AuditRunCounts {
  const byCategory: AuditRunCounts['byCategory'] = {};
  const bySeverity: AuditRunCounts['bySeverity'] = {};
  const findings = uniqueById(report.findings);
  for (const f of findings) {
    byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  }
  return { total: findings.length, byCategory, bySeverity };
}

/** A report may repeat a finding; history keeps one row per id. */
function uniqueById(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()];
}

function toRow(f: Finding): q.AuditFindingRow {
  return {
    finding_id: f.id,
    category: f.category,
    severity: f.severity,
    holder: f.holder,
    workspace_id: f.workspaceId,
    actor_id: f.actorId,
    path: f.path,
    coordinate: f.coordinate,
  };
}

function fromFindingRow(r: q.AuditFindingRow): FindingIdentity {
  return {
    findingId: r.finding_id,
    // Rows written by another release may name a category this one does not know; kept as text.
    category: r.category as FindingCategory,
    severity: r.severity as Severity,
    holder: r.holder,
    workspaceId: r.workspace_id,
    actorId: r.actor_id,
    path: r.path,
    coordinate: r.coordinate,
  };
}

function fromRunRow(r: q.AuditRunRow): AuditRun {
  const counts = r.counts as Partial<AuditRunCounts>;
  return {
    id: Number(r.id),
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at.toISOString(),
    store: r.store,
    holdersScanned: r.holders_scanned,
    secretsFound: r.secrets_found,
    counts: {
      total: counts.total ?? 0,
      byCategory: counts.byCategory ?? {},
      bySeverity: counts.bySeverity ?? {},
    },
    options: r.options,
  };
}
