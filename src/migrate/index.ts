import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { readInventory, readSecretConfigs, readSecretPersistenceConfigs } from '../airbyte/inventory.js';
import type { HolderRow } from '../airbyte/types.js';
import { Journal } from '../journal/index.js';
import { STORE_QUOTAS } from '../stores/quotas.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import { estimateDuration } from './estimate.js';
import {
  assignCoordinates,
  copyReferenced,
  type ExecuteContext,
  extractPlaintext,
  type ProgressEvent,
} from './execute.js';
import { collectPlanInputs, decideItems, probeCoordinates, summarize } from './plan.js';
import { finishRunFromItems, type ItemProblem, journalPlannedItems } from './run-items.js';
import type { MigrationPlan } from './types.js';
import { type VerifyResult, verifyReferences } from './verify.js';

export type { ProgressEvent } from './execute.js';
export type { MigrationPlan, PlanItem } from './types.js';
export type { VerifyResult } from './verify.js';

const DEFAULT_STORAGE_ID = '00000000-0000-0000-0000-000000000000';

export interface MigrationOptions {
  pool: pg.Pool;
  source: SecretStore;
  target: SecretStore;
  journalSchema?: string;
  concurrency?: number;
  /** Resume this run id instead of the newest unfinished run between the same stores. */
  resume?: string;
  /** Write extracted plaintext also to the source store (the one Airbyte uses now). @default true */
  writeSource?: boolean;
  /** Rows per cursor batch when streaming the inventory. */
  batchSize?: number;
  onProgress?: (e: ProgressEvent) => void;
  newUuid?: () => string;
}

/** A coordinate referenced outside configurations, and the table that references it. */
export interface ConfigCoordinate {
  coordinate: string;
  workspaceId: string | null;
  holder: 'secret_config' | 'secret_persistence_config';
}

/**
 * Coordinates referenced outside configurations: secret_config rows of storages Airbyte resolves
 * from its env, and secret_persistence_config rows (a runtime persistence's config, kept in the
 * default store).
 */
export async function referencedConfigCoordinates(pool: pg.Pool): Promise<ConfigCoordinate[]> {
  const out: ConfigCoordinate[] = [];
  for await (const c of readSecretConfigs(pool)) {
    const envStorage = c.secretStorageId === DEFAULT_STORAGE_ID || c.configuredFromEnvironment === true;
    if (!c.tombstone && envStorage && c.references.length > 0)
      out.push({ coordinate: c.externalCoordinate, workspaceId: null, holder: 'secret_config' });
  }
  for await (const c of readSecretPersistenceConfigs(pool)) {
    const workspaceId = c.scopeType === 'workspace' ? c.scopeId : null;
    out.push({ coordinate: c.coordinate, workspaceId, holder: 'secret_persistence_config' });
  }
  return out;
}

function inventoryOf(options: Pick<MigrationOptions, 'pool' | 'batchSize'>): () => AsyncIterable<HolderRow> {
  return () => readInventory(options.pool, options.batchSize ? { batchSize: options.batchSize } : {});
}

/**
 * The plan: every action the migration would take, an estimate, and no write anywhere (store
 * reads only; the journal is read, never created, so a dry run leaves the database untouched).
 */
export async function planMigration(
  options: MigrationOptions,
  reuse = new Map<string, string>(),
): Promise<MigrationPlan> {
  const concurrency = concurrencyOf(options);
  const extra = await referencedConfigCoordinates(options.pool);
  const inputs = await collectPlanInputs(inventoryOf(options)(), extra);
  const { results, roundTripMs } = await probeCoordinates(
    inputs.references.keys(),
    options.source,
    options.target,
    concurrency,
  );
  const items = decideItems(inputs, results, reuse);
  return {
    source: options.source.description,
    target: options.target.description,
    items,
    ...summarize(items),
    estimate: estimateDuration(items, {
      sourceKind: options.source.kind,
      targetKind: options.target.kind,
      concurrency,
      roundTripMs,
      writeSource: writeSourceOf(options),
    }),
  };
}

/** Workers in flight: the target store's own limit unless given (enough to keep up with its quota). */
function concurrencyOf(options: Pick<MigrationOptions, 'concurrency' | 'target'>): number {
  return options.concurrency ?? STORE_QUOTAS[options.target.kind].concurrency;
}

function writeSourceOf(options: MigrationOptions): boolean {
  return (options.writeSource ?? true) && options.source.description !== options.target.description;
}

export interface MigrationResult {
  runId: string;
  resumed: boolean;
  plan: Pick<MigrationPlan, 'summary' | 'byWorkspace' | 'estimate'>;
  /** Items by final state. */
  states: Record<string, number>;
  /** Items that failed or need a human, with why (no values). */
  problems: ItemProblem[];
  verification: VerifyResult;
  ok: boolean;
}

/**
 * The migration: plan, copy, extract (write, verify, rewrite), verify the target the way Airbyte
 * will read it. Resumes the newest unfinished run between the same stores, reusing the coordinates
 * it chose. Only one migration between the same two stores runs at a time (advisory lock).
 */
export async function runMigration(options: MigrationOptions): Promise<MigrationResult> {
  const journal = new Journal(options.pool, options.journalSchema);
  await journal.ensure();
  const lockKey = `airbyte-secrets:${options.source.description}->${options.target.description}`;
  const lock = await options.pool.connect();
  try {
    const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      lockKey,
    ]);
    if (!got.rows[0]?.ok) {
      throw new UsageError(
        'another migration between these two stores is running; wait for it or stop it first',
      );
    }
    return await migrateLocked(options, journal);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    lock.release();
  }
}

async function migrateLocked(options: MigrationOptions, journal: Journal): Promise<MigrationResult> {
  const concurrency = concurrencyOf(options);
  const previous = options.resume
    ? await journal.run(options.resume)
    : await journal.unfinishedRun('migrate', options.source.description, options.target.description);
  if (options.resume && !previous)
    throw new UsageError(`no run ${options.resume} in the journal: see 'airbyte-secrets runs'`);
  const reuse = new Map<string, string>();
  if (previous) {
    for (const item of await journal.items(previous.id, { action: 'extract' })) {
      if (item.coordinate && item.state !== 'rewritten') reuse.set(item.item_key, item.coordinate);
    }
  }
  options.onProgress?.({ phase: 'plan', done: 0, total: 1 });
  const plan = await planMigration(options, reuse);
  options.onProgress?.({ phase: 'plan', done: 1, total: 1 });
  assignCoordinates(plan.items, options.newUuid ?? randomUUID);

  const runId = previous?.id ?? randomUUID();
  if (previous) await journal.markRun(runId, 'running');
  else {
    await journal.createRun({
      id: runId,
      kind: 'migrate',
      state: 'running',
      started_by: Journal.operator(),
      source_kind: options.source.kind,
      source_store: options.source.description,
      target_kind: options.target.kind,
      target_store: options.target.description,
      options: { concurrency, writeSource: writeSourceOf(options) },
    });
  }
  await journalPlannedItems(
    journal,
    runId,
    plan.items.map((i) => ({
      ...i,
      reason: i.reason ? `${i.reason}${i.detail ? `: ${i.detail}` : ''}` : undefined,
    })),
  );

  const ctx: ExecuteContext = {
    pool: options.pool,
    journal,
    runId,
    source: options.source,
    target: options.target,
    writeSource: writeSourceOf(options),
    concurrency,
    readRows: (only) => readInventory(options.pool, { only }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  try {
    await copyReferenced(ctx, plan.items);
    await extractPlaintext(ctx, plan.items);
  } catch (err) {
    await journal.markRun(runId, 'failed').catch(() => undefined);
    throw err;
  }
  const verification = await verifyReferences(inventoryOf(options)(), options.target, {
    concurrency,
    extraCoordinates: await referencedConfigCoordinates(options.pool),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const planned = new Set(plan.items.map((i) => i.key));
  const { states, problems } = await finishRunFromItems(journal, runId, (key) => planned.has(key));
  return {
    runId,
    resumed: Boolean(previous),
    plan: { summary: plan.summary, byWorkspace: plan.byWorkspace, estimate: plan.estimate },
    states,
    problems,
    verification,
    ok: problems.length === 0 && verification.failures.length === 0,
  };
}

/** `verify --store`: every reference resolves in `store` (and equals `compare`, if given). */
export async function verifyStore(
  options: Pick<MigrationOptions, 'pool' | 'batchSize' | 'concurrency' | 'onProgress'> & {
    store: SecretStore;
    compare?: SecretStore;
  },
): Promise<VerifyResult> {
  return verifyReferences(inventoryOf(options)(), options.store, {
    concurrency: options.concurrency ?? 8,
    extraCoordinates: await referencedConfigCoordinates(options.pool),
    ...(options.compare ? { compare: options.compare } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
