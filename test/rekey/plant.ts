import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { formatCoordinate, parseCoordinate } from '../../src/airbyte/coordinates.js';
import { readInventory } from '../../src/airbyte/inventory.js';
import { parsePath } from '../../src/airbyte/json-path.js';
import { type Reference, referencesOf } from '../../src/rekey/select.js';
import type { SecretStore } from '../../src/stores/types.js';

/** The problems planted on a seeded database whose values are in `store`, by location. */
export interface PlantedProblems {
  /** Rows made to share another row's coordinate (same workspace, plain `_secret`). */
  sharedSameWorkspace: Reference;
  /** A row in another workspace made to share the same coordinate (shared and mismatched). */
  sharedOtherWorkspace: Reference;
  /** The row whose coordinate the two above now share (it keeps it). */
  keeper: Reference;
  /** A row whose secret_reference was pointed at another row's secret_config (shared through reference ids). */
  sharedByReference?: Reference;
  /** A row whose coordinate names another workspace. */
  mismatch: Reference;
  /** AWS only: a row whose full name was replaced by the base name in the store. */
  legacy?: Reference;
}

export async function references(pool: pg.Pool): Promise<Reference[]> {
  const out: Reference[] = [];
  for await (const row of readInventory(pool)) out.push(...referencesOf(row));
  return out;
}

async function setNode(pool: pg.Pool, ref: Reference, node: unknown): Promise<void> {
  const keys = parsePath(ref.path).map((s) =>
    s.type === 'key' ? s.key : s.type === 'index' ? String(s.index) : '*',
  );
  await pool.query(
    'UPDATE actor SET configuration = jsonb_set(configuration, $2::text[], $3::jsonb) WHERE id = $1',
    [ref.rowId, keys, JSON.stringify(node)],
  );
}

/**
 * Plants each problem with SQL updates on actors (and store writes where the store must hold a
 * value under a new name), the way an old Airbyte bug, a copied config or a manual restore would.
 */
export async function plantProblems(
  pool: pg.Pool,
  store: SecretStore,
  options: { legacy: boolean },
): Promise<PlantedProblems> {
  const refs = (await references(pool)).filter((r) => r.holder === 'actor');
  const plain = refs.filter((r) => Object.keys(r.node).length === 1 && r.node._secret !== undefined);
  const byWorkspace = new Map<string, Reference[]>();
  for (const r of plain) byWorkspace.set(r.workspaceId!, [...(byWorkspace.get(r.workspaceId!) ?? []), r]);
  const [w1, w2, w3] = [...byWorkspace.keys()].sort();
  const inW1 = distinctRows(byWorkspace.get(w1!)!);
  const inW2 = distinctRows(byWorkspace.get(w2!)!);
  const keeper = inW1[0]!;
  const sharedSameWorkspace = inW1[1]!;
  const sharedOtherWorkspace = inW2[0]!;
  // The keeper is the first row by id among those whose workspace matches.
  const [first, second] = [keeper, sharedSameWorkspace].sort((a, b) => a.rowId.localeCompare(b.rowId));
  await setNode(pool, second!, { _secret: first!.coordinate });
  await setNode(pool, sharedOtherWorkspace, { _secret: first!.coordinate });

  const mismatch = inW2[1]!;
  const value = await store.read(mismatch.coordinate);
  const foreign = formatCoordinate({ prefix: 'workspace_', baseId: w3!, uuid: randomUUID(), version: 1 });
  await store.write(foreign, value!);
  await setNode(pool, mismatch, { _secret: foreign });

  const withRefs = refs.filter((r) => r.referenceId && r.node._secret !== undefined);
  let sharedByReference: Reference | undefined;
  const refOwner = withRefs[0];
  const refSharer = withRefs.find(
    (r) => r.rowId !== refOwner?.rowId && r.workspaceId === refOwner?.workspaceId,
  );
  if (refOwner && refSharer) {
    await pool.query(
      `UPDATE secret_reference SET secret_config_id = (SELECT secret_config_id FROM secret_reference WHERE id = $2)
        WHERE id = $1`,
      [refSharer.referenceId, refOwner.referenceId],
    );
    await setNode(pool, refSharer, { ...refSharer.node, _secret: refOwner.coordinate });
    sharedByReference = refSharer;
  }

  let legacy: Reference | undefined;
  if (options.legacy) {
    const used = new Set([first!.rowId, second!.rowId, sharedOtherWorkspace.rowId, mismatch.rowId]);
    legacy = plain.find((r) => !used.has(r.rowId) && parseCoordinate(r.coordinate).version !== undefined)!;
    const v = await store.read(legacy.coordinate);
    await store.write(parseCoordinate(legacy.coordinate).base!, v!);
    await store.delete(legacy.coordinate, { hard: true });
  }
  return {
    keeper: first!,
    sharedSameWorkspace: second!,
    sharedOtherWorkspace,
    mismatch: { ...mismatch, coordinate: foreign },
    ...(sharedByReference ? { sharedByReference } : {}),
    ...(legacy ? { legacy } : {}),
  };
}

function distinctRows(refs: Reference[]): Reference[] {
  const seen = new Set<string>();
  return [...refs]
    .sort((a, b) => a.rowId.localeCompare(b.rowId))
    .filter((r) => {
      if (seen.has(r.rowId)) return false;
      seen.add(r.rowId);
      return true;
    });
}
