import type { HolderKind } from '../airbyte/types.js';
import type { CoordinateBase } from '../engine/coordinates.js';
import type { PlanItems } from './plan-items.js';

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
  | 'unreadable' // a store answered with an error (permission, invalid) for this coordinate
  | 'foreign-storage'; // plaintext in a row whose references live in a storage Airbyte does not read from its env

interface PlanItemBase {
  /** Journal key: `copy:<coordinate>`, `extract:<holder>:<row>:<path>`, `spec:<holder>:<row>`. */
  key: string;
  workspaceId: string | null;
  /** Actor or workspace name, for humans. */
  name?: string;
}

/** A referenced coordinate: `copy` to the target, or `skip` (already there, identical). */
export interface CopyItem extends PlanItemBase {
  action: 'copy' | 'skip';
  coordinate: string;
  /** How many rows refer to the coordinate. */
  references: number;
}

/** Plaintext inline in a configuration, to write under a new coordinate and replace by a reference. */
export interface ExtractItem extends PlanItemBase {
  action: 'extract';
  holder: HolderKind;
  rowId: string;
  path: string;
  /** Prefix and base id of the coordinate to mint (`workspace_` + workspace, or `organization_` + org). */
  newCoordinateBase: CoordinateBase;
  /** The new coordinate, once chosen (kept from an earlier attempt when resuming). */
  coordinate?: string;
}

/** An extract item whose coordinate is chosen: what the extract step runs on. */
export type ReadyExtractItem = ExtractItem & { coordinate: string };

/** Needs a human: about a referenced coordinate, or (`missing-spec`) about a whole row. */
export interface ConflictItem extends PlanItemBase {
  action: 'conflict';
  reason: ConflictReason;
  /** Error text for `unreadable` (store, operation, coordinate; never a value). */
  detail?: string;
  coordinate?: string;
  references?: number;
  holder?: HolderKind;
  rowId?: string;
}

export type PlanItem = CopyItem | ExtractItem | ConflictItem;

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
  /** Reads the copy and extract phases make: one read-back per write (the plan read the rest already). */
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
  items: PlanItems;
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
