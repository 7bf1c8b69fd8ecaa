import type pg from 'pg';
import type { HolderKind } from '../airbyte/types.js';
import type { CoordinateBase } from '../engine/coordinates.js';
import type { ItemProblem } from '../engine/items.js';
import type { ProgressEvent } from '../engine/progress.js';
import type { VerifyResult } from '../engine/verify.js';
import type { KeyChange } from '../stores/key-change.js';
import type { SecretStore } from '../stores/types.js';
import type { Fix, RekeyCategory, SelectionFilter } from './select.js';

/**
 * What a re-key run does with one thing:
 * - `rekey`: a reference moves to a new coordinate (value written, read back, row rewritten);
 * - `copy`: a legacy AWS name: the value is written under the full coordinate the row names;
 * - `reencrypt`: a coordinate gets the new encryption key and/or tags in place;
 * - `skip`: nothing to do (already on the key, with the tags);
 * - `conflict`: needs a human (no value to move, the store refused a read, the key cannot change).
 */
export type RekeyAction = 'rekey' | 'copy' | 'reencrypt' | 'skip' | 'conflict';

/** Every item says where it is, for humans, when it concerns one row (moves and their conflicts). */
interface RekeyItemBase {
  /** Journal key: `rekey:<holder>:<row>:<path>`, `name:<coordinate>`, `keys:<coordinate>`. */
  key: string;
  categories: RekeyCategory[];
  workspaceId: string | null;
  holder?: HolderKind;
  rowId?: string;
  path?: string;
  name?: string;
  /** rekey: the coordinate referenced now; copy: the base name Airbyte falls back to. */
  from?: string;
  /** rekey: the new coordinate (once chosen); copy/reencrypt/skip: the coordinate itself. */
  coordinate?: string;
  /** conflict/skip: why, without a value. */
  reason?: string;
}

/** A reference that moves to a new coordinate (value written, read back, row rewritten). */
export interface MoveItem extends RekeyItemBase {
  action: 'rekey';
  fix?: Fix;
  holder: HolderKind;
  rowId: string;
  path: string;
  from: string;
  /** Where a coordinate is minted when none is chosen yet (`workspace_` + the row's workspace, or the organization). */
  newBase?: CoordinateBase;
  /** The old reference node (coordinate and reference id only, never a value). */
  node: Record<string, unknown>;
  referenceId?: string;
}

/** A move whose new coordinate is chosen: what the move step runs on. */
export type ReadyMoveItem = MoveItem & { coordinate: string };

/** A legacy AWS name: the value is written under the full coordinate the row names. */
export interface LegacyNameItem extends RekeyItemBase {
  action: 'copy';
  coordinate: string;
  from: string;
}

/** A coordinate that gets the new key and/or tags in place, or (`skip`) needs nothing. */
export interface InPlaceItem extends RekeyItemBase {
  action: 'reencrypt' | 'skip';
  coordinate: string;
}

/** Needs a human: no value to move, the store refused a read, the key cannot change. */
export interface RekeyConflictItem extends RekeyItemBase {
  action: 'conflict';
  fix?: Fix;
  reason: string;
}

export type RekeyItem = MoveItem | LegacyNameItem | InPlaceItem | RekeyConflictItem;

export type RekeyKeyOptions = KeyChange;

export interface RekeyOptions {
  pool: pg.Pool;
  /** The store Airbyte uses now: values are read from it and written back to it under new names. */
  store: SecretStore;
  /** Problems to fix; absent: rotate what the filter selects (unless only keys are asked for). */
  categories?: RekeyCategory[];
  filter?: SelectionFilter;
  /** New encryption key and/or tags for the selected secrets (keys: AWS, Google; tags: also Azure). */
  keys?: RekeyKeyOptions;
  /** After the rewrite, delete old names no row references any more, in the store's safe way. */
  deleteOld?: boolean;
  journalSchema?: string;
  /** Items worked on at once. @default `workersFor` the store: the store's adaptive limit governs */
  concurrency?: number;
  /** Resume this run id instead of the newest unfinished re-key run on the same store. */
  resume?: string;
  batchSize?: number;
  onProgress?: (e: ProgressEvent) => void;
  newUuid?: () => string;
  /** Aborted on SIGINT/SIGTERM: the run finishes the items in flight and is marked `interrupted`. */
  signal?: AbortSignal;
}

export interface RekeyPlan {
  store: string;
  /** `fix` (categories), `rotate` (filtered references to fresh coordinates), `keys` (key/tag change only). */
  mode: 'fix' | 'rotate' | 'keys';
  categories: RekeyCategory[];
  items: RekeyItem[];
  summary: Array<{ action: RekeyAction; category: string; count: number }>;
  /** Coordinates that would move to fresh names because of each category. */
  byCategory: Partial<Record<RekeyCategory, number>>;
  /** Categories asked for that cannot apply to this store (legacy-name is AWS only). */
  notes: string[];
}

export interface RekeyResult {
  runId: string;
  resumed: boolean;
  /** The store re-keyed (kind and description, no credential). */
  store: { kind: string; description: string };
  plan: Pick<RekeyPlan, 'mode' | 'categories' | 'summary' | 'byCategory' | 'notes'>;
  states: Record<string, number>;
  problems: ItemProblem[];
  /** Re-encryption and tags: coordinates changed now, and those already as asked. */
  keys?: { changed: number; already: number; failed: number };
  /** Old names deleted (or scheduled for deletion) with --delete-old, and those kept because a row still uses them. */
  deleted: Array<{ coordinate: string; outcome: string }>;
  keptOld: Array<{ coordinate: string; reason: string }>;
  verification: VerifyResult;
  ok: boolean;
}
