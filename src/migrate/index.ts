import type pg from 'pg';
import { readEnvSecretStorageIds, readInventory } from '../airbyte/inventory.js';
import type { HolderRow } from '../airbyte/types.js';
import type { ItemProblem } from '../engine/items.js';
import type { ProgressEvent } from '../engine/progress.js';
import { runJournaled } from '../engine/run.js';
import { referencedConfigCoordinates, type VerifyResult, verifyReferences } from '../engine/verify.js';
import { storeIdentity } from '../stores/identity.js';
import { storeDefinition } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import { estimateDuration } from './estimate.js';
import { assignCoordinates, copyReferenced, extractPlaintext } from './execute.js';
import { collectPlanInputs, decideItems, probeCoordinates, summarize } from './plan.js';
import type { MigrationPlan, ReadyExtractItem } from './types.js';

export type { ProgressEvent } from '../engine/progress.js';
export type { VerifyResult } from '../engine/verify.js';
export { referencedConfigCoordinates, verifyStore } from '../engine/verify.js';
export type { MigrationPlan, PlanItem } from './types.js';

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
  refuseTargetAirbyteCannotUse(options.target);
  const concurrency = concurrencyOf(options);
  const extra = await referencedConfigCoordinates(options.pool);
  const inputs = await collectPlanInputs(inventoryOf(options)(), extra);
  const { results, roundTripMs } = await probeCoordinates(
    inputs.references.keys(),
    options.source,
    options.target,
    concurrency,
  );
  const items = decideItems(inputs, results, reuse, await readEnvSecretStorageIds(options.pool));
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

/** A target that Airbyte itself could not use would break every connector at the switch: stop before any write. */
function refuseTargetAirbyteCannotUse(target: SecretStore): void {
  if (target.airbyteIncompatibility) {
    throw new UsageError(`Refusing ${target.description} as a target: ${target.airbyteIncompatibility}`);
  }
}

/** Workers in flight: the target store's own limit unless given (enough to keep up with its quota). */
function concurrencyOf(options: Pick<MigrationOptions, 'concurrency' | 'target'>): number {
  return options.concurrency ?? storeDefinition(options.target.kind).quota.concurrency;
}

function writeSourceOf(options: MigrationOptions): boolean {
  return (options.writeSource ?? true) && storeIdentity(options.source) !== storeIdentity(options.target);
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
 * it chose. One writer per Airbyte database at a time (its writer lock).
 */
export async function runMigration(options: MigrationOptions): Promise<MigrationResult> {
  refuseTargetAirbyteCannotUse(options.target);
  const concurrency = concurrencyOf(options);
  const run = await runJournaled({
    kind: 'migrate',
    pool: options.pool,
    journalSchema: options.journalSchema,
    source: options.source,
    target: options.target,
    resume: {
      id: options.resume,
      unknown: `no run ${options.resume} in the journal: see 'airbyte-secrets runs'`,
    },
    concurrency,
    writeSource: writeSourceOf(options),
    onProgress: options.onProgress,
    async plan(journal, previous) {
      const reuse = new Map<string, string>();
      if (previous) {
        for (const item of await journal.items(previous.id, { action: 'extract' })) {
          if (item.coordinate && item.state !== 'rewritten') reuse.set(item.item_key, item.coordinate);
        }
      }
      options.onProgress?.({ phase: 'plan', done: 0, total: 1 });
      const plan = await planMigration(options, reuse);
      options.onProgress?.({ phase: 'plan', done: 1, total: 1 });
      const extracts = assignCoordinates(plan.items, options.newUuid);
      return {
        plan: { ...plan, extracts },
        items: plan.items.map((i) => ({
          ...i,
          reason: i.action === 'conflict' ? `${i.reason}${i.detail ? `: ${i.detail}` : ''}` : undefined,
        })),
        options: { concurrency, writeSource: writeSourceOf(options) },
      };
    },
    async execute(ctx, plan: MigrationPlan & { extracts: ReadyExtractItem[] }) {
      await copyReferenced(ctx, plan.items);
      await extractPlaintext(ctx, plan.extracts);
    },
    async verify() {
      return verifyReferences(inventoryOf(options)(), options.target, {
        concurrency,
        extraCoordinates: await referencedConfigCoordinates(options.pool),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    },
    counts(plan) {
      const planned = new Set(plan.items.map((i) => i.key));
      return (key) => planned.has(key);
    },
  });
  const { plan, states, problems, check: verification } = run;
  return {
    runId: run.runId,
    resumed: run.resumed,
    plan: { summary: plan.summary, byWorkspace: plan.byWorkspace, estimate: plan.estimate },
    states,
    problems,
    verification,
    ok: problems.length === 0 && verification.failures.length === 0,
  };
}
