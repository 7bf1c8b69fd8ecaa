import type pg from 'pg';
import { DEFAULT_BATCH_SIZE, readInventory } from '../airbyte/inventory.js';
import { detectAirbyteSchema } from '../airbyte/schema-detect.js';
import type { HolderRow } from '../airbyte/types.js';
import { type AuditContext, foundationChecks, type InventoryCheck } from './inventory-findings.js';
import type { AuditReport, AuditSummary, Finding } from './types.js';

export type { AuditContext, InventoryCheck } from './inventory-findings.js';
export {
  databaseStoreCheck,
  findingId,
  foundationChecks,
  maskedValueCheck,
  missingSpecCheck,
  plaintextInlineCheck,
  rowFinding,
} from './inventory-findings.js';

export interface AuditOptions {
  /** Which checks to run over the inventory. @default foundationChecks() */
  checks?: readonly InventoryCheck[];
  /**
   * The store references resolve in: `database` (Airbyte's default, SECRET_PERSISTENCE unset or
   * TESTING_CONFIG_DB_TABLE), or a label for another store whose checks are passed in `checks`.
   * @default 'database'
   */
  store?: 'database' | { label: string };
  /** Rows per batch, for the cursor and for each check call. @default 500 */
  batchSize?: number;
  /** Called after each batch with the number of holder rows done. */
  onProgress?: (rowsDone: number) => void;
}

/**
 * Reads the inventory once (streamed, one snapshot) and runs each check over it batch by batch.
 * Findings hold locations and coordinates only, never a value.
 */
export async function auditInventory(pool: pg.Pool, options: AuditOptions = {}): Promise<AuditReport> {
  const startedAt = new Date().toISOString();
  const schema = await detectAirbyteSchema(pool);
  const store = options.store ?? 'database';
  const ctx: AuditContext = { pool, schema, databaseStore: store === 'database' && schema.secretsTable };
  // One connection streams the inventory while the checks query on another.
  if ((pool.options.max ?? 10) < 2) throw new Error('auditInventory needs a pool of at least 2 connections');
  const checks = options.checks ?? foundationChecks();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;

  const findings: Finding[] = [];
  let holdersScanned = 0;
  let secretsFound = 0;
  let batch: HolderRow[] = [];
  const flush = async (): Promise<void> => {
    for (const c of checks) findings.push(...(await c.check(batch, ctx)));
    batch = [];
    options.onProgress?.(holdersScanned);
  };
  for await (const row of readInventory(pool, { batchSize, schema })) {
    holdersScanned++;
    secretsFound += row.records.filter((r) => r.node.kind !== 'missing' && r.node.kind !== 'empty').length;
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  for (const c of checks) if (c.finish) findings.push(...(await c.finish(ctx)));

  return {
    summary: summarize(findings, { startedAt, store: storeLabel(store, ctx), holdersScanned, secretsFound }),
    findings,
  };
}

function storeLabel(store: 'database' | { label: string }, ctx: AuditContext): string {
  if (store !== 'database') return store.label;
  return ctx.databaseStore ? 'database' : 'database (no `secrets` table: reference checks skipped)';
}

function summarize(
  findings: readonly Finding[],
  base: Pick<AuditSummary, 'startedAt' | 'store' | 'holdersScanned' | 'secretsFound'>,
): AuditSummary {
  const summary: AuditSummary = {
    ...base,
    finishedAt: new Date().toISOString(),
    byCategory: {},
    bySeverity: {},
  };
  for (const f of findings) {
    summary.byCategory[f.category] = (summary.byCategory[f.category] ?? 0) + 1;
    summary.bySeverity[f.severity] = (summary.bySeverity[f.severity] ?? 0) + 1;
  }
  return summary;
}
