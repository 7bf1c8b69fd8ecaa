/**
 * The subset of Google's List-filter syntax the Secret Manager emulator understands
 * (cloud.google.com/secret-manager/docs/filtering):
 * `name:text` (the name contains text, case-insensitively), `name=value`, `labels.k=v`,
 * `labels.k:*` (has the label), `state:ENABLED` for versions; terms joined by `AND` or spaces, and
 * `OR` between two terms (OR binds tighter than AND, as in Google's grammar). Anything else is
 * refused, so a client never gets a silently unfiltered list.
 */

export interface FilterSubject {
  name: string;
  labels: Record<string, string>;
  state?: string;
}

interface Term {
  field: string;
  op: ':' | '=';
  value: string;
}

/** Conjunction of disjunctions. */
export type ParsedFilter = Term[][];

const TERM_RE = /^([a-zA-Z_][a-zA-Z0-9_.-]*)(:|=)(.+)$/;

export function parseFilter(filter: string): ParsedFilter {
  const tokens = filter.trim().split(/\s+/).filter(Boolean);
  const groups: Term[][] = [];
  let joinNext = false;
  for (const token of tokens) {
    if (token === 'AND') continue;
    if (token === 'OR') {
      if (groups.length === 0) throw new Error('OR without a term before it');
      joinNext = true;
      continue;
    }
    const [, field, op, value] = TERM_RE.exec(token) ?? [];
    if (field === undefined || value === undefined || (op !== ':' && op !== '=')) {
      throw new Error(`unsupported term "${token}"`);
    }
    if (field !== 'name' && field !== 'state' && !field.startsWith('labels.')) {
      throw new Error(`unsupported field "${field}"`);
    }
    const term: Term = { field, op, value: value.replace(/^"(.*)"$/, '$1') };
    // joinNext is only set once a group exists, so `last` is there whenever it is true.
    const last = groups.at(-1);
    if (joinNext && last) last.push(term);
    else groups.push([term]);
    joinNext = false;
  }
  if (joinNext) throw new Error('OR without a term after it');
  return groups;
}

export function filterMatches(filter: ParsedFilter, subject: FilterSubject): boolean {
  return filter.every((group) => group.some((term) => termMatches(term, subject)));
}

function termMatches(term: Term, subject: FilterSubject): boolean {
  if (term.field.startsWith('labels.')) {
    const value = subject.labels[term.field.slice('labels.'.length)];
    if (value === undefined) return false;
    return term.op === ':' && term.value === '*' ? true : value === term.value;
  }
  const actual = term.field === 'name' ? subject.name : (subject.state ?? '');
  if (term.op === '=') return actual === term.value;
  return actual.toLowerCase().includes(term.value.toLowerCase());
}
