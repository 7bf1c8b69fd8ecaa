import { createHash } from 'node:crypto';
import { type HolderKind, type HolderRow, isNodeKind } from '../airbyte/types.js';
import { type CoordinateBase, coordinateBaseFor } from '../engine/coordinates.js';
import { isStoreError, StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import type { SecretValue } from '../util/secret-value.js';
import type { ConflictReason, MigrationPlan, PlanAction, PlanItem, PlanSummaryRow } from './types.js';

/** Node kinds whose `_secret` coordinate Airbyte resolves from the store it is configured with. */
const RESOLVED_KINDS = new Set(['managed-ref', 'external-ref', 'reference-id']);

/**
 * A referenced coordinate, already in the shape of its copy item (its journal key is a cons
 * string, not a copy of the coordinate): `decideItems` gives it its action in place, so a plan of
 * a million coordinates holds one object per coordinate, not three.
 */
interface ReferencedCoordinate {
  key: string;
  coordinate: string;
  workspaceId: string | null;
  references: number;
  name?: string;
}

/** What the inventory says a migration has to handle, without any secret value. */
export interface PlanInputs {
  references: Map<string, ReferencedCoordinate>;
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
  /** Every row read, with the sha256 of its configuration text (what a saved plan is checked against). */
  rows: RowDigest[];
}

/** One row the plan read: which, and a digest of its configuration text (never the text). */
export interface RowDigest {
  holder: HolderKind;
  rowId: string;
  sha256: string;
}

export const extractKey = (holder: string, rowId: string, path: string) =>
  `extract:${holder}:${rowId}:${path}`;
export const copyKey = (coordinate: string) => `copy:${coordinate}`;

/**
 * Walks the inventory once and keeps only identities: which coordinates are referenced (and by
 * how many rows), where plaintext sits, which actors have no spec. `extraCoordinates` adds
 * coordinates referenced outside configurations (the `secret_config` table).
 */
export async function collectPlanInputs(
  rows: AsyncIterable<HolderRow>,
  extraCoordinates: Iterable<{ coordinate: string; workspaceId: string | null }> = [],
  onRow?: (read: number) => void,
): Promise<PlanInputs> {
  const inputs: PlanInputs = { references: new Map(), extracts: [], missingSpecs: [], holders: 0, rows: [] };
  // Workspace ids repeat on every row: keep one string per workspace, not one per row.
  const workspaces = new Map<string, string>();
  const interned = (id: string | null) => {
    if (id === null) return null;
    const known = workspaces.get(id);
    if (known !== undefined) return known;
    workspaces.set(id, id);
    return id;
  };
  const refer = (coordinate: string, workspaceId: string | null, name: string | undefined) => {
    const seen = inputs.references.get(coordinate);
    if (seen) seen.references += 1;
    else {
      const ref: ReferencedCoordinate = {
        key: copyKey(coordinate),
        coordinate,
        workspaceId: interned(workspaceId),
        references: 1,
      };
      if (name !== undefined) ref.name = name;
      inputs.references.set(coordinate, ref);
    }
  };
  for await (const row of rows) {
    inputs.holders += 1;
    const sha256 = createHash('sha256').update(row.configText).digest('hex');
    inputs.rows.push({ holder: row.holder, rowId: row.rowId, sha256 });
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
      if (RESOLVED_KINDS.has(node.kind) && node.coordinate) refer(node.coordinate, row.workspaceId, row.name);
      else if (isNodeKind(node, 'plaintext')) {
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
  for (const extra of extraCoordinates) refer(extra.coordinate, extra.workspaceId, undefined);
  return inputs;
}

/** How a coordinate stands in the two stores. */
export type ProbeResult =
  | { state: 'copy' }
  | { state: 'same' }
  | { state: 'differs' }
  | { state: 'missing-source' }
  | { state: 'unreadable'; detail: string };

/** One shared object per verdict without details: a million verdicts cost a million pointers. */
const VERDICT = {
  copy: { state: 'copy' },
  same: { state: 'same' },
  differs: { state: 'differs' },
  'missing-source': { state: 'missing-source' },
} as const satisfies Record<string, ProbeResult>;

/**
 * Reads each referenced coordinate from the source (as Airbyte would) and from the target (its
 * exact name), compares in memory and keeps only the verdict. Reads only: a dry run writes nothing.
 */
export async function probeCoordinates(
  coordinates: Iterable<string>,
  source: SecretStore,
  target: SecretStore,
  concurrency: number,
  /** Told each source value of a coordinate to copy, so the copy need not read it again. */
  keep?: (coordinate: string, value: SecretValue) => void,
  onProbe?: (done: number) => void,
  signal?: AbortSignal,
): Promise<{ results: Map<string, ProbeResult>; roundTripMs: number }> {
  const results = new Map<string, ProbeResult>();
  let calls = 0;
  let elapsed = 0;
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
    coordinates,
    concurrency,
    async (coordinate) => {
      try {
        const [fromSource, inTarget] = await Promise.all([
          timed(() => source.read(coordinate, { asAirbyte: true })),
          timed(() => readTargetForPlan(target, coordinate)),
        ]);
        if (!fromSource || fromSource.isBlank) {
          results.set(coordinate, inTarget && !inTarget.isBlank ? VERDICT.same : VERDICT['missing-source']);
        } else if (!inTarget) {
          results.set(coordinate, VERDICT.copy);
          keep?.(coordinate, fromSource);
        } else results.set(coordinate, fromSource.equals(inTarget) ? VERDICT.same : VERDICT.differs);
      } catch (err) {
        if (!(err instanceof StoreError)) throw err;
        results.set(coordinate, { state: 'unreadable', detail: err.message });
      }
      onProbe?.(results.size);
    },
    signal,
  );
  return { results, roundTripMs: calls ? elapsed / calls : 0 };
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
 * The pure part: inventory identities plus probe verdicts give the list of actions. `reuse`
 * maps extract keys to coordinates an unfinished run already chose (so a resumed run writes the
 * same names again instead of minting duplicates).
 */
export function decideItems(
  inputs: PlanInputs,
  probes: Map<string, ProbeResult>,
  reuse: Map<string, string> = new Map(),
  envStorages?: ReadonlySet<string>,
): PlanItem[] {
  const items: PlanItem[] = [];
  for (const [coordinate, ref] of inputs.references) {
    const probe = probes.get(coordinate) ?? VERDICT.copy;
    const base = ref;
    switch (probe.state) {
      // The common verdicts turn the reference into its item in place (no second object).
      case 'copy':
        items.push(Object.assign(ref, { action: 'copy' as const }));
        break;
      case 'same':
        items.push(Object.assign(ref, { action: 'skip' as const }));
        break;
      case 'differs':
        items.push({ ...base, action: 'conflict', reason: 'target-differs' });
        break;
      case 'missing-source':
        items.push({ ...base, action: 'conflict', reason: 'missing-source' });
        break;
      case 'unreadable':
        items.push({ ...base, action: 'conflict', reason: 'unreadable', detail: probe.detail });
        break;
    }
  }
  for (const e of inputs.extracts) {
    const key = extractKey(e.holder, e.rowId, e.path);
    // The new reference would join the row's storage while the value went to the target: keep
    // value and reference together by leaving such a row to whoever migrates that storage.
    if (e.referenceStorageId !== undefined && envStorages && !envStorages.has(e.referenceStorageId)) {
      items.push({
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
    items.push({
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
    items.push({
      key: `spec:${m.holder}:${m.rowId}`,
      action: 'conflict',
      reason: 'missing-spec',
      holder: m.holder,
      rowId: m.rowId,
      workspaceId: m.workspaceId,
      name: m.name,
    });
  }
  return items;
}

export function summarize(items: PlanItem[]): Pick<MigrationPlan, 'summary' | 'byWorkspace'> {
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

export function countOf(items: PlanItem[], action: PlanAction, reason?: ConflictReason): number {
  return items.filter(
    (i) => i.action === action && (reason === undefined || (i.action === 'conflict' && i.reason === reason)),
  ).length;
}
