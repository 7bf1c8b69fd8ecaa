import type { ItemRow, Journal } from '../journal/index.js';

/** What a plan item of any run carries into the journal (identities only). */
export interface PlannedItem {
  key: string;
  action: ItemRow['action'];
  reason?: string | undefined;
  holder?: string | undefined;
  rowId?: string | undefined;
  path?: string | undefined;
  workspaceId: string | null;
  coordinate?: string | undefined;
}

/**
 * Journals every planned item, with the coordinate it will use, before the first store write, so
 * a run killed at any point resumes with the same names. Skips are already verified; conflicts
 * wait for a human.
 */
export function journalPlannedItems(
  journal: Journal,
  runId: string,
  items: readonly PlannedItem[],
): Promise<void> {
  return journal.upsertItems(
    runId,
    items.map((i) => ({
      item_key: i.key,
      action: i.action,
      state: i.action === 'skip' ? 'verified' : i.action === 'conflict' ? 'conflict' : 'pending',
      holder: i.holder ?? null,
      row_id: i.rowId ?? null,
      path: i.path ?? null,
      workspace_id: i.workspaceId,
      coordinate: i.coordinate ?? null,
      reason: i.reason ?? null,
    })),
  );
}

/** An item that failed or needs a human, as commands print it (no value, ever). */
export interface ItemProblem {
  key: string;
  action: ItemRow['action'];
  state: ItemRow['state'];
  reason: string | null;
  coordinate?: string;
  path?: string;
  rowId?: string;
}

export interface RunOutcome {
  /** Items by final state. */
  states: Record<string, number>;
  problems: ItemProblem[];
  /** Whether anything failed or was left pending (the run is then `failed`, and resumable). */
  failed: boolean;
}

/**
 * Closes a run in the journal from its items' states: counts by state, the items that failed,
 * conflicted or were superseded, and the run's final state.
 */
export async function finishRunFromItems(
  journal: Journal,
  runId: string,
  include: (itemKey: string) => boolean,
): Promise<RunOutcome> {
  const rows = (await journal.items(runId)).filter((r) => include(r.item_key));
  const states: Record<string, number> = {};
  for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
  const problems = rows
    .filter((r) => r.state === 'failed' || r.state === 'conflict' || r.state === 'superseded')
    .map((r) => ({
      key: r.item_key,
      action: r.action,
      state: r.state,
      reason: r.reason,
      ...(r.coordinate ? { coordinate: r.coordinate } : {}),
      ...(r.path ? { path: r.path } : {}),
      ...(r.row_id ? { rowId: r.row_id } : {}),
    }));
  const failed = rows.some((r) => r.state === 'failed' || r.state === 'pending' || r.state === 'writing');
  await journal.finishRun(runId, failed ? 'failed' : 'completed', states);
  return { states, problems, failed };
}
