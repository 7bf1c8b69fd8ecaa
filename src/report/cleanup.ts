import type { CleanupResult, UndoCleanupResult } from '../migrate/cleanup.js';
import type { RollbackResult } from '../migrate/rollback.js';
import { renderCleanup, renderRollback } from './migration.js';
import { cleanText } from './text.js';

/** `cleanup`: the counts and kept secrets, then what the deletion relied on and where it is journaled. */
export function renderCleanupRun(r: CleanupResult): string {
  return [
    renderCleanup(r),
    ...(r.evidence ? [`Airbyte uses ${cleanText(r.current)}: from ${cleanText(r.evidence)}`] : []),
    ...(r.runId
      ? [
          `Deletions journaled as run ${r.runId}: 'runs show ${r.runId}' lists them, 'cleanup --undo ${r.runId}' puts them back`,
        ]
      : []),
  ].join('\n');
}

export function renderUndoCleanup(r: UndoCleanupResult): string {
  return [
    `Undo of cleanup ${r.runId} in ${cleanText(r.old)}: ${r.restored} restored, ${r.present} already there, ${r.failed.length} failed`,
    ...r.failed.map((f) => `  failed ${f.coordinate}: ${cleanText(f.reason)}`),
  ].join('\n');
}

/** `rollback`: rows restored and refused, then created secrets deleted and those kept because still referenced. */
export function renderRollbackRun(r: RollbackResult): string {
  const kept = r.keptReferenced ?? [];
  return [
    ...(r.dryRun ? ['Dry run: nothing was changed. A rollback would do this:'] : []),
    renderRollback(r),
    ...(r.dryRun ? r.deleted.map((d) => `  would delete ${d.coordinate} from ${d.store}`) : []),
    ...(kept.length ? [`${kept.length} created secret(s) kept: a configuration still references them`] : []),
  ].join('\n');
}
