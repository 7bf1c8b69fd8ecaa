import type { RekeyItem, RekeyPlan, RekeyResult } from '../rekey/types.js';
import { renderRunOutcome, renderVerify } from './migration.js';
import { alignColumns, cleanText } from './text.js';

const ACTION_TEXT: Record<RekeyItem['action'], string> = {
  rekey: 'move to a new coordinate',
  copy: 'write the full name (legacy)',
  reencrypt: 'new key / tags',
  skip: 'nothing to do',
  conflict: 'needs a human',
};

function where(i: RekeyItem): string {
  return i.rowId ? `${i.holder}/${i.rowId} ${i.path ?? ''} ${cleanText(i.name ?? '')}`.trim() : '';
}

/** The dry-run plan: counts by action and category, every move (old -> new), and every conflict. */
export function renderRekeyPlan(plan: RekeyPlan): string {
  const out = [
    `Re-key plan on ${cleanText(plan.store)} (${plan.mode}${plan.categories.length ? `: ${plan.categories.join(', ')}` : ''}; dry run: nothing was written)`,
  ];
  if (plan.items.length === 0) out.push('Nothing to do.');
  else {
    out.push(
      '',
      ...alignColumns([
        ['ACTION', 'CATEGORY', 'COUNT'],
        ...plan.summary.map((s) => [ACTION_TEXT[s.action], s.category, String(s.count)]),
      ]),
    );
  }
  const changes = plan.items.filter(
    (i) => i.action === 'rekey' || i.action === 'copy' || i.action === 'reencrypt',
  );
  if (changes.length) {
    out.push(
      '',
      ...alignColumns([
        ['ACTION', 'FROM', 'TO', 'WHERE'],
        ...changes.map((i) => [
          i.action,
          i.from ?? i.coordinate ?? '',
          i.action === 'rekey'
            ? (i.coordinate ??
              `airbyte_${i.newBase?.prefix ?? ''}${i.newBase?.baseId ?? ''}_secret_<new uuid>_v1`)
            : (i.coordinate ?? ''),
          where(i),
        ]),
      ]),
    );
  }
  const conflicts = plan.items.filter((i) => i.action === 'conflict');
  if (conflicts.length) {
    out.push(
      '',
      'Needs a human:',
      ...conflicts.map((c) => `  ${c.from ?? c.coordinate ?? ''} ${where(c)}: ${cleanText(c.reason ?? '')}`),
    );
  }
  for (const n of plan.notes) out.push(`Note: ${n}`);
  return out.join('\n');
}

export function renderRekeyResult(r: RekeyResult): string {
  const [head, ...problems] = renderRunOutcome('Re-key run', r);
  const out = [head];
  if (r.keys)
    out.push(
      `Keys and tags: ${r.keys.changed} changed, ${r.keys.already} already as asked, ${r.keys.failed} failed`,
    );
  if (r.deleted.length) {
    out.push(`Old names: ${r.deleted.map((d) => `${d.coordinate} ${d.outcome}`).join(', ')}`);
  }
  if (r.keptOld.length)
    out.push(`Old names kept: ${r.keptOld.map((k) => `${k.coordinate} (${k.reason})`).join(', ')}`);
  out.push(...problems);
  for (const n of r.plan.notes) out.push(`Note: ${n}`);
  out.push('', renderVerify(r.verification));
  // Rollback restores rows; a key or tag change is undone by re-keying with the old key.
  if (r.states.rewritten) {
    out.push(
      '',
      `Undo with: airbyte-secrets rollback ${r.runId} --to ${r.store.kind} (and this store's flags)`,
    );
  }
  return out.join('\n');
}
