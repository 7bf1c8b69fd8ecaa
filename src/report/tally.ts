import { compareSeverity } from '../audit/severity.js';
import {
  FINDING_CATEGORIES,
  type Finding,
  type FindingCategory,
  SEVERITIES,
  type Severity,
} from '../audit/types.js';

/** Findings counted per severity, plus the total. */
export interface Tally {
  total: number;
  bySeverity: Record<Severity, number>;
}

export interface CategoryTally extends Tally {
  category: FindingCategory;
}

export interface WorkspaceTally extends Tally {
  /** `null` for findings that belong to no workspace (store-level findings). */
  workspaceId: string | null;
}

function emptyTally(): Tally {
  return {
    total: 0,
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
  };
}

function add(t: Tally, severity: Severity): void {
  t.total += 1;
  t.bySeverity[severity] += 1;
}

const categoryOrder = (c: FindingCategory) => FINDING_CATEGORIES.indexOf(c);

/** Worst first, then by category, workspace, actor and path, so every format lists findings alike. */
export function sortFindings<F extends Finding>(findings: readonly F[]): F[] {
  const key = (f: Finding) =>
    [f.workspaceId ?? '', f.actorName ?? '', f.actorId ?? '', f.path ?? ''].join('\u0000');
  return [...findings].sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      categoryOrder(a.category) - categoryOrder(b.category) ||
      key(a).localeCompare(key(b)) ||
      a.id.localeCompare(b.id),
  );
}

/** Counts per category that has findings, in the canonical category order. */
export function tallyByCategory(findings: readonly Finding[]): CategoryTally[] {
  const map = new Map<FindingCategory, CategoryTally>();
  for (const f of findings) {
    const t = map.get(f.category) ?? { category: f.category, ...emptyTally() };
    map.set(f.category, t);
    add(t, f.severity);
  }
  return [...map.values()].sort((a, b) => categoryOrder(a.category) - categoryOrder(b.category));
}

/** Counts per workspace, most findings first; store-level findings under `null`. */
export function tallyByWorkspace(findings: readonly Finding[]): WorkspaceTally[] {
  const map = new Map<string | null, WorkspaceTally>();
  for (const f of findings) {
    const t = map.get(f.workspaceId) ?? { workspaceId: f.workspaceId, ...emptyTally() };
    map.set(f.workspaceId, t);
    add(t, f.severity);
  }
  return [...map.values()].sort(
    (a, b) => b.total - a.total || (a.workspaceId ?? '\uffff').localeCompare(b.workspaceId ?? '\uffff'),
  );
}

/** Counts per severity over all findings. */
export function tallyAll(findings: readonly Finding[]): Tally {
  const t = emptyTally();
  for (const f of findings) add(t, f.severity);
  return t;
}

/** Findings grouped by category (canonical order), each group sorted. */
export function groupByCategory<F extends Finding>(findings: readonly F[]): Array<[FindingCategory, F[]]> {
  const groups = new Map<FindingCategory, F[]>();
  for (const f of sortFindings(findings)) {
    const list = groups.get(f.category);
    if (list) list.push(f);
    else groups.set(f.category, [f]);
  }
  return [...groups.entries()].sort(([a], [b]) => categoryOrder(a) - categoryOrder(b));
}

/** How a finding's place is named for people: `actor "name" (id)`, or the holder and row. */
export function describeHolder(f: Finding): string {
  if (f.actorName) return `${f.actorType ?? f.holder} "${f.actorName}"`;
  if (f.actorId) return `${f.holder} ${f.actorId}`;
  return f.holder;
}

export const NO_WORKSPACE = '(no workspace)';
