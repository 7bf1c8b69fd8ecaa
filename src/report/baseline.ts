import type { BaselineVerifyResult } from '../migrate/baseline.js';
import { alignColumns, cleanText } from './text.js';

/** `verify --baseline`: resolved counts, then what is broken since the run (with where to find it) apart from what was broken before. */
export function renderBaselineVerify(v: BaselineVerifyResult): string {
  const { before, new: fresh } = v.baseline;
  const out = [
    `Verify against ${cleanText(v.store)}: ${v.resolved}/${v.coordinates} coordinates resolve (${v.references} references); ` +
      `baseline ${v.baseline.kind} run ${v.baseline.runId}: ${fresh.length} new failure(s), ${before.length} already failing before it`,
  ];
  if (fresh.length) {
    out.push(
      'New since the run:',
      ...alignColumns([
        ['PROBLEM', 'COORDINATE', 'WHERE', 'FOUND'],
        ...fresh.map((f) => [
          f.problem,
          f.coordinate,
          f.holder && f.rowId ? `${f.holder}/${f.rowId}` : `${f.references} reference(s)`,
          f.foundIn ?? 'in no other store',
        ]),
      ]).map((l) => `  ${l}`),
    );
  }
  if (before.length) {
    out.push(
      'Already failing before the run (not counted):',
      ...before.slice(0, 20).map((f) => `  ${f.problem}  ${f.coordinate}`),
      ...(before.length > 20 ? [`  … and ${before.length - 20} more (see --json)`] : []),
    );
  }
  return out.join('\n');
}
