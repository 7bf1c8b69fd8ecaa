import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { readInventory } from '../airbyte/inventory.js';
import { Journal, type RunRow } from '../journal/index.js';
import { isConnectionLost, type WriterLock, withWriterLock } from '../journal/writer-lock.js';
import { isStoreUnreachable } from '../stores/errors.js';
import { storeIdentity } from '../stores/identity.js';
import type { SecretStore } from '../stores/types.js';
import { InterruptedError, UsageError } from '../util/errors.js';
import type { RunContext } from './context.js';
import { finishRunFromItems, journalPlannedItems, type PlannedItem, type RunOutcome } from './items.js';
import type { ProgressEvent } from './progress.js';

/**
 * One kind of journaled run (migrate, rekey; later sync). The engine owns the skeleton: lock,
 * resume, journal the run and its planned items, run the steps, verify, close the run from its
 * items. The definition says what is planned, what the steps do and how the result is checked.
 */
export interface RunDefinition<Plan, Done, Check> {
  kind: RunRow['kind'];
  pool: pg.Pool;
  journalSchema?: string | undefined;
  /** Values are read from `source` and written to `target` (the same store for a re-key). */
  source: SecretStore;
  target: SecretStore;
  resume: {
    /** A run to resume; without it, the newest unfinished run of this kind between the same stores. */
    id?: string | undefined;
    /** Whether the run named by `id` is one this definition can resume (default: any run). */
    accepts?: (run: RunRow) => boolean;
    /** The message when `id` names no run this definition can resume. */
    unknown: string;
  };
  concurrency: number;
  writeSource: boolean;
  onProgress?: ((e: ProgressEvent) => void) | undefined;
  /**
   * Aborted on SIGINT/SIGTERM: the steps finish the items in flight and start no more, the run is
   * marked `interrupted` (a later attempt resumes it) and an `InterruptedError` is thrown.
   */
  signal?: AbortSignal | undefined;
  /**
   * Plans this attempt, knowing the run it resumes (whose items hold the names already chosen):
   * the plan, the items to journal before the first store write, and the run's options.
   */
  plan(
    journal: Journal,
    previous: RunRow | undefined,
  ): Promise<{ plan: Plan; items: readonly PlannedItem[]; options: Record<string, unknown> }>;
  /** The steps. An error marks the run failed (a later attempt resumes it) and is thrown. */
  execute(ctx: RunContext, plan: Plan): Promise<Done>;
  /** After the steps, still under the lock: checks the result (e.g. every reference resolves). */
  verify(ctx: RunContext, plan: Plan, done: Done): Promise<Check>;
  /** The journal items this attempt's outcome counts (its own, and those earlier attempts finished). */
  counts(plan: Plan): (itemKey: string) => boolean;
}

export interface RunReport<Plan, Done, Check> extends RunOutcome {
  runId: string;
  resumed: boolean;
  plan: Plan;
  done: Done;
  check: Check;
}

/**
 * Runs a journaled run of `definition` under the Airbyte database's writer lock (one writer at a
 * time, whatever the stores), resuming an unfinished one.
 */
export async function runJournaled<Plan, Done, Check>(
  definition: RunDefinition<Plan, Done, Check>,
): Promise<RunReport<Plan, Done, Check>> {
  const journal = new Journal(definition.pool, definition.journalSchema);
  await journal.ensure();
  return withWriterLock(definition.pool, definition.kind, (lock) => runLocked(definition, journal, lock));
}

/** The run to resume: the one asked for, or the newest unfinished run of this kind between the same stores. */
async function previousRun(
  definition: RunDefinition<unknown, unknown, unknown>,
  journal: Journal,
): Promise<RunRow | undefined> {
  const { resume, kind, source, target } = definition;
  if (!resume.id) return journal.unfinishedRun(kind, storeKey(source), storeKey(target));
  const run = await journal.run(resume.id);
  if (!run || (resume.accepts && !resume.accepts(run))) throw new UsageError(resume.unknown);
  return run;
}

const storeKey = (store: SecretStore) => ({ identity: storeIdentity(store), description: store.description });

async function runLocked<Plan, Done, Check>(
  definition: RunDefinition<Plan, Done, Check>,
  journal: Journal,
  lock: WriterLock,
): Promise<RunReport<Plan, Done, Check>> {
  const { source, target } = definition;
  const previous = await previousRun(definition, journal);
  const { plan, items, options } = await definition.plan(journal, previous);
  if (definition.signal?.aborted) throw new InterruptedError(previous?.id);

  const runId = previous?.id ?? randomUUID();
  // A second writer's message names this run; losing the lock's connection stops the run.
  await lock.name(definition.kind, runId);
  lock.onLost(() =>
    journal.lose(new UsageError(`lost the connection holding the writer lock of Airbyte's database`)),
  );
  if (previous) await journal.markRun(runId, 'running');
  else {
    await journal.createRun({
      id: runId,
      kind: definition.kind,
      state: 'running',
      started_by: Journal.operator(),
      source_kind: source.kind,
      source_store: source.description,
      target_kind: target.kind,
      target_store: target.description,
      // A store without an identity (a wrapper) is matched by its description later.
      source_identity: source.identity ?? null,
      target_identity: target.identity ?? null,
      options,
    });
  }
  await journalPlannedItems(journal, runId, items);

  const ctx: RunContext = {
    pool: definition.pool,
    journal,
    runId,
    source,
    target,
    writeSource: definition.writeSource,
    concurrency: definition.concurrency,
    readRows: (only) => readInventory(definition.pool, { only }),
    ...(definition.onProgress ? { onProgress: definition.onProgress } : {}),
    ...(definition.signal ? { signal: definition.signal } : {}),
  };
  try {
    const done = await definition.execute(ctx, plan);
    if (definition.signal?.aborted) {
      await journal.markRun(runId, 'interrupted');
      throw new InterruptedError(runId);
    }
    const check = await definition.verify(ctx, plan, done);
    if (journal.lost) throw journal.lost;
    const outcome = await finishRunFromItems(journal, runId, definition.counts(plan));
    return { ...outcome, runId, resumed: Boolean(previous), plan, done, check };
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    const cause = interruption(err, journal);
    await journal.markRun(runId, cause ? 'interrupted' : 'failed').catch(() => undefined);
    if (!cause) throw err;
    throw new UsageError(`run ${runId} interrupted (${cause}): run the same command again to resume it`);
  }
}

/**
 * Why a run stopped when it lost what it runs on (the database, the lock's connection, a store),
 * in a few words without any value; undefined for any other error (the run is then `failed`).
 */
function interruption(err: unknown, journal: Journal): string | undefined {
  if (journal.lost) return journal.lost.message;
  if (isStoreUnreachable(err)) return (err as Error).message;
  if (isConnectionLost(err)) return `lost the connection to Airbyte's database: ${firstLine(err)}`;
  return undefined;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim();
}
