import type pg from 'pg';
import { DEFAULT_BATCH_SIZE, readInventory } from '../airbyte/inventory.js';
import { type AirbyteSchemaInfo, detectAirbyteSchema } from '../airbyte/schema-detect.js';
import { type HolderRow, isNodeKind } from '../airbyte/types.js';
import type { ProgressEvent } from '../engine/progress.js';
import { createDatabaseStore } from '../stores/database/store.js';
import { withLimits } from '../stores/limits.js';
import type { SecretStore } from '../stores/types.js';
import { foundationChecks } from './checks.js';
import { type AuditContext, type InventoryCheck, storeFinding } from './inventory-findings.js';
import { ReferenceIndex } from './reference-index.js';
import { StoreAccess, type StoreFailure } from './store-access.js';
import type { AuditReport, AuditSummary, Finding } from './types.js';

export { allChecks, foundationChecks } from './checks.js';
export {
  invalidCoordinateCheck,
  sharedCoordinateCheck,
  workspaceMismatchCheck,
} from './coordinate-findings.js';
export type { AuditContext, FindingRow, InventoryCheck } from './inventory-findings.js';
export {
  findingId,
  maskedValueCheck,
  missingSpecCheck,
  plaintextInlineCheck,
  rowFinding,
  storeFinding,
} from './inventory-findings.js';
export { classifyOrphan, EPHEMERAL_LIFETIME_MS, orphanedSecretCheck } from './orphan-findings.js';
export { referenceCheck } from './reference-findings.js';
export { ReferenceIndex, type ReferenceSite } from './reference-index.js';
export { type ReadOutcome, StoreAccess, type StoreFailure } from './store-access.js';
export { maskedNameFields, suspiciousPlaintextCheck } from './suspicious-findings.js';

/**
 * The store references resolve in:
 * - `'database'`: Airbyte's default (SECRET_PERSISTENCE unset or TESTING_CONFIG_DB_TABLE), the
 *   plaintext `secrets` table read through the audit's own pool;
 * - a `SecretStore` the caller opened (`createStore` wraps it in the store's limits): the
 *   store-backed checks ask it;
 * - `{ label }`: a store the audit does not ask (the store-backed checks are skipped);
 * - `{ label, unreachable }`: a store that could not even be opened: one `store-unreachable`
 *   finding, the store-backed checks skipped.
 */
export type AuditStore = 'database' | SecretStore | { label: string; unreachable?: Error };

export interface AuditOptions {
  /** Which checks to run over the inventory. @default foundationChecks() */
  checks?: readonly InventoryCheck[];
  /** @default 'database' */
  store?: AuditStore;
  /** Store lookups in flight at once. @default `workersFor` the store (its kind's `quota.maxConcurrency`) */
  concurrency?: number;
  /** Rows per batch, for the cursor and for each check call. @default 500 */
  batchSize?: number;
  /** Called after each batch with the number of holder rows done. */
  onProgress?: (rowsDone: number) => void;
  /** Progress of the store lookups after the inventory pass. */
  onStoreProgress?: (e: ProgressEvent) => void;
  /** The audit's clock. @default now */
  now?: Date;
}

/**
 * Reads the inventory once (streamed, one read-only snapshot) and runs each check over it batch
 * by batch, collecting every reference as it goes; then, with the snapshot closed, each check's
 * `finish` asks the store (each coordinate once) and the database (secret_config rows). A store
 * that cannot be reached is one `store-unreachable` finding, never a crash: the checks that need
 * no store still report. Findings hold locations and coordinates only, never a value.
 */
export async function auditInventory(pool: pg.Pool, options: AuditOptions = {}): Promise<AuditReport> {
  const startedAt = new Date().toISOString();
  const schema = await detectAirbyteSchema(pool);
  const target = await storeTarget(pool, schema, options);
  const ctx: AuditContext = {
    pool,
    schema,
    databaseStore: target.databaseStore,
    references: new ReferenceIndex(),
    now: options.now ?? new Date(),
    ...(target.access ? { store: target.access } : {}),
    ...(options.onStoreProgress ? { onStoreProgress: options.onStoreProgress } : {}),
  };
  const checks = options.checks ?? foundationChecks();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;

  const findings: Finding[] = [];
  let holdersScanned = 0;
  let secretsFound = 0;
  try {
    let batch: HolderRow[] = [];
    const flush = async (): Promise<void> => {
      for (const c of checks) findings.push(...(await c.check(batch, ctx)));
      batch = [];
      options.onProgress?.(holdersScanned);
    };
    for await (const row of readInventory(pool, { batchSize, schema })) {
      holdersScanned++;
      secretsFound += row.records.filter((r) => !isNodeKind(r.node, 'missing', 'empty')).length;
      ctx.references.add(row);
      batch.push(row);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    // The snapshot is closed: checks may now use the database and the store.
    for (const c of checks) if (c.finish) findings.push(...(await c.finish(ctx)));
  } finally {
    await target.close?.();
  }
  const failure = target.failure ?? target.access?.failure;
  if (failure) findings.push(unreachableFinding(target.label, failure));
  const incompatibility = target.access?.store.airbyteIncompatibility;
  if (incompatibility)
    findings.push(storeFinding('store-unusable-by-airbyte', `${target.label}: ${incompatibility}`));

  return {
    summary: summarize(findings, { startedAt, store: target.label, holdersScanned, secretsFound }),
    findings,
  };
}

interface StoreTarget {
  label: string;
  databaseStore: boolean;
  access?: StoreAccess;
  failure?: StoreFailure;
  close?: () => Promise<void>;
}

const NO_TABLE = '(no `secrets` table: reference checks skipped)';

async function storeTarget(
  pool: pg.Pool,
  schema: AirbyteSchemaInfo,
  options: AuditOptions,
): Promise<StoreTarget> {
  const store = options.store ?? 'database';
  const concurrency = options.concurrency !== undefined ? { concurrency: options.concurrency } : {};
  if (store === 'database') {
    if (!schema.secretsTable) return { label: `database ${NO_TABLE}`, databaseStore: false };
    // The plaintext table through this pool, asked the same way as any other store.
    const table = withLimits(await createDatabaseStore({ kind: 'database', url: '' }, { pool }), concurrency);
    return {
      label: 'database',
      databaseStore: true,
      access: new StoreAccess(table, concurrency),
      close: () => table.close(),
    };
  }
  if (!isSecretStore(store)) {
    return {
      label: store.label,
      databaseStore: false,
      ...(store.unreachable
        ? { failure: { during: 'open', reached: false, message: firstLine(store.unreachable.message) } }
        : {}),
    };
  }
  if (store.capabilities.airbyteDatabaseTable && !schema.secretsTable) {
    // A deployment that never used the table: its references live in a store the env does not name.
    return { label: `${store.description} ${NO_TABLE}`, databaseStore: false };
  }
  return {
    label: store.description,
    databaseStore: store.capabilities.airbyteDatabaseTable,
    access: new StoreAccess(store, concurrency),
  };
}

function isSecretStore(store: Exclude<AuditStore, 'database'>): store is SecretStore {
  return typeof (store as Partial<SecretStore>).read === 'function';
}

function unreachableFinding(label: string, failure: StoreFailure): Finding {
  const why =
    failure.during === 'list'
      ? `The store's names could not be listed (${failure.message}): orphaned secrets were not checked.`
      : failure.reached
        ? `The store stopped answering (${failure.message}): the references not yet read and orphaned secrets were not checked.`
        : `The store could not be reached (${failure.message}): no reference was resolved and orphaned secrets were not checked.`;
  return storeFinding('store-unreachable', `${label}: ${why}`);
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
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
