import type { ReportComparison, ResolvedFinding } from '../audit/comparison.js';
import { sortFindings } from './tally.js';

/** One sentence on what the report was compared with, the same in every format. */
export function comparisonSentence(c: ReportComparison): string {
  const counts = `${c.counts.new} new, ${c.counts.open} still open, ${c.counts.resolved} resolved`;
  if (!c.previousRun) return `No previous run recorded: ${counts}.`;
  return `Compared with run ${c.previousRun.id} of ${c.previousRun.startedAt} (${c.previousRun.store}): ${counts}.`;
}

/** Resolved findings in the order current findings are listed (worst first). */
export function sortResolved(resolved: readonly ResolvedFinding[]): ResolvedFinding[] {
  const asFindings = resolved.map((r) => ({
    ...r,
    id: r.findingId,
    actorName: null,
    message: '',
  }));
  const order = new Map(sortFindings(asFindings).map((f, i) => [f.findingId, i]));
  return [...resolved].sort((a, b) => (order.get(a.findingId) ?? 0) - (order.get(b.findingId) ?? 0));
}

/** Where a resolved finding was: `actor <id>`, or the holder. */
export function resolvedPlace(r: ResolvedFinding): string {
  return r.actorId ? `${r.holder} ${r.actorId}` : r.holder;
}
