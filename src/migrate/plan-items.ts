import type { ReferencedCoordinates } from './plan-table.js';
import type { PlanItem } from './types.js';

const copyKey = (coordinate: string) => `copy:${coordinate}`;

/**
 * A plan's items: one per referenced coordinate (`copy`, `skip` or a conflict about it), unpacked
 * from the plan's packed table as they are read, then the others (extracts, rows without a spec)
 * as plain objects. Reads like a read-only array (`length`, iteration, `filter`, `some`, `map`,
 * JSON), so a plan of a million coordinates holds no million objects until someone asks.
 */
export class PlanItems implements Iterable<PlanItem> {
  readonly #referenced: ReferencedCoordinates | undefined;
  readonly #others: readonly PlanItem[];

  constructor(referenced: ReferencedCoordinates | undefined, others: readonly PlanItem[]) {
    this.#referenced = referenced;
    this.#others = others;
  }

  static of(items: readonly PlanItem[]): PlanItems {
    return new PlanItems(undefined, items);
  }

  get length(): number {
    return (this.#referenced?.size ?? 0) + this.#others.length;
  }

  *[Symbol.iterator](): Iterator<PlanItem> {
    const referenced = this.#referenced;
    if (referenced) for (let i = 0; i < referenced.size; i++) yield referencedItem(referenced, i);
    yield* this.#others;
  }

  filter<S extends PlanItem>(test: (item: PlanItem) => item is S): S[];
  filter(test: (item: PlanItem) => boolean): PlanItem[];
  filter(test: (item: PlanItem) => boolean): PlanItem[] {
    const out: PlanItem[] = [];
    for (const item of this) if (test(item)) out.push(item);
    return out;
  }

  some(test: (item: PlanItem) => boolean): boolean {
    for (const item of this) if (test(item)) return true;
    return false;
  }

  map<T>(f: (item: PlanItem) => T): T[] {
    const out: T[] = [];
    for (const item of this) out.push(f(item));
    return out;
  }

  toJSON(): PlanItem[] {
    return [...this];
  }
}

/** The item of one referenced coordinate, from the probe's verdict. */
function referencedItem(referenced: ReferencedCoordinates, i: number): PlanItem {
  const { verdict, detail, ...entry } = referenced.entry(i);
  const base = {
    key: copyKey(entry.coordinate),
    coordinate: entry.coordinate,
    workspaceId: entry.workspaceId,
    references: entry.references,
    ...(entry.name !== undefined ? { name: entry.name } : {}),
  };
  switch (verdict) {
    case 'same':
      return { ...base, action: 'skip' };
    case 'differs':
      return { ...base, action: 'conflict', reason: 'target-differs' };
    case 'missing-source':
      return { ...base, action: 'conflict', reason: 'missing-source' };
    case 'unreadable':
      return {
        ...base,
        action: 'conflict',
        reason: 'unreadable',
        ...(detail !== undefined ? { detail } : {}),
      };
    // Not probed (the probe was interrupted or never ran): copy, as before the probe existed.
    default:
      return { ...base, action: 'copy' };
  }
}
