import type pg from 'pg';
import { type VerifyFailure, type VerifyResult, verifyStore } from '../engine/verify.js';
import { Journal } from '../journal/index.js';
import { StoreError } from '../stores/errors.js';
import { workersFor } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { UsageError } from '../util/errors.js';

/** A failure that is new since the baseline run, with where its value can be found. */
export interface NewFailure extends VerifyFailure {
  /** `present in database: run sync --from database --to vault`, when another store holds it. */
  foundIn?: string;
}

export interface BaselineVerifyResult extends VerifyResult {
  baseline: {
    runId: string;
    kind: string;
    /** Failing now, and already broken when the run planned (the journal's conflicts: no value in the source). */
    before: VerifyFailure[];
    /** Failing now and not before: what the switch (or anything since the run) broke. */
    new: NewFailure[];
  };
}

/**
 * `verify` against a run's baseline: every reference resolves as `verifyStore` checks, then each
 * failure is sorted into "already broken before the run" (the run journaled it as a conflict: a
 * coordinate its source store had no value for, or a differing one) and "new". Each new missing
 * reference is looked up in the run's other store, so the report can say where it is.
 */
export async function verifyAgainstBaseline(options: {
  pool: pg.Pool;
  store: SecretStore;
  runId: string;
  journalSchema?: string;
  /** Items worked on at once. @default `workersFor` the other stores looked in: the store's adaptive limit governs */
  concurrency?: number;
  /** Opens a store of this kind to look missing references up in (undefined when it cannot be opened). */
  openOther?: (kind: string) => Promise<SecretStore | undefined>;
}): Promise<BaselineVerifyResult> {
  const journal = new Journal(options.pool, options.journalSchema);
  const run = (await journal.exists()) ? await journal.run(options.runId) : undefined;
  if (!run) throw new UsageError(`no run ${options.runId} in the journal: see 'airbyte-secrets runs'`);
  const brokenBefore = new Set<string>();
  for (const item of await journal.items(run.id, { state: 'conflict' }))
    if (item.coordinate) brokenBefore.add(item.coordinate);

  const result = await verifyStore({
    pool: options.pool,
    store: options.store,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const before = result.failures.filter((f) => brokenBefore.has(f.coordinate));
  const fresh: NewFailure[] = result.failures.filter((f) => !brokenBefore.has(f.coordinate));

  const otherKinds = [run.source_kind, run.target_kind].filter((k) => k !== options.store.kind);
  const others: SecretStore[] = [];
  for (const kind of new Set(otherKinds)) {
    const other = await options.openOther?.(kind);
    if (other) others.push(other);
  }
  await forEachConcurrent(
    fresh.filter((f) => f.problem === 'missing' || f.problem === 'blank'),
    workersFor(options.concurrency, ...others),
    async (failure) => {
      for (const other of others) {
        try {
          const value = await other.read(failure.coordinate, { asAirbyte: true });
          if (value && !value.isBlank) {
            failure.foundIn = `present in ${other.kind}: run sync --from ${other.kind} --to ${options.store.kind}`;
            return;
          }
        } catch (err) {
          if (!(err instanceof StoreError)) throw err;
        }
      }
    },
  );
  return { ...result, baseline: { runId: run.id, kind: run.kind, before, new: fresh } };
}
