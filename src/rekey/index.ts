import { parseCoordinate } from '../airbyte/coordinates.js';
import { readInventory } from '../airbyte/inventory.js';
import { runJournaled } from '../engine/run.js';
import { verifyStore } from '../engine/verify.js';
import type { RunRow } from '../journal/index.js';
import { canChangeKeys } from '../stores/key-change.js';
import { workersFor } from '../stores/registry.js';
import { UsageError } from '../util/errors.js';
import { deleteOldNames } from './delete-old.js';
import { changeKeys, fixLegacyNames, moveReferences } from './execute.js';
import {
  assignNewBases,
  collectReferences,
  decideKeyItems,
  decideMoves,
  keysKey,
  nextVersions,
  probeLegacyNames,
  probeValues,
  rekeyKey,
  summarizeRekey,
} from './plan.js';
import { matchesFilter, selectReferences, unmatchedSelection } from './select.js';
import type { InPlaceItem, RekeyItem, RekeyOptions, RekeyPlan, RekeyResult } from './types.js';

export type { Reference, RekeyCategory, SelectionFilter } from './select.js';
export { REKEY_CATEGORIES, referencesOf, selectReferences } from './select.js';
export type { RekeyItem, RekeyOptions, RekeyPlan, RekeyResult } from './types.js';

/** What the options ask for; refuses combinations that would do nothing or far too much. */
function modeOf(options: RekeyOptions): RekeyPlan['mode'] {
  const keys = options.keys;
  const wantsKeys = keys !== undefined && (keys.kmsKeyId !== undefined || keys.tags !== undefined);
  if (wantsKeys && !canChangeKeys(options.store)) {
    throw new UsageError(
      `${options.store.kind}: changing encryption keys or tags in place needs AWS Secrets Manager (--aws-kms-key-id, --tags), Google Secret Manager (--gcp-kms-key, --tags) or Azure Key Vault (--tags)`,
    );
  }
  if (keys?.kmsKeyId !== undefined && !options.store.capabilities.keyChange) {
    throw new UsageError(
      `${options.store.kind}: a secret there has no encryption key of its own to change; --tags only`,
    );
  }
  if (options.categories?.length) return 'fix';
  if (wantsKeys) return 'keys';
  const f = options.filter ?? {};
  if (!f.workspaces?.length && !f.actors?.length && !f.coordinates?.length) {
    throw new UsageError(
      'say what to re-key: --category (shared-coordinate, workspace-mismatch, legacy-name, all), or --workspace/--actor/--coordinate to move those references to fresh coordinates, or a new key',
    );
  }
  return 'rotate';
}

interface Resume {
  /** Item keys to the coordinates an unfinished run chose. */
  reuse: Map<string, string>;
  /** Moves the unfinished run already completed (not planned again). */
  done: Set<string>;
}

/**
 * The plan: what would move where, what gets a new key, and every conflict. Reads only (the
 * inventory, and store reads: values as Airbyte reads them, DescribeSecret-style metadata); the
 * journal is not created, so a dry run writes nothing anywhere.
 */
export async function planRekey(
  options: RekeyOptions,
  resume: Resume = { reuse: new Map(), done: new Set() },
): Promise<RekeyPlan> {
  const mode = modeOf(options);
  const concurrency = workersFor(options.concurrency, options.store);
  const store = options.store;
  options.onProgress?.({ phase: 'plan', done: 0, total: 1 });
  const all = await collectReferences(
    readInventory(options.pool, options.batchSize ? { batchSize: options.batchSize } : {}),
  );
  const filter = options.filter ?? {};
  const unmatched = unmatchedSelection(all, filter);
  if (unmatched) throw new UsageError(unmatched);
  const filtered = all.filter((r) => matchesFilter(r, filter));
  const categories = mode === 'fix' ? [...new Set(options.categories)] : [];
  const notes: string[] = [];
  if (categories.includes('legacy-name') && !store.capabilities.baseNameFallback) {
    notes.push(
      'legacy-name applies to AWS Secrets Manager only (the only store Airbyte reads with a base-name fallback)',
    );
  }
  const wantsLegacy =
    store.capabilities.baseNameFallback &&
    (categories.includes('legacy-name') || mode === 'keys' || options.keys !== undefined);
  const legacy = wantsLegacy
    ? await probeLegacyNames(
        store,
        filtered.map((r) => r.coordinate),
        concurrency,
      )
    : new Set<string>();

  const selected =
    mode === 'keys'
      ? []
      : selectReferences(all, { ...(mode === 'fix' ? { categories } : {}), filter, legacy }).filter(
          (s) => !resume.done.has(rekeyKey(s.reference)),
        );
  const values = await probeValues(
    store,
    selected.map((s) => s.reference.coordinate),
    concurrency,
  );
  const versions = await nextVersions(
    store,
    selected.filter((s) => s.fix === 'new-version').map((s) => s.reference),
    all,
  );
  const items: RekeyItem[] = decideMoves({ all, selected, values, versions, reuse: resume.reuse });

  if (options.keys) {
    const moving = new Set(items.filter((i) => i.action === 'rekey').map((i) => i.key));
    const copying = new Set(items.filter((i) => i.action === 'copy').map((i) => i.coordinate));
    const kept: Array<{ coordinate: string; workspaceId: string | null }> = [];
    const afterCopy = new Map<string, RekeyItem>();
    for (const r of filtered) {
      if (moving.has(rekeyKey(r))) continue;
      if (copying.has(r.coordinate)) {
        afterCopy.set(r.coordinate, {
          key: keysKey(r.coordinate),
          action: 'reencrypt',
          categories: [],
          workspaceId: r.workspaceId,
          coordinate: r.coordinate,
          reason: 'after its full name is written',
        });
      } else {
        // A legacy name Airbyte reads through its fallback: the base name is the secret in use.
        const name = legacy.has(r.coordinate)
          ? (parseCoordinate(r.coordinate).base ?? r.coordinate)
          : r.coordinate;
        kept.push({ coordinate: name, workspaceId: r.workspaceId });
      }
    }
    items.push(...(await decideKeyItems(store, kept, options.keys, concurrency)), ...afterCopy.values());
  }
  options.onProgress?.({ phase: 'plan', done: 1, total: 1 });
  return { store: store.description, mode, categories, items, ...summarizeRekey(items), notes };
}

/**
 * The re-key run: plan, journal every item with the coordinate it will use, then fix legacy names,
 * move references (write, read back, rewrite rows transactionally), change keys and tags, delete
 * old names (with `deleteOld`), and verify every reference the way Airbyte reads it. Resumes the
 * newest unfinished re-key run on the same store. One re-key per store at a time (advisory lock).
 */
export async function runRekey(options: RekeyOptions): Promise<RekeyResult> {
  modeOf(options);
  const store = options.store;
  const concurrency = workersFor(options.concurrency, options.store);
  const run = await runJournaled({
    kind: 'rekey',
    pool: options.pool,
    journalSchema: options.journalSchema,
    source: store,
    target: store,
    resume: {
      id: options.resume,
      accepts: (run) => isRekeyRunOn(run, store.description),
      unknown: `no re-key run ${options.resume} on ${store.description} in the journal: see 'airbyte-secrets runs'`,
    },
    concurrency,
    writeSource: false,
    onProgress: options.onProgress,
    signal: options.signal,
    async plan(journal, previous) {
      const resume: Resume = { reuse: new Map(), done: new Set() };
      if (previous) {
        for (const item of await journal.items(previous.id, { action: 'rekey' })) {
          if (item.state === 'rewritten') resume.done.add(item.item_key);
          else if (item.coordinate) resume.reuse.set(item.item_key, item.coordinate);
        }
      }
      const plan = await planRekey(options, resume);
      const moves = assignNewBases(plan.items, options.newUuid);
      return {
        plan: { ...plan, moves, resume },
        items: plan.items,
        options: {
          mode: plan.mode,
          categories: plan.categories,
          filter: options.filter ?? {},
          deleteOld: options.deleteOld === true,
          ...(options.keys?.kmsKeyId ? { kmsKeyId: options.keys.kmsKeyId } : {}),
          ...(options.keys?.tags ? { tags: Object.keys(options.keys.tags) } : {}),
        },
      };
    },
    async execute(ctx, plan) {
      let keys: RekeyResult['keys'];
      let deleted: RekeyResult['deleted'] = [];
      let keptOld: RekeyResult['keptOld'] = [];
      await fixLegacyNames(ctx, plan.items);
      await moveReferences(ctx, plan.moves);
      if (options.keys && canChangeKeys(store)) {
        const moved = await ctx.journal.items(ctx.runId, { action: 'rekey', state: 'rewritten' });
        const targets = [
          ...plan.items
            .filter((i): i is InPlaceItem => i.action === 'reencrypt')
            .map((i) => ({ coordinate: i.coordinate, workspaceId: i.workspaceId })),
          ...moved.flatMap((m) =>
            m.coordinate ? [{ coordinate: m.coordinate, workspaceId: m.workspace_id }] : [],
          ),
        ];
        const unique = [...new Map(targets.map((t) => [t.coordinate, t])).values()];
        keys = await changeKeys(ctx, store, options.keys, unique);
        keys.already += plan.items.filter((i) => i.action === 'skip' && i.key.startsWith('keys:')).length;
      }
      // Interrupted: old names go in the attempt that resumes the run, after every move is done.
      if (options.deleteOld && !ctx.signal?.aborted) {
        const fixed = (await ctx.journal.items(ctx.runId, { action: 'copy', state: 'verified' })).flatMap(
          (i) => (i.coordinate ? [i.coordinate] : []),
        );
        ({ deleted, kept: keptOld } = await deleteOldNames(ctx, fixed));
      }
      return { keys, deleted, keptOld };
    },
    verify: () =>
      verifyStore({
        pool: options.pool,
        store,
        concurrency,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    counts(plan) {
      // This attempt's items, moves finished by an earlier attempt, and the key and delete passes.
      const planned = new Set([...plan.items.map((i) => i.key), ...plan.resume.done]);
      return (key) => planned.has(key) || key.startsWith('keys:') || key.startsWith('delete-old:');
    },
  });
  const { plan, states, problems, check: verification } = run;
  const { keys, deleted, keptOld } = run.done;
  return {
    runId: run.runId,
    resumed: run.resumed,
    store: { kind: store.kind, description: store.description },
    plan: {
      mode: plan.mode,
      categories: plan.categories,
      summary: plan.summary,
      byCategory: plan.byCategory,
      notes: plan.notes,
    },
    states,
    problems,
    ...(keys ? { keys } : {}),
    deleted,
    keptOld,
    verification,
    ok:
      problems.length === 0 &&
      verification.failures.length === 0 &&
      deleted.every((d) => d.outcome !== 'failed'),
  };
}

/** Whether a journal run is a re-key of this store, as `--resume` must name. */
function isRekeyRunOn(run: RunRow | undefined, storeDescription: string): boolean {
  switch (run?.kind) {
    case 'rekey':
      return run.target_store === storeDescription;
    default:
      return false;
  }
}
