import { parseCoordinate, withVersion } from '../airbyte/coordinates.js';
import type { HolderRow } from '../airbyte/types.js';
import { coordinateBaseFor, mintCoordinate } from '../engine/coordinates.js';
import { StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { type Reference, referencesOf, type Selected } from './select.js';
import type {
  InPlaceItem,
  LegacyNameItem,
  ReadyMoveItem,
  RekeyItem,
  RekeyKeyOptions,
  RekeyPlan,
} from './types.js';

export const rekeyKey = (r: Pick<Reference, 'holder' | 'rowId' | 'path'>) =>
  `rekey:${r.holder}:${r.rowId}:${r.path}`;
export const nameKey = (coordinate: string) => `name:${coordinate}`;
export const keysKey = (coordinate: string) => `keys:${coordinate}`;

/** Every movable reference in the inventory (identities and reference nodes only, never a value). */
export async function collectReferences(rows: AsyncIterable<HolderRow>): Promise<Reference[]> {
  const out: Reference[] = [];
  for await (const row of rows) out.push(...referencesOf(row));
  return out;
}

/**
 * The legacy AWS names among `coordinates`: the full name is absent while the base name (no
 * `_vN`) exists, which is where Airbyte's read falls back to. Metadata reads only (DescribeSecret).
 */
export async function probeLegacyNames(
  store: SecretStore,
  coordinates: Iterable<string>,
  concurrency: number,
): Promise<Set<string>> {
  const legacy = new Set<string>();
  if (!store.capabilities.baseNameFallback) return legacy;
  await forEachConcurrent(new Set(coordinates), concurrency, async (coordinate) => {
    const base = parseCoordinate(coordinate).base;
    if (!base) return;
    try {
      if ((await store.describe(coordinate)).state !== 'absent') return;
      if ((await store.describe(base)).state === 'active') legacy.add(coordinate);
    } catch (err) {
      // An unreadable name is reported by the value probe; it is not a legacy name we can fix.
      if (!(err instanceof StoreError)) throw err;
    }
  });
  return legacy;
}

export type ValueProbe = { state: 'ok' } | { state: 'missing' } | { state: 'unreadable'; detail: string };

/** Whether each coordinate has a (non-blank) value as Airbyte reads it. The value is dropped at once. */
export async function probeValues(
  store: SecretStore,
  coordinates: Iterable<string>,
  concurrency: number,
): Promise<Map<string, ValueProbe>> {
  const out = new Map<string, ValueProbe>();
  await forEachConcurrent(new Set(coordinates), concurrency, async (coordinate) => {
    try {
      const value = await store.read(coordinate, { asAirbyte: true });
      out.set(coordinate, value && !value.isBlank ? { state: 'ok' } : { state: 'missing' });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      out.set(coordinate, { state: 'unreadable', detail: err.message });
    }
  });
  return out;
}

/**
 * The next free version of each base for rotated references, as Airbyte numbers an update
 * (`_v{N+1}`): above every version any row references, and not already a name in the store
 * (an orphan left there is never overwritten). Metadata reads only.
 */
export async function nextVersions(
  store: SecretStore,
  rotated: readonly Reference[],
  all: readonly Reference[],
): Promise<Map<string, string>> {
  const highest = new Map<string, number>();
  for (const r of all) {
    const c = parseCoordinate(r.coordinate);
    if (c.base !== undefined && c.version !== undefined)
      highest.set(c.base, Math.max(highest.get(c.base) ?? 0, c.version));
  }
  const chosen = new Map<string, string>();
  for (const r of rotated) {
    const c = parseCoordinate(r.coordinate);
    const { base, version: current } = c;
    // Only versioned coordinates are rotated to a next version (selectReferences sees to it).
    if (base === undefined || current === undefined) continue;
    let version = (highest.get(base) ?? current) + 1;
    // Fifty names in a row taken: give up on this base (the reference then moves to a new one).
    for (let tries = 0; tries < 50; tries++, version++) {
      const candidate = withVersion(c, version).full;
      if ((await store.describe(candidate)).state === 'absent') {
        chosen.set(rekeyKey(r), candidate);
        highest.set(base, version);
        break;
      }
    }
  }
  return chosen;
}

export interface DecideInputs {
  all: readonly Reference[];
  selected: readonly Selected[];
  values: Map<string, ValueProbe>;
  /** Rotation targets chosen by `nextVersions`, by item key. */
  versions: Map<string, string>;
  /** Item keys to coordinates an unfinished run already chose (resume writes the same names). */
  reuse: Map<string, string>;
}

/** The pure part: selected references and probe verdicts give the moves, legacy-name fixes and conflicts. */
export function decideMoves(inputs: DecideInputs): RekeyItem[] {
  const items: RekeyItem[] = [];
  const names = new Map<string, Selected[]>();
  const moving = new Set<string>();
  for (const s of inputs.selected) {
    const ref = s.reference;
    if (s.fix === 'full-name') {
      names.set(ref.coordinate, [...(names.get(ref.coordinate) ?? []), s]);
      continue;
    }
    const key = rekeyKey(ref);
    const base = {
      key,
      categories: s.categories,
      fix: s.fix,
      holder: ref.holder,
      rowId: ref.rowId,
      path: ref.path,
      workspaceId: ref.workspaceId,
      name: ref.name,
      from: ref.coordinate,
    };
    const probe = inputs.values.get(ref.coordinate) ?? { state: 'ok' };
    if (probe.state !== 'ok') {
      items.push({ ...base, action: 'conflict', reason: conflictReason(ref.coordinate, probe) });
      continue;
    }
    moving.add(key);
    const coordinate =
      inputs.reuse.get(key) ?? (s.fix === 'new-version' ? inputs.versions.get(key) : undefined);
    items.push({
      ...base,
      action: 'rekey',
      node: ref.node,
      ...(ref.referenceId !== undefined ? { referenceId: ref.referenceId } : {}),
      ...(s.fix === 'new-base' || !coordinate ? { newBase: coordinateBaseFor(ref) } : {}),
      ...(coordinate ? { coordinate } : {}),
    });
  }
  for (const [coordinate, refs] of names) {
    // Only coordinates with a base name are selected as legacy names.
    const base = parseCoordinate(coordinate).base ?? coordinate;
    const stays = inputs.all.some((r) => r.coordinate === coordinate && !moving.has(rekeyKey(r)));
    const item: LegacyNameItem = {
      key: nameKey(coordinate),
      action: 'copy',
      categories: ['legacy-name'],
      workspaceId: refs[0]?.reference.workspaceId ?? null,
      coordinate,
      from: base,
    };
    const probe = inputs.values.get(coordinate) ?? { state: 'ok' };
    if (!stays)
      items.push({ ...item, action: 'skip', reason: 'every reference to it moves to a new coordinate' });
    else if (probe.state !== 'ok')
      items.push({ ...item, action: 'conflict', reason: conflictReason(coordinate, probe) });
    else items.push(item);
  }
  return items;
}

function conflictReason(coordinate: string, probe: ValueProbe): string {
  return probe.state === 'missing'
    ? `missing-source: the store has no value for ${coordinate}`
    : `unreadable: ${probe.state === 'unreadable' ? probe.detail : ''}`;
}

/**
 * Gives every move to a new base its coordinate (kept from an earlier attempt, or minted now, as
 * Airbyte would), in place, and returns the moves, all with a coordinate.
 */
export function assignNewBases(items: RekeyItem[], newUuid?: () => string): ReadyMoveItem[] {
  const ready: ReadyMoveItem[] = [];
  for (const item of items) {
    if (item.action !== 'rekey') continue;
    if (item.coordinate) ready.push(Object.assign(item, { coordinate: item.coordinate }));
    else if (item.newBase)
      ready.push(Object.assign(item, { coordinate: mintCoordinate(item.newBase, newUuid) }));
    // decideMoves gives a move without a chosen coordinate a base to mint it under.
    else throw new Error(`bug: move ${item.key} has neither a coordinate nor a base to mint one`);
  }
  return ready;
}

/**
 * Key and tag items for the coordinates the filtered references keep (moved references get theirs
 * after the move). `skip` when the secret already has the key and tags. Metadata reads only.
 */
export async function decideKeyItems(
  store: SecretStore,
  kept: ReadonlyArray<{ coordinate: string; workspaceId: string | null }>,
  keys: RekeyKeyOptions,
  concurrency: number,
): Promise<RekeyItem[]> {
  const items: RekeyItem[] = [];
  const seen = new Map(kept.map((k) => [k.coordinate, k.workspaceId]));
  await forEachConcurrent(seen, concurrency, async ([coordinate, workspaceId]) => {
    const item: InPlaceItem = {
      key: keysKey(coordinate),
      action: 'reencrypt',
      categories: [],
      workspaceId,
      coordinate,
    };
    try {
      const d = await store.describe(coordinate);
      if (d.state === 'absent')
        items.push({ ...item, action: 'conflict', reason: `missing-source: no secret named ${coordinate}` });
      else if (d.state !== 'active')
        items.push({ ...item, action: 'conflict', reason: `${coordinate} is scheduled for deletion` });
      else if (alreadyKeyed(d, keys))
        items.push({ ...item, action: 'skip', reason: 'already uses the key and tags' });
      else items.push(item);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      items.push({ ...item, action: 'conflict', reason: `unreadable: ${err.message}` });
    }
  });
  return items.sort((a, b) => a.key.localeCompare(b.key));
}

function alreadyKeyed(
  d: { kmsKeyId?: string; tags?: Record<string, string> },
  keys: RekeyKeyOptions,
): boolean {
  if (keys.kmsKeyId !== undefined && d.kmsKeyId !== (keys.kmsKeyId ?? undefined)) return false;
  if (keys.tags) {
    const tags = d.tags ?? {};
    if (Object.entries(keys.tags).some(([k, v]) => tags[k] !== v)) return false;
    const wanted = keys.tags;
    if (keys.replaceTags && Object.keys(tags).some((k) => !Object.hasOwn(wanted, k))) return false;
  }
  return true;
}

export function summarizeRekey(items: RekeyItem[]): Pick<RekeyPlan, 'summary' | 'byCategory'> {
  const rows = new Map<string, RekeyPlan['summary'][number]>();
  const byCategory: RekeyPlan['byCategory'] = {};
  for (const item of items) {
    const category = item.categories.join('+') || (item.action === 'rekey' ? 'rotate' : '');
    const k = `${item.action}/${category}`;
    const row = rows.get(k) ?? { action: item.action, category, count: 0 };
    row.count += 1;
    rows.set(k, row);
    if (item.action === 'rekey') for (const c of item.categories) byCategory[c] = (byCategory[c] ?? 0) + 1;
  }
  const order = ['rekey', 'copy', 'reencrypt', 'skip', 'conflict'];
  return {
    summary: [...rows.values()].sort(
      (a, b) => order.indexOf(a.action) - order.indexOf(b.action) || a.category.localeCompare(b.category),
    ),
    byCategory,
  };
}
