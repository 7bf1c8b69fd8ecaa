import type { SyncPass, SyncResult } from '../sync/index.js';
import { alignColumns, cleanText } from './text.js';

/** One line per pass: what was compared and copied each way (counts only). */
export function renderSyncPass(p: SyncPass): string {
  return (
    `pass ${p.pass}${p.full ? ' (all rows)' : ''}: ${p.rows} rows, ${p.checked} compared, ` +
    `${p.copiedToTarget} copied to target, ${p.copiedToSource} copied back, ` +
    `${p.conflicts} conflict(s), ${p.missing} in neither store, ${p.failed} failed, ${p.ms} ms`
  );
}

/** The summary after the last pass, then every conflict and failed copy. */
export function renderSync(r: SyncResult): string {
  const out = [
    `Sync ${cleanText(r.from)} <-> ${cleanText(r.to)} (run ${r.runId}${r.resumed ? ', resumed' : ''}): ` +
      `${r.passes} pass(es), ${r.inBoth} coordinates in both stores, ` +
      `${r.copiedToTarget} copied to ${cleanText(r.to)}, ${r.copiedToSource} copied to ${cleanText(r.from)}`,
  ];
  if (r.conflicts.length) {
    out.push(
      `${r.conflicts.length} conflict(s), left as they are (decide which value is right, then write it to both):`,
      ...alignColumns([['COORDINATE', 'REASON'], ...r.conflicts.map((c) => [c.coordinate, c.reason])]).map(
        (l) => `  ${l}`,
      ),
    );
  }
  if (r.missing.length) {
    out.push(
      `${r.missing.length} referenced coordinate(s) in neither store (broken before any switch; sync cannot help):`,
      ...r.missing.slice(0, 20).map((c) => `  ${c}`),
      ...(r.missing.length > 20 ? [`  … and ${r.missing.length - 20} more (see --json)`] : []),
    );
  }
  if (r.problems.length) {
    out.push(
      `${r.problems.length} copy(ies) failed (run sync again to retry):`,
      ...alignColumns([
        ['COORDINATE', 'REASON'],
        ...r.problems.map((p) => [p.coordinate ?? p.key, cleanText(p.reason ?? '')]),
      ]).map((l) => `  ${l}`),
    );
  }
  return out.join('\n');
}
