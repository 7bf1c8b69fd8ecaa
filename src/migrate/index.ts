import type pg from 'pg';
import { countHolders, readEnvSecretStorageIds, readInventory } from '../airbyte/inventory.js';
import type { HolderRow } from '../airbyte/types.js';
import type { ItemProblem } from '../engine/items.js';
import type { ProgressEvent } from '../engine/progress.js';
import { runJournaled } from '../engine/run.js';
import { referencedConfigCoordinates, type VerifyResult, verifyReferences } from '../engine/verify.js';
import { storeIdentity } from '../stores/identity.js';
import { workersFor } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { NotConfirmedError, UsageError } from '../util/errors.js';
import { CarriedValues } from './carried-values.js';
import { countActions, estimateDuration } from './estimate.js';
import { assignCoordinates, copyReferenced, extractPlaintext } from './execute.js';
import { collectPlanInputs, decideItems, probeCoordinates, summarize } from './plan.js';
import { PlanItems } from './plan-items.js';
import type { RowDigests } from './plan-table.js';
import { checkSavedPlan, checkSavedStores, reuseOf, type SavedPlan } from './saved-plan.js';
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
  /** Items worked on at once. @default `workersFor` the target: the store's adaptive limit governs */
  concurrency?: number;
  /** Resume this run id instead of the newest unfinished run between the same stores. */
  resume?: string;
  /** Write extracted plaintext also to the source store (the one Airbyte uses now). @default true */
  writeSource?: boolean;
  /** Rows per cursor batch when streaming the inventory. */
  batchSize?: number;
  onProgress?: (e: ProgressEvent) => void;
  newUuid?: () => string;
  /** The final verify reads every coordinate again, also those this run wrote and read back. */
  reverify?: boolean;
  /** Aborted on SIGINT/SIGTERM: the run finishes the items in flight and is marked `interrupted`. */
  signal?: AbortSignal;
  /** Apply exactly this saved plan (`plan --out`): refused when the database or the stores changed since. */
  saved?: SavedPlan;
  /** Asked with the plan before anything is written (under the lock); `false` stops with nothing written. */
  confirm?: (plan: MigrationPlan) => Promise<boolean>;
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
  carried?: CarriedValues,
): Promise<MigrationPlan> {
  return (await readPlan(options, reuse, carried)).plan;
}

/**
 * The plan and, with `rowDigests`, what it read: every row with the digest of its configuration
 * (for a saved plan; a million rows keep 49 MB of digests, so only when asked).
 */
export async function readPlan(
  options: MigrationOptions,
  reuse = new Map<string, string>(),
  carried?: CarriedValues,
  { rowDigests = false } = {},
): Promise<{ plan: MigrationPlan; rows: RowDigests | undefined }> {
  refuseTargetAirbyteCannotUse(options.target);
  const concurrency = concurrencyOf(options);
  const progress = options.onProgress;
  const holders = progress ? (await countHolders(options.pool)).total : 0;
  progress?.({ phase: 'plan', done: 0, total: holders });
  const extra = await referencedConfigCoordinates(options.pool);
  const inputs = await collectPlanInputs(
    inventoryOf(options)(),
    extra,
    (done) => progress?.({ phase: 'plan', done, total: Math.max(holders, done) }),
    rowDigests,
  );
  // Interrupted while planning: stop here (nothing was written; the caller says so).
  if (options.signal?.aborted) return { plan: emptyPlan(options), rows: inputs.rows };
  progress?.({ phase: 'probe', done: 0, total: inputs.references.size });
  const { roundTripMs } = await probeCoordinates(
    inputs.references,
    options.source,
    options.target,
    concurrency,
    carried ? (coordinate, value) => carried.keep(coordinate, value) : undefined,
    (done) => progress?.({ phase: 'probe', done, total: inputs.references.size }),
    options.signal,
  );
  const items = decideItems(inputs, reuse, await readEnvSecretStorageIds(options.pool));
  const summarized = summarize(items);
  const plan: MigrationPlan = {
    source: options.source.description,
    target: options.target.description,
    items,
    ...summarized,
    estimate: estimateDuration(countActions(summarized.summary), {
      sourceKind: options.source.kind,
      targetKind: options.target.kind,
      concurrency,
      roundTripMs,
      writeSource: writeSourceOf(options),
    }),
  };
  return { plan, rows: inputs.rows };
}

function emptyPlan(options: MigrationOptions): MigrationPlan {
  return {
    source: options.source.description,
    target: options.target.description,
    items: PlanItems.of([]),
    ...summarize([]),
    estimate: estimateDuration(
      { copies: 0, extracts: 0 },
      {
        sourceKind: options.source.kind,
        targetKind: options.target.kind,
        concurrency: concurrencyOf(options),
        roundTripMs: 0,
        writeSource: writeSourceOf(options),
      },
    ),
  };
}

/** A target that Airbyte itself could not use would break every connector at the switch: stop before any write. */
function refuseTargetAirbyteCannotUse(target: SecretStore): void {
  if (target.airbyteIncompatibility) {
    throw new UsageError(`Refusing ${target.description} as a target: ${target.airbyteIncompatibility}`);
  }
}

/**
 * Items worked on at once: `--concurrency`, else the target kind's ceiling. Each store's adaptive
 * limit decides how many of their requests are really in flight, so idle workers cost nothing.
 */
function concurrencyOf(options: Pick<MigrationOptions, 'concurrency' | 'target'>): number {
  return workersFor(options.concurrency, options.target);
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
  // What this process learns on the way, so no store is asked twice (values stay in memory only).
  const carried = new CarriedValues();
  const readBack = new Set<string>();
  const noteReadBack = (coordinate: string) => {
    readBack.add(coordinate);
  };
  try {
    return await migrateJournaled(options, concurrency, carried, noteReadBack, readBack);
  } finally {
    carried.clear();
  }
}

async function migrateJournaled(
  options: MigrationOptions,
  concurrency: number,
  carried: CarriedValues,
  noteReadBack: (coordinate: string) => void,
  readBack: ReadonlySet<string>,
): Promise<MigrationResult> {
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
    signal: options.signal,
    async plan(journal, previous) {
      const reuse = options.saved ? reuseOf(options.saved) : new Map<string, string>();
      if (previous) {
        for (const item of await journal.items(previous.id, { action: 'extract' })) {
          if (item.coordinate && item.state !== 'rewritten') reuse.set(item.item_key, item.coordinate);
        }
      }
      if (options.saved) checkSavedStores(options.saved, options.source, options.target);
      const read = await readPlan(options, reuse, carried, { rowDigests: options.saved !== undefined });
      if (options.saved && !options.signal?.aborted) checkSavedPlan(options.saved, read);
      const plan = read.plan;
      if (options.confirm && !options.signal?.aborted && !(await options.confirm(plan))) {
        throw new NotConfirmedError();
      }
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
      // Every copy item's name was empty in the target when the plan probed it just now.
      await copyReferenced(ctx, plan.items, {
        takeSourceValue: (coordinate) => carried.take(coordinate),
        targetAbsent: true,
        readBack: noteReadBack,
      });
      carried.clear();
      await extractPlaintext(ctx, plan.extracts, noteReadBack);
    },
    async verify() {
      return verifyReferences(inventoryOf(options)(), options.target, {
        concurrency,
        ...(options.reverify ? {} : { readBack }),
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
