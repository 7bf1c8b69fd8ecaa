import type { ItemProblem } from '../engine/items.js';
import type { RunRow } from '../journal/index.js';
import type { CleanupResult } from '../migrate/cleanup.js';
import type { MigrationPlan, MigrationResult, VerifyResult } from '../migrate/index.js';
import type { RollbackResult } from '../migrate/rollback.js';
import type { Colour } from './terminal.js';
import { alignColumns, cleanText, humanDuration } from './text.js';

/** The dry-run plan: actions by kind, by workspace, the estimate, and every conflict. */
export function renderPlan(plan: MigrationPlan, status = 'dry run: nothing was written'): string {
  const e = plan.estimate;
  const out = [
    `Plan: ${cleanText(plan.source)} -> ${cleanText(plan.target)} (${status})`,
    '',
    ...alignColumns([
      ['ACTION', 'REASON', 'COUNT'],
      ...plan.summary.map((s) => [s.action, s.reason ?? '', String(s.count)]),
    ]),
    '',
    ...alignColumns([
      ['WORKSPACE', 'COPY', 'EXTRACT', 'SKIP', 'CONFLICT'],
      ...plan.byWorkspace.map((w) => [
        w.workspaceId ?? '(none)',
        String(w.copy),
        String(w.extract),
        String(w.skip),
        String(w.conflict),
      ]),
    ]),
    '',
    `Estimate: ${e.targetWrites} target writes at ${Number.isFinite(e.targetWriteRate) ? `${e.targetWriteRate}/s` : 'no quota'}, ` +
      `concurrency ${e.concurrency}, measured round trip ${e.roundTripMs} ms: about ${humanDuration(e.seconds)}`,
  ];
  const conflicts = plan.items.filter((i) => i.action === 'conflict');
  if (conflicts.length) {
    out.push('', 'Needs a human:');
    out.push(
      ...alignColumns([
        ['REASON', 'WHERE', 'COORDINATE'],
        ...conflicts.map((c) => [
          c.reason ?? '',
          c.rowId ? `${c.holder}/${c.rowId} ${cleanText(c.name ?? '')}` : `${c.references ?? 0} reference(s)`,
          c.coordinate ?? '',
        ]),
      ]).map((l) => `  ${l}`),
    );
  }
  return out.join('\n');
}

export function renderVerify(v: VerifyResult): string {
  const out = [
    `Verify against ${cleanText(v.store)}${v.compareStore ? ` (compared with ${cleanText(v.compareStore)})` : ''}: ` +
      `${v.resolved}/${v.coordinates} coordinates resolve (${v.references} references)` +
      (v.identical !== undefined ? `, ${v.identical} identical` : ''),
  ];
  if (v.failures.length) {
    out.push(
      `${v.failures.length} problem(s):`,
      ...alignColumns([
        ['PROBLEM', 'COORDINATE', 'WHERE'],
        ...v.failures.map((f) => [
          f.problem,
          f.coordinate,
          `${f.holder ?? ''}/${f.rowId ?? ''} ${f.path ?? ''} ${cleanText(f.name ?? '')}${f.detail ? ` (${cleanText(f.detail)})` : ''}`,
        ]),
      ]).map((l) => `  ${l}`),
    );
  } else out.push('Every reference resolves.');
  if (v.warnings.length) {
    out.push(
      `${v.warnings.length} node(s) hold only _secret_reference_id: with default feature flags Airbyte does not hydrate them (platform.read-secret-reference-ids-in-configs):`,
      ...alignColumns([
        ['COORDINATE', 'WHERE'],
        ...v.warnings.map((w) => [w.coordinate, `${w.holder}/${w.rowId} ${w.path} ${cleanText(w.name)}`]),
      ]).map((l) => `  ${l}`),
    );
  }
  return out.join('\n');
}

/** The first lines of a finished run: its item states, then every item that failed or needs a human. */
export function renderRunOutcome(
  label: string,
  r: { runId: string; resumed: boolean; states: Record<string, number>; problems: ItemProblem[] },
): [string, ...string[]] {
  const states = Object.entries(r.states)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const out: [string, ...string[]] = [
    `${label} ${r.runId}${r.resumed ? ' (resumed)' : ''}: ${states || 'nothing to do'}`,
  ];
  if (r.problems.length) {
    out.push(
      `${r.problems.length} item(s) failed or need a human:`,
      ...alignColumns([
        ['STATE', 'ACTION', 'ITEM', 'REASON'],
        ...r.problems.map((p) => [p.state, p.action, p.coordinate ?? p.key, cleanText(p.reason ?? '')]),
      ]).map((l) => `  ${l}`),
    );
  }
  return out;
}

export function renderMigration(r: MigrationResult): string {
  return [...renderRunOutcome('Run', r), '', renderVerify(r.verification)].join('\n');
}

/** One line per run; a run not over (running, interrupted, failed) shows its items per state. */
export function renderRuns(runs: Array<RunRow & { itemStates?: Record<string, number> }>): string {
  if (runs.length === 0) return 'No runs in the journal.';
  return alignColumns(
    [
      ['RUN', 'KIND', 'STATE', 'STARTED', 'FROM', 'TO', 'ITEMS'],
      ...runs.map((r) => [
        r.id,
        r.kind,
        r.state,
        r.started_at.toISOString(),
        r.source_kind,
        r.target_kind,
        Object.entries(r.itemStates ?? r.counts ?? {})
          .map(([k, n]) => `${n} ${k}`)
          .join(', '),
      ]),
    ],
    { paint: (column, cell) => (column === 2 ? stateColour(cell) : null) },
  ).join('\n');
}

/** A run's state on a terminal: done green, needing a human red, still open yellow. */
function stateColour(state: string): Colour | null {
  if (state === 'completed') return 'green';
  if (state === 'failed') return 'red';
  if (state === 'running' || state === 'interrupted') return 'yellow';
  return null;
}

export function renderRollback(r: RollbackResult): string {
  const out = [
    `Rollback of ${r.runId}: ${r.restored} row(s) restored, ${r.alreadyRolledBack} already rolled back, ${r.refused.length} refused`,
  ];
  for (const x of r.refused) out.push(`  refused ${x.holder}/${x.rowId}: ${x.reason}`);
  if (r.deleted.length) {
    const failed = r.deleted.filter((d) => d.outcome === 'failed').length;
    out.push(`${r.deleted.length - failed} created secret(s) deleted${failed ? `, ${failed} failed` : ''}`);
  }
  if (r.restoredKeys?.length) {
    const failed = r.restoredKeys.filter((k) => k.outcome === 'failed');
    out.push(
      `${r.restoredKeys.length - failed.length} secret(s) back on the encryption key they had before the run${failed.length ? `, ${failed.length} failed` : ''}`,
    );
    for (const k of failed) out.push(`  key not restored: ${k.coordinate}`);
  }
  return out.join('\n');
}

export function renderCleanup(r: CleanupResult): string {
  const verb = r.applied ? 'deleted' : 'would delete (dry run; pass --yes to act)';
  const out = [
    `Cleanup of ${cleanText(r.old)} (verified against ${cleanText(r.current)}): ${verb} ${r.applied ? r.deleted : r.removable}, ` +
      `kept ${r.kept.length}, not present ${r.absent}`,
  ];
  for (const k of r.kept.slice(0, 50)) out.push(`  kept ${k.coordinate}: ${cleanText(k.reason)}`);
  if (r.kept.length > 50) out.push(`  … and ${r.kept.length - 50} more (see --json)`);
  return out.join('\n');
}

/** What `plan --out` and `plan --format --output` wrote, after the plan itself. */
export function renderSavedFiles(saved: { plan?: string; apply?: string; report?: string }): string {
  const lines: string[] = [];
  if (saved.plan) {
    lines.push(`Saved the plan to ${cleanText(saved.plan)} (no values). Apply exactly it with:`);
    if (saved.apply) lines.push(`  ${cleanText(saved.apply)}`);
  }
  if (saved.report) lines.push(`Wrote the change-review report to ${cleanText(saved.report)}`);
  return lines.length ? `\n\n${lines.join('\n')}` : '';
}
