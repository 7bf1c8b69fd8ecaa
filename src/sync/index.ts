import type pg from 'pg';
import { actorsChangedSince, databaseNow } from '../airbyte/changed-rows.js';
import { readInventory } from '../airbyte/inventory.js';
import { HOLDER_KINDS, type HolderKind, type HolderRow } from '../airbyte/types.js';
import type { RunContext } from '../engine/context.js';
import type { ItemProblem } from '../engine/items.js';
import { journalPlannedItems, type PlannedItem } from '../engine/items.js';
import type { ProgressEvent } from '../engine/progress.js';
import { runJournaled } from '../engine/run.js';
import { referencedConfigCoordinates } from '../engine/verify.js';
import { failure, writeVerified } from '../engine/write-verified.js';
import { StoreError } from '../stores/errors.js';
import { storeIdentity } from '../stores/identity.js';
import { workersFor } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { UsageError } from '../util/errors.js';
import type { SecretValue } from '../util/secret-value.js';

const RESOLVED_KINDS = new Set(['managed-ref', 'external-ref', 'reference-id']);

/** Holders read whole on every pass: few rows, and no `updated_at` Airbyte keeps for their secrets. */
const SMALL_HOLDERS: readonly HolderKind[] = HOLDER_KINDS.filter((h) => h !== 'actor');

/** Every this many passes, every row is read again (a row committed late under an older `updated_at`). */
const FULL_PASS_EVERY = 12;

/** `updated_at` is set when a transaction writes, not when it commits: look back this far further. */
const COMMIT_SLACK_MS = 30_000;

export interface SyncOptions {
  pool: pg.Pool;
  /** The store Airbyte used until now (`--from`). */
  from: SecretStore;
  /** The store Airbyte is switched to (`--to`). */
  to: SecretStore;
  journalSchema?: string;
  /** Items worked on at once (and most store calls in flight). @default `workersFor` both stores */
  concurrency?: number;
  /** Keep polling until `stop` aborts; otherwise one pass. */
  follow?: boolean;
  /** Time between passes. @default 5000 */
  intervalMs?: number;
  /** Ends a `follow` loop: the pass in flight finishes, then the sync returns. */
  stop?: AbortSignal;
  /** Resume this sync run id instead of the newest unfinished one between the same stores. */
  resume?: string;
  onPass?: (pass: SyncPass) => void;
  onProgress?: (e: ProgressEvent) => void;
}

/** One pass, as printed per line (counts only). */
export interface SyncPass {
  pass: number;
  /** Whether every row was read (else only rows changed since the last pass). */
  full: boolean;
  rows: number;
  /** Referenced coordinates whose two stores were compared in this pass. */
  checked: number;
  copiedToTarget: number;
  copiedToSource: number;
  /** New conflicts found in this pass. */
  conflicts: number;
  /** Referenced, in neither store (nothing to copy). */
  missing: number;
  failed: number;
  ms: number;
}

export interface SyncConflict {
  coordinate: string;
  reason: string;
}

export interface SyncResult {
  runId: string;
  resumed: boolean;
  from: string;
  to: string;
  passes: number;
  /** Coordinates settled: present and identical in both stores. */
  inBoth: number;
  copiedToTarget: number;
  copiedToSource: number;
  /** Different values under one coordinate: reported, never overwritten. */
  conflicts: SyncConflict[];
  /** Referenced coordinates neither store holds at the last pass (breakage sync cannot repair). */
  missing: string[];
  /** Copies that failed (journaled; the next sync retries them). */
  problems: ItemProblem[];
  states: Record<string, number>;
  ok: boolean;
}

type Verdict =
  | { kind: 'both' }
  | { kind: 'copy'; to: 'target' | 'source'; value: SecretValue }
  | { kind: 'conflict'; reason: string }
  | { kind: 'missing' }
  | { kind: 'failed'; reason: string };

interface Tally {
  copiedToTarget: number;
  copiedToSource: number;
  failed: number;
}

/**
 * Keeps two stores complete for every reference in Airbyte's database, in both directions: a
 * referenced coordinate that only one store holds is copied to the other (read back, verified,
 * journaled without its value); different values under one coordinate are conflicts, reported
 * and never overwritten. One pass, or with `follow` a pass every interval over the rows changed
 * since the last one, until `stop`. A journaled run (kind `sync`) under the Airbyte database's writer lock.
 */
export async function syncStores(options: SyncOptions): Promise<SyncResult> {
  const { from, to } = options;
  if (storeIdentity(from) === storeIdentity(to)) {
    throw new UsageError(
      `--from and --to are one store (${to.description}): name the two stores to keep in step`,
    );
  }
  for (const store of [from, to]) {
    if (store.airbyteIncompatibility)
      throw new UsageError(`Refusing ${store.description}: ${store.airbyteIncompatibility}`);
  }
  const concurrency = workersFor(options.concurrency, from, to);
  const intervalMs = options.intervalMs ?? 5000;
  const state = new SyncState();

  const run = await runJournaled({
    kind: 'sync',
    pool: options.pool,
    journalSchema: options.journalSchema,
    source: from,
    target: to,
    resume: {
      id: options.resume,
      accepts: (r) => r.kind === 'sync',
      unknown: `no sync run ${options.resume} in the journal: see 'airbyte-secrets runs'`,
    },
    concurrency,
    writeSource: true,
    onProgress: options.onProgress,
    // One pass stopped by SIGINT/SIGTERM is interrupted (resumable, exit 130); `follow` ends at the
    // signal as designed, after the pass in flight.
    signal: options.follow ? undefined : options.stop,
    async plan(journal, previous) {
      if (previous) {
        // Conflicts found before stay reported (and are not compared again) until a human resolves them.
        for (const item of await journal.items(previous.id, { state: 'conflict' }))
          if (item.coordinate) state.conflicts.set(item.coordinate, item.reason ?? 'conflict');
      }
      const started = performance.now();
      const pass = await comparePass(options, state, concurrency, true);
      return {
        plan: { ...pass, started },
        items: pass.items,
        options: { concurrency, follow: Boolean(options.follow), intervalMs },
      };
    },
    async execute(ctx, first) {
      let pass = first;
      let started = first.started;
      let tally = await copyPass(ctx, first.copies, state);
      for (let n = 1; ; n++) {
        options.onPass?.(state.passLine(n, pass, tally, performance.now() - started));
        if (!options.follow || options.stop?.aborted) return;
        await sleep(intervalMs, options.stop);
        if (options.stop?.aborted) return;
        started = performance.now();
        // Later passes copy each coordinate as soon as it is compared: the gap closes sooner.
        const inline: Tally = { copiedToTarget: 0, copiedToSource: 0, failed: 0 };
        const copyNow = async (copy: Copy, item: PlannedItem) => {
          await journalPlannedItems(ctx.journal, ctx.runId, [item]);
          await copyOne(ctx, copy, state, inline);
        };
        const full = (n + 1) % FULL_PASS_EVERY === 0;
        pass = { ...(await comparePass(options, state, concurrency, full, copyNow)), started };
        await journalPlannedItems(ctx.journal, ctx.runId, pass.items);
        tally = inline;
      }
    },
    async verify() {
      return undefined;
    },
    counts: () => () => true,
  });
  const problems = run.problems.filter((p) => p.state === 'failed');
  const conflicts = [...state.conflicts].map(([coordinate, reason]) => ({ coordinate, reason }));
  conflicts.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  return {
    runId: run.runId,
    resumed: run.resumed,
    from: from.description,
    to: to.description,
    passes: state.passes,
    inBoth: state.settled.size,
    copiedToTarget: state.copiedToTarget,
    copiedToSource: state.copiedToSource,
    conflicts,
    missing: [...state.missing].sort(),
    problems,
    states: run.states,
    ok: problems.length === 0 && conflicts.length === 0,
  };
}

/** What a sync has learnt so far, across passes (coordinates only, never a value). */
class SyncState {
  /** Present and identical in both stores: never compared again (a coordinate's value does not change). */
  readonly settled = new Set<string>();
  readonly conflicts = new Map<string, string>();
  /** Referenced but in neither store, or whose copy failed: compared again on every pass. */
  readonly missing = new Set<string>();
  readonly retry = new Set<string>();
  watermark: Date | undefined;
  passes = 0;
  copiedToTarget = 0;
  copiedToSource = 0;

  passLine(n: number, pass: ComparedPass, tally: Tally, ms: number): SyncPass {
    this.passes = n;
    this.copiedToTarget += tally.copiedToTarget;
    this.copiedToSource += tally.copiedToSource;
    return {
      pass: n,
      full: pass.full,
      rows: pass.rows,
      checked: pass.checked,
      copiedToTarget: tally.copiedToTarget,
      copiedToSource: tally.copiedToSource,
      conflicts: pass.newConflicts,
      missing: pass.missing,
      failed: tally.failed + pass.unreadable,
      ms: Math.round(ms),
    };
  }
}

interface Copy {
  key: string;
  coordinate: string;
  to: 'target' | 'source';
  value: SecretValue;
}

interface ComparedPass {
  full: boolean;
  rows: number;
  checked: number;
  newConflicts: number;
  missing: number;
  unreadable: number;
  copies: Copy[];
  items: PlannedItem[];
}

/** The rows to look at this pass: all of them, or the actors changed since the last pass and the small holders. */
async function* rowsOfPass(pool: pg.Pool, state: SyncState, full: boolean): AsyncGenerator<HolderRow> {
  const since = full || !state.watermark ? undefined : new Date(state.watermark.getTime() - COMMIT_SLACK_MS);
  if (!since) {
    state.watermark = await databaseNow(pool);
    yield* readInventory(pool);
    return;
  }
  const changed = await actorsChangedSince(pool, since);
  state.watermark = changed.now;
  if (changed.ids.length) yield* readInventory(pool, { only: { actor: changed.ids } });
  yield* readInventory(pool, { holders: SMALL_HOLDERS });
}

/** Reads the referenced coordinates of this pass and compares the two stores for each unsettled one. */
async function comparePass(
  options: SyncOptions,
  state: SyncState,
  concurrency: number,
  full: boolean,
  copyNow?: (copy: Copy, item: PlannedItem) => Promise<void>,
): Promise<ComparedPass> {
  const referenced = new Map<string, string | null>();
  let rows = 0;
  for await (const row of rowsOfPass(options.pool, state, full || state.passes === 0)) {
    rows += 1;
    for (const r of row.records)
      if (r.node.coordinate && RESOLVED_KINDS.has(r.node.kind))
        referenced.set(r.node.coordinate, row.workspaceId ?? null);
  }
  for (const c of await referencedConfigCoordinates(options.pool))
    if (!referenced.has(c.coordinate)) referenced.set(c.coordinate, c.workspaceId);
  for (const c of [...state.missing, ...state.retry]) if (!referenced.has(c)) referenced.set(c, null);
  state.missing.clear();
  state.retry.clear();

  const pass: ComparedPass = {
    full,
    rows,
    checked: 0,
    newConflicts: 0,
    missing: 0,
    unreadable: 0,
    copies: [],
    items: [],
  };
  const todo = [...referenced].filter(([c]) => !state.settled.has(c) && !state.conflicts.has(c));
  await forEachConcurrent(todo, concurrency, async ([coordinate, workspaceId]) => {
    const verdict = await compare(options.from, options.to, coordinate);
    pass.checked += 1;
    const key = `sync:${coordinate}`;
    switch (verdict.kind) {
      case 'both':
        state.settled.add(coordinate);
        return;
      case 'missing':
        state.missing.add(coordinate);
        pass.missing += 1;
        return;
      case 'failed':
        state.retry.add(coordinate);
        pass.unreadable += 1;
        return;
      case 'conflict':
        state.conflicts.set(coordinate, verdict.reason);
        pass.newConflicts += 1;
        pass.items.push({ key, action: 'conflict', coordinate, workspaceId, reason: verdict.reason });
        return;
      case 'copy': {
        const copy: Copy = { key, coordinate, to: verdict.to, value: verdict.value };
        const item: PlannedItem = {
          key,
          action: verdict.to === 'target' ? 'copy' : 'copy-back',
          coordinate,
          workspaceId,
        };
        if (copyNow) return copyNow(copy, item);
        pass.copies.push(copy);
        pass.items.push(item);
      }
    }
  });
  return pass;
}

/** Both stores read as Airbyte reads them; a blank value counts as none (Airbyte's hydration rejects it). */
async function compare(from: SecretStore, to: SecretStore, coordinate: string): Promise<Verdict> {
  let inFrom: SecretValue | undefined;
  let inTo: SecretValue | undefined;
  try {
    [inFrom, inTo] = await Promise.all([
      from.read(coordinate, { asAirbyte: true }),
      to.read(coordinate, { asAirbyte: true }),
    ]);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    return { kind: 'failed', reason: err.message };
  }
  const a = inFrom && !inFrom.isBlank ? inFrom : undefined;
  const b = inTo && !inTo.isBlank ? inTo : undefined;
  if (a && b)
    return a.equals(b)
      ? { kind: 'both' }
      : { kind: 'conflict', reason: 'the two stores hold different values' };
  if (a) return { kind: 'copy', to: 'target', value: a };
  if (b) return { kind: 'copy', to: 'source', value: b };
  return { kind: 'missing' };
}

/** Writes each copy to the store that lacks it, reads it back, journals the outcome (never the value). */
async function copyPass(ctx: RunContext, copies: readonly Copy[], state: SyncState): Promise<Tally> {
  const tally: Tally = { copiedToTarget: 0, copiedToSource: 0, failed: 0 };
  let done = 0;
  if (copies.length) ctx.onProgress?.({ phase: 'copy', done, total: copies.length });
  await forEachConcurrent(
    copies,
    ctx.concurrency,
    async (copy) => {
      await copyOne(ctx, copy, state, tally);
      ctx.onProgress?.({ phase: 'copy', done: ++done, total: copies.length });
    },
    ctx.signal,
  );
  return tally;
}

/** One copy: write, read back, journal the outcome (never the value); a failure is journaled and retried next pass. */
async function copyOne(ctx: RunContext, copy: Copy, state: SyncState, tally: Tally): Promise<void> {
  const store = copy.to === 'target' ? ctx.target : ctx.source;
  try {
    const outcome = await writeVerified(store, copy.coordinate, copy.value);
    await ctx.journal.updateItem(ctx.runId, copy.key, {
      state: 'verified',
      ...(copy.to === 'target' ? { target_outcome: outcome } : { source_outcome: outcome }),
      attempts: 1,
    });
    state.settled.add(copy.coordinate);
    if (copy.to === 'target') tally.copiedToTarget += 1;
    else tally.copiedToSource += 1;
  } catch (err) {
    await ctx.journal.updateItem(ctx.runId, copy.key, { ...failure(err), attempts: 1 });
    state.retry.add(copy.coordinate);
    tally.failed += 1;
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
