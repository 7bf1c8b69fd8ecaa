import { COORDINATE_FIELD, SECRET_REF_ID_FIELD, SECRET_STORAGE_ID_FIELD } from '../airbyte/classify.js';
import { parseCoordinate } from '../airbyte/coordinates.js';
import { getAt, isJsonObject } from '../airbyte/json-path.js';
import type { HolderKind, HolderRow } from '../airbyte/types.js';

/**
 * Which references a re-key run acts on, computed from the inventory alone (legacy AWS names need
 * one store fact, passed in). Pure: no database, no store. The categories are the audit's:
 * - `shared-coordinate`: one Airbyte-managed coordinate referenced by several holder rows;
 * - `workspace-mismatch`: an `airbyte_workspace_<ws>_…` coordinate whose `<ws>` is not the
 *   workspace of the row referencing it;
 * - `legacy-name`: (AWS) the full coordinate is absent but its base name (no `_vN`) exists, which
 *   Airbyte's read falls back to.
 * Only Airbyte-managed coordinates are considered: an external `_secret` names a secret the
 * operator manages and may share on purpose.
 */
export const REKEY_CATEGORIES = ['shared-coordinate', 'workspace-mismatch', 'legacy-name'] as const;
export type RekeyCategory = (typeof REKEY_CATEGORIES)[number];

/** One reference a holder row makes to an Airbyte-managed coordinate. Holds no value. */
export interface Reference {
  holder: HolderKind;
  rowId: string;
  workspaceId: string | null;
  organizationId: string | null;
  name: string;
  path: string;
  coordinate: string;
  /** The reference node as stored: only `_secret`, `_secret_reference_id`, `_secret_storage_id`. */
  node: Record<string, unknown>;
  referenceId?: string;
}

/** Keys a reference node may have; a node with any other key is left alone (it could hold anything). */
const REFERENCE_KEYS = new Set([COORDINATE_FIELD, SECRET_REF_ID_FIELD, SECRET_STORAGE_ID_FIELD]);
const MANAGED_KINDS = new Set(['managed-ref', 'reference-id']);

/** The references of a row that a re-key may move: Airbyte-managed coordinates in plain reference nodes. */
export function referencesOf(row: HolderRow): Reference[] {
  const out: Reference[] = [];
  for (const record of row.records) {
    const { node } = record;
    if (!MANAGED_KINDS.has(node.kind) || !node.coordinate || !parseCoordinate(node.coordinate).managed)
      continue;
    const raw = getAt(row.config, record.path);
    if (!isJsonObject(raw) || !Object.keys(raw).every((k) => REFERENCE_KEYS.has(k))) continue;
    out.push({
      holder: row.holder,
      rowId: row.rowId,
      workspaceId: row.workspaceId,
      organizationId: row.organizationId,
      name: row.name,
      path: record.path,
      coordinate: node.coordinate,
      node: raw,
      ...(node.referenceId !== undefined ? { referenceId: node.referenceId } : {}),
    });
  }
  return out;
}

export interface SelectionFilter {
  workspaces?: readonly string[];
  /** Holder row ids: actor ids (also OAuth-parameter, connection and builder project ids; for webhooks, workspace ids). */
  actors?: readonly string[];
  coordinates?: readonly string[];
}

export function matchesFilter(ref: Reference, filter: SelectionFilter): boolean {
  if (filter.workspaces?.length && !filter.workspaces.includes(ref.workspaceId ?? '')) return false;
  if (filter.actors?.length && !filter.actors.includes(ref.rowId)) return false;
  if (filter.coordinates?.length && !filter.coordinates.includes(ref.coordinate)) return false;
  return true;
}

/**
 * A selection that matches nothing is a mistake (a typo, another database), never "nothing to do":
 * the first `--workspace`/`--actor`/`--coordinate` value no reference has, or the flags together
 * when each matches but no reference matches them all, as one line; `null` when it selects something.
 */
export function unmatchedSelection(refs: readonly Reference[], filter: SelectionFilter): string | null {
  const checks = [
    ['--workspace', filter.workspaces, (r: Reference) => r.workspaceId ?? ''],
    ['--actor', filter.actors, (r: Reference) => r.rowId],
    ['--coordinate', filter.coordinates, (r: Reference) => r.coordinate],
  ] as const;
  for (const [flag, values, of] of checks) {
    const known = new Set(refs.map(of));
    const missing = (values ?? []).find((v) => !known.has(v));
    if (missing !== undefined) {
      return `${flag} ${missing} matches no reference to an Airbyte-managed secret in this database: check the id (see 'audit' or 'paths')`;
    }
  }
  const given = checks.filter(([, values]) => values?.length);
  if (given.length > 1 && !refs.some((r) => matchesFilter(r, filter))) {
    return `${given.map(([flag, values]) => `${flag} ${values?.join(',')}`).join(' with ')} select no reference together: each matches, but never the same one`;
  }
  return null;
}

const rowKey = (r: Pick<Reference, 'holder' | 'rowId'>) => `${r.holder}:${r.rowId}`;
const order = (a: Reference, b: Reference) =>
  a.holder.localeCompare(b.holder) || a.rowId.localeCompare(b.rowId) || a.path.localeCompare(b.path);

/** Prefixes whose base id is a workspace id (`oauth_workspace_` for OAuth secrets). */
const WORKSPACE_PREFIXES = new Set(['workspace_', 'oauth_workspace_']);

/** The workspace a managed coordinate was made for, when it is an `airbyte_workspace_<ws>_…` one. */
export function coordinateWorkspace(coordinate: string): string | undefined {
  const c = parseCoordinate(coordinate);
  return c.prefix !== undefined && WORKSPACE_PREFIXES.has(c.prefix) ? c.baseId : undefined;
}

export function isWorkspaceMismatch(ref: Pick<Reference, 'coordinate' | 'workspaceId'>): boolean {
  const ws = coordinateWorkspace(ref.coordinate);
  return ws !== undefined && ref.workspaceId !== null && ws.toLowerCase() !== ref.workspaceId.toLowerCase();
}

/**
 * Coordinates referenced by more than one row, each with the row that keeps it: the first row
 * (by holder, then row id) whose workspace matches the coordinate; none when no row matches (all
 * of them then move). The keeper is chosen among ALL rows, whatever the filter, so it is stable.
 */
export function sharedCoordinates(
  refs: readonly Reference[],
): Map<string, { rows: number; keeper?: string }> {
  const byCoordinate = new Map<string, Reference[]>();
  for (const r of refs) byCoordinate.set(r.coordinate, [...(byCoordinate.get(r.coordinate) ?? []), r]);
  const out = new Map<string, { rows: number; keeper?: string }>();
  for (const [coordinate, list] of byCoordinate) {
    const rows = new Set(list.map(rowKey));
    if (rows.size < 2) continue;
    const keeper = [...list].sort(order).find((r) => !isWorkspaceMismatch(r));
    out.set(coordinate, { rows: rows.size, ...(keeper ? { keeper: rowKey(keeper) } : {}) });
  }
  return out;
}

/** What a selected reference needs: a new base in its row's workspace, the next version of its base, or its full name written (legacy). */
export type Fix = 'new-base' | 'new-version' | 'full-name';

export interface Selected {
  reference: Reference;
  /** The problems found at this reference (empty when it was selected only to rotate). */
  categories: RekeyCategory[];
  fix: Fix;
}

export interface SelectOptions {
  /** The problems to fix; absent: rotate every reference the filter selects. */
  categories?: readonly RekeyCategory[];
  filter?: SelectionFilter;
  /** Coordinates whose full name is absent while the base name exists in the (AWS) store. */
  legacy?: ReadonlySet<string>;
}

/** The problems of one reference (a keeper of a shared coordinate has no shared problem). */
export function problemsOf(
  ref: Reference,
  shared: Map<string, { keeper?: string }>,
  legacy: ReadonlySet<string>,
): RekeyCategory[] {
  const out: RekeyCategory[] = [];
  const s = shared.get(ref.coordinate);
  if (s && s.keeper !== rowKey(ref)) out.push('shared-coordinate');
  if (isWorkspaceMismatch(ref)) out.push('workspace-mismatch');
  if (legacy.has(ref.coordinate)) out.push('legacy-name');
  return out;
}

/**
 * The references to act on and how. With categories: those with one of the problems. Without:
 * every filtered reference is rotated, to the next version of its base when the base is right
 * (as Airbyte does on an update), else to a new base.
 */
export function selectReferences(refs: readonly Reference[], options: SelectOptions = {}): Selected[] {
  const shared = sharedCoordinates(refs);
  const legacy = options.legacy ?? new Set<string>();
  const out: Selected[] = [];
  for (const reference of [...refs].sort(order)) {
    if (options.filter && !matchesFilter(reference, options.filter)) continue;
    const problems = problemsOf(reference, shared, legacy);
    const moves = problems.includes('shared-coordinate') || problems.includes('workspace-mismatch');
    const wanted = options.categories;
    if (wanted) {
      const categories = problems.filter((p) => wanted.includes(p));
      if (categories.length === 0) continue;
      const fix: Fix =
        categories.includes('shared-coordinate') || categories.includes('workspace-mismatch')
          ? 'new-base'
          : 'full-name';
      out.push({ reference, categories, fix });
    } else {
      out.push({ reference, categories: problems, fix: moves ? 'new-base' : 'new-version' });
    }
  }
  return out;
}
