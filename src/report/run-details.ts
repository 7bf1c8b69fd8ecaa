import type { RunDetails } from '../journal/recorded-runs.js';
import { renderRuns } from './migration.js';
import { alignColumns, cleanText } from './text.js';

/** Item states a human has to look at. */
const PROBLEM_STATES = ['failed', 'conflict', 'superseded', 'pending'];

/** `runs show`: the run's line, its stores and operator, counts by action and state, then every problem. */
export function renderRunDetails({ run, counts, items }: RunDetails): string {
  const problems = items.filter((i) => PROBLEM_STATES.includes(i.state));
  // Deletions (cleanup, rollback --delete-created) are listed by coordinate: what --undo can bring back.
  const deletions = items.filter(
    (i) => i.action === 'delete' && (i.state === 'deleted' || i.state === 'restored'),
  );
  return [
    renderRuns([run]),
    cleanText(`from ${run.source_store} to ${run.target_store}, by ${run.started_by}`),
    '',
    ...alignColumns([['ACTION', 'STATE', 'COUNT'], ...counts.map((c) => [c.action, c.state, String(c.n)])]),
    ...(problems.length
      ? [
          '',
          ...alignColumns([
            ['STATE', 'ITEM', 'REASON'],
            ...problems.map((p) => [p.state, p.coordinate ?? p.item_key, p.reason ?? '']),
          ]),
        ]
      : []),
    ...(deletions.length
      ? [
          '',
          ...alignColumns([
            ['STATE', 'HOW', 'COORDINATE'],
            ...deletions
              .slice(0, MAX_LISTED)
              .map((d) => [d.state, d.source_outcome ?? d.target_outcome ?? '', d.coordinate ?? d.item_key]),
          ]),
          ...(deletions.length > MAX_LISTED
            ? [`… and ${deletions.length - MAX_LISTED} more (see --json)`]
            : []),
        ]
      : []),
  ].join('\n');
}

/** Deletions listed in the text report; --json has them all. */
const MAX_LISTED = 500;
