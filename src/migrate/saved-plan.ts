import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import { assignCoordinates } from './execute.js';
import type { PlanItems } from './plan-items.js';
import type { RowDigest } from './plan-table.js';
import type { MigrationPlan, PlanItem } from './types.js';

export const SAVED_PLAN_FORMAT = 'airbyte-secrets/migration-plan';

/**
 * A plan saved by `plan --out`, applied exactly by `migrate --plan`: the stores (kind and
 * description, never a credential), every row read with the sha256 of its configuration text,
 * and every action with its coordinates and paths (new coordinates chosen already). No value.
 */
export interface SavedPlan extends Omit<MigrationPlan, 'items'> {
  items: PlanItem[];
  format: typeof SAVED_PLAN_FORMAT;
  version: 1;
  createdAt: string;
  stores: { source: StoreIdentity; target: StoreIdentity };
  rows: RowDigest[];
}

interface StoreIdentity {
  kind: string;
  description: string;
}

const identity = (store: SecretStore): StoreIdentity => ({
  kind: store.kind,
  description: store.description,
});

/** The plan to save: the new coordinates are chosen now, so applying it writes exactly these names. */
export function savedPlanOf(
  read: { plan: MigrationPlan; rows: Iterable<RowDigest> | undefined },
  source: SecretStore,
  target: SecretStore,
  newUuid?: () => string,
): SavedPlan {
  const items = read.plan.items.map((i) => ({ ...i }));
  assignCoordinates(items, newUuid);
  return {
    format: SAVED_PLAN_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    stores: { source: identity(source), target: identity(target) },
    ...read.plan,
    items,
    rows: [...digestsOf(read.rows)],
  };
}

/** A plan read without its row digests cannot be saved or checked: a bug, not the user's. */
function digestsOf(rows: Iterable<RowDigest> | undefined): Iterable<RowDigest> {
  if (!rows) throw new Error('the plan was read without row digests (readPlan rowDigests)');
  return rows;
}

/** Reads a saved plan file's text; anything else is a one-line usage error. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  let parsed: Partial<SavedPlan>;
  try {
    parsed = JSON.parse(text) as Partial<SavedPlan>;
  } catch {
    throw new UsageError(
      `${file} is not a saved plan (not JSON): write one with 'airbyte-secrets plan --out ${file}'`,
    );
  }
  if (
    parsed?.format !== SAVED_PLAN_FORMAT ||
    parsed.version !== 1 ||
    !Array.isArray(parsed.rows) ||
    !Array.isArray(parsed.items) ||
    !parsed.stores
  ) {
    throw new UsageError(`${file} is not a saved plan of this tool (format ${SAVED_PLAN_FORMAT} version 1)`);
  }
  return parsed as SavedPlan;
}

/** Extract keys to the coordinates the saved plan chose. */
export function reuseOf(saved: SavedPlan): Map<string, string> {
  const reuse = new Map<string, string>();
  for (const item of saved.items) {
    if (item.action === 'extract' && item.coordinate) reuse.set(item.key, item.coordinate);
  }
  return reuse;
}

const MAX_NAMED = 10;

/** Refuses (one line, exit 2) a saved plan made for other stores, before anything is read. */
export function checkSavedStores(saved: SavedPlan, source: SecretStore, target: SecretStore): void {
  const stores = { source: identity(source), target: identity(target) };
  for (const side of ['source', 'target'] as const) {
    const was = saved.stores[side];
    const is = stores[side];
    if (was.kind !== is.kind || was.description !== is.description) {
      throw new UsageError(
        `Refusing the saved plan: it was made for ${side} ${was.description}, not ${is.description}; run 'plan --out' again`,
      );
    }
  }
}

/**
 * Refuses (one line, exit 2) when what was read now differs from what the saved plan read in a way
 * that alters it: a row whose configuration changed, appeared or disappeared, or an action that
 * came out differently (a store changed). Names the rows or items.
 */
export function checkSavedPlan(
  saved: SavedPlan,
  now: { plan: MigrationPlan; rows: Iterable<RowDigest> | undefined },
): void {
  const changes = rowChanges(saved.rows, digestsOf(now.rows));
  if (changes.length) {
    throw new UsageError(
      `Refusing the saved plan: the database changed since it was made (${named(changes)}); run 'plan --out' again`,
    );
  }
  const actions = actionChanges(saved.items, now.plan.items);
  if (actions.length) {
    throw new UsageError(
      `Refusing the saved plan: the stores changed since it was made (${named(actions)}); run 'plan --out' again`,
    );
  }
}

function rowChanges(was: RowDigest[], is: Iterable<RowDigest>): string[] {
  const key = (r: RowDigest) => `${r.holder}:${r.rowId}`;
  const before = new Map(was.map((r) => [key(r), r.sha256]));
  const after = new Map(Array.from(is, (r) => [key(r), r.sha256]));
  const out: string[] = [];
  for (const [k, sha] of after) {
    const old = before.get(k);
    if (old === undefined) out.push(`${k} appeared`);
    else if (old !== sha) out.push(`${k} changed`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`${k} disappeared`);
  return out;
}

function actionChanges(was: PlanItem[], is: PlanItems): string[] {
  const verdict = (i: PlanItem) => (i.action === 'conflict' ? `conflict/${i.reason}` : i.action);
  const before = new Map(was.map((i) => [i.key, verdict(i)]));
  const after = new Map(is.map((i) => [i.key, verdict(i)]));
  const out: string[] = [];
  for (const [k, v] of after) {
    const old = before.get(k);
    if (old === undefined) out.push(`${k} is new (${v})`);
    else if (old !== v) out.push(`${k} was ${old}, now ${v}`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`${k} is gone`);
  return out;
}

function named(list: string[]): string {
  const shown = list.slice(0, MAX_NAMED).join(', ');
  return list.length > MAX_NAMED ? `${shown} and ${list.length - MAX_NAMED} more` : shown;
}
