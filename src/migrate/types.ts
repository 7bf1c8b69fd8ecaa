import type { HolderKind } from '../airbyte/types.js';

/**
 * What a migration does with one secret:
 * - `copy`: a referenced coordinate is in the source store and not yet in the target: copy it
 *   under the target's name for the same coordinate (no database change).
 * - `extract`: a plaintext value inline in a configuration: write it under a new coordinate to the
 *   target (and the source store Airbyte uses now), then replace it in the row by a reference.
 * - `skip`: already in the target with the identical value.
 * - `conflict`: needs a human (the target holds a different value, the source has no value, the
 *   actor's spec is missing so its plaintext cannot be found).
 */
export type PlanAction = 'copy' | 'extract' | 'skip' | 'conflict';

export type ConflictReason =
  | 'target-differs' // a different value already sits in the target under the name
  | 'missing-source' // the source store has no (or a blank) value for a referenced coordinate
  | 'missing-spec' // the actor's spec is missing: plaintext cannot be found
  | 'unreadable'; // a store answered with an error (permission, invalid) for this coordinate

export interface PlanItem {
  /** Journal key: `copy:<coordinate>`, `extract:<holder>:<row>:<path>`, `spec:<holder>:<row>`. */
  key: string;
  action: PlanAction;
  reason?: ConflictReason;
  /** copy/skip: the coordinate; extract: the new coordinate when already chosen (resume). */
  coordinate?: string;
  holder?: HolderKind;
  rowId?: string;
  path?: string;
  workspaceId: string | null;
  /** Actor or workspace name, for humans. */
  name?: string;
  /** copy/skip: how many rows refer to the coordinate. */
  references?: number;
  /** Error text for `unreadable` (store, operation, coordinate; never a value). */
  detail?: string;
  /** extract: prefix and base id of the coordinate to mint (`workspace_` + workspace, or `organization_` + org). */
  newCoordinateBase?: { prefix: string; baseId: string };
}

export interface PlanSummaryRow {
  action: PlanAction;
  reason?: ConflictReason;
  count: number;
}

export interface PlanEstimate {
  /** Store writes the plan needs in the target (a new Google secret counts twice). */
  targetWrites: number;
  /** Writes in the source store (extracted plaintext is also written there). */
  sourceWrites: number;
  /** Reads (source reads, target read-first and read-back). */
  reads: number;
  /** Writes per second allowed by the target's quota (Infinity when it has none). */
  targetWriteRate: number;
  concurrency: number;
  /** Average store round trip measured while planning, ms. */
  roundTripMs: number;
  /** Estimated wall time of the copy and extract phases, seconds. */
  seconds: number;
}

export interface MigrationPlan {
  source: string;
  target: string;
  items: PlanItem[];
  summary: PlanSummaryRow[];
  byWorkspace: Array<{
    workspaceId: string | null;
    copy: number;
    extract: number;
    skip: number;
    conflict: number;
  }>;
  estimate: PlanEstimate;
}
