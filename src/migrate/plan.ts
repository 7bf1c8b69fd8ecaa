import { createHash } from 'node:crypto';
import { type HolderKind, type HolderRow, isNodeKind } from '../airbyte/types.js';
import { type CoordinateBase, coordinateBaseFor } from '../engine/coordinates.js';
import { isStoreError, StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import type { SecretValue } from '../util/secret-value.js';
import { PlanItems } from './plan-items.js';
import { ReferencedCoordinates, RowDigests } from './plan-table.js';
import type { MigrationPlan, PlanAction, PlanItem, PlanSummaryRow } from './types.js';

/** Node kinds whose `_secret` coordinate Airbyte resolves from the store it is configured with. */
const RESOLVED_KINDS = new Set(['managed-ref', 'external-ref', 'reference-id']);

/** What the inventory says a migration has to handle, without any secret value. */
export interface PlanInputs {
  /** Every referenced coordinate once, packed (a million cost about 80 bytes each). */
  references: ReferencedCoordinates;
  extracts: Array<{
    holder: HolderKind;
    rowId: string;
    path: string;
    workspaceId: string | null;
    name: string;
    newCoordinateBase: CoordinateBase;
    /** The secret storage the row's existing references point at, if any. */
    referenceStorageId?: string;
  }>;
  missingSpecs: Array<{ holder: HolderKind; rowId: string; workspaceId: string | null; name: string }>;
  holders: number;
  /** Every row read, with the sha256 of its configuration text (what a saved plan is checked against), when asked. */
  rows: RowDigests | undefined;
}

export const extractKey = (holder: string, rowId: string, path: string) =>
  `extract:${holder}:${rowId}:${path}`;

/**
 * Walks the inventory once and keeps only identities: which coordinates are referenced (and by
 * how many rows), where plaintext sits, which actors have no spec. `extraCoordinates` adds
 * coordinates referenced outside configurations (the `secret_config` table).
 */
export async function collectPlanInputs(
  rows: AsyncIterable<HolderRow>,
  extraCoordinates: Iterable<{ coordinate: string; workspaceId: string | null }> = [],
  onRow?: (read: number) => void,
  rowDigests = false,
): Promise<PlanInputs> {
  const inputs: PlanInputs = {
    references: new ReferencedCoordinates(),
    extracts: [],
    missingSpecs: [],
    holders: 0,
    rows: rowDigests ? new RowDigests() : undefined,
  };
  for await (const row of rows) {
    inputs.holders += 1;
    inputs.rows?.add(row.holder, row.rowId, createHash('sha256').update(row.configText).digest());
    onRow?.(inputs.holders);
    if (row.spec === 'missing') {
      inputs.missingSpecs.push({
        holder: row.holder,
        rowId: row.rowId,
        workspaceId: row.workspaceId,
        name: row.name,
      });
    }
    const referenceStorageId = row.records.find((r) => r.node.storageId !== undefined)?.node.storageId;
    for (const record of row.records) {
      const { node } = record;
      if (RESOLVED_KINDS.has(node.kind) && node.coordinate) {
        inputs.references.refer(node.coordinate, row.workspaceId, row.name);
      } else if (isNodeKind(node, 'plaintext')) {
        inputs.extracts.push({
          holder: row.holder,
          rowId: row.rowId,
          path: record.path,
          workspaceId: row.workspaceId,
          name: row.name,
          newCoordinateBase: coordinateBaseFor(row),
          ...(referenceStorageId !== undefined ? { referenceStorageId } : {}),
        });
      }
    }
  }
  for (const extra of extraCoordinates)
    inputs.references.refer(extra.coordinate, extra.workspaceId, undefined);
  return inputs;
}

/**
 * Reads each referenced coordinate from the source (as Airbyte would) and from the target (its
 * exact name), compares in memory and keeps only the verdict, in the table. Streams: one
 * coordinate string per call in flight. Reads only: a dry run writes nothing.
 */
export async function probeCoordinates(
  references: ReferencedCoordinates,
  source: SecretStore,
  target: SecretStore,
  concurrency: number,
  /** Told each source value of a coordinate to copy, so the copy need not read it again. */
  keep?: (coordinate: string, value: SecretValue) => void,
  onProbe?: (done: number) => void,
  signal?: AbortSignal,
): Promise<{ roundTripMs: number }> {
  let calls = 0;
  let elapsed = 0;
  let done = 0;
  const timed = async <T>(op: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await op();
    } finally {
      elapsed += performance.now() - start;
      calls += 1;
    }
  };
  await forEachConcurrent(
    references.coordinates(),
    concurrency,
    async ({ index, coordinate }) => {
      try {
        const [fromSource, inTarget] = await Promise.all([
          timed(() => source.read(coordinate, { asAirbyte: true })),
          timed(() => readTargetForPlan(target, coordinate)),
        ]);
        if (!fromSource || fromSource.isBlank) {
          references.setVerdict(index, inTarget && !inTarget.isBlank ? 'same' : 'missing-source');
        } else if (!inTarget) {
          references.setVerdict(index, 'copy');
          keep?.(coordinate, fromSource);
        } else references.setVerdict(index, fromSource.equals(inTarget) ? 'same' : 'differs');
      } catch (err) {
        if (!(err instanceof StoreError)) throw err;
        references.setVerdict(index, 'unreadable', err.message);
      }
      onProbe?.(++done);
    },
    signal,
  );
  return { roundTripMs: calls ? elapsed / calls : 0 };
}

/** A soft-deleted target name counts as absent here: the write applies the store's restore policy. */
async function readTargetForPlan(target: SecretStore, coordinate: string) {
  try {
    return await target.read(coordinate);
  } catch (err) {
    if (isStoreError(err, 'deleted-recoverable')) return undefined;
    throw err;
  }
}

/**
 * The pure part: inventory identities plus probe verdicts (in the table) give the list of
 * actions. `reuse` maps extract keys to coordinates an unfinished run already chose (so a
 * resumed run writes the same names again instead of minting duplicates).
 */
export function decideItems(
  inputs: PlanInputs,
  reuse: Map<string, string> = new Map(),
  envStorages?: ReadonlySet<string>,
): PlanItems {
  const others: PlanItem[] = [];
  for (const e of inputs.extracts) {
    const key = extractKey(e.holder, e.rowId, e.path);
    // The new reference would join the row's storage while the value went to the target: keep
    // value and reference together by leaving such a row to whoever migrates that storage.
    if (e.referenceStorageId !== undefined && envStorages && !envStorages.has(e.referenceStorageId)) {
      others.push({
        key,
        action: 'conflict',
        reason: 'foreign-storage',
        detail: `the row's references live in secret storage ${e.referenceStorageId}, not the one Airbyte configures from its env`,
        holder: e.holder,
        rowId: e.rowId,
        workspaceId: e.workspaceId,
        name: e.name,
      });
      continue;
    }
    const coordinate = reuse.get(key);
    others.push({
      key,
      action: 'extract',
      holder: e.holder,
      rowId: e.rowId,
      path: e.path,
      workspaceId: e.workspaceId,
      name: e.name,
      newCoordinateBase: e.newCoordinateBase,
      ...(coordinate ? { coordinate } : {}),
    });
  }
  for (const m of inputs.missingSpecs) {
    others.push({
      key: `spec:${m.holder}:${m.rowId}`,
      action: 'conflict',
      reason: 'missing-spec',
      holder: m.holder,
      rowId: m.rowId,
      workspaceId: m.workspaceId,
      name: m.name,
    });
  }
  return new PlanItems(inputs.references, others);
}

export function summarize(items: Iterable<PlanItem>): Pick<MigrationPlan, 'summary' | 'byWorkspace'> {
  const rows = new Map<string, PlanSummaryRow>();
  const byWs = new Map<string, MigrationPlan['byWorkspace'][number]>();
  for (const item of items) {
    const reason = item.action === 'conflict' ? item.reason : undefined;
    const k = `${item.action}/${reason ?? ''}`;
    const row = rows.get(k) ?? {
      action: item.action,
      ...(reason ? { reason } : {}),
      count: 0,
    };
    row.count += 1;
    rows.set(k, row);
    const wsKey = item.workspaceId ?? '';
    const ws = byWs.get(wsKey) ?? {
      workspaceId: item.workspaceId,
      copy: 0,
      extract: 0,
      skip: 0,
      conflict: 0,
    };
    ws[item.action] += 1;
    byWs.set(wsKey, ws);
  }
  const order: PlanAction[] = ['copy', 'extract', 'skip', 'conflict'];
  return {
    summary: [...rows.values()].sort((a, b) => order.indexOf(a.action) - order.indexOf(b.action)),
    byWorkspace: [...byWs.values()].sort((a, b) => (a.workspaceId ?? '').localeCompare(b.workspaceId ?? '')),
  };
}
