import type { SecretValue } from '../util/secret-value.js';

/** Values the plan read that the copy may use instead of reading the source again. */
const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024;
/**
 * What one kept value costs beside its text and its coordinate: the map entry, the SecretValue
 * and two string headers. A budget of value bytes alone let a million short values take 250 MB.
 */
const ENTRY_OVERHEAD_BYTES = 96;

const costOf = (coordinate: string, value: SecretValue) =>
  value.byteLength + coordinate.length + ENTRY_OVERHEAD_BYTES;

/**
 * The source values the plan's probe read for items it will copy, held (inside their
 * `SecretValue`s, never elsewhere) until the copy takes each one once: the copy then costs no
 * second source read. Bounded by bytes (each entry's whole cost, not only the value's): past the
 * budget a value is not kept and the copy reads it again, so a huge plan never holds more.
 */
export class CarriedValues {
  readonly #values = new Map<string, SecretValue>();
  readonly #budget: number;
  #bytes = 0;

  constructor(budgetBytes = DEFAULT_BUDGET_BYTES) {
    this.#budget = budgetBytes;
  }

  keep(coordinate: string, value: SecretValue): void {
    const cost = costOf(coordinate, value);
    if (this.#values.has(coordinate) || this.#bytes + cost > this.#budget) return;
    this.#values.set(coordinate, value);
    this.#bytes += cost;
  }

  /** The value, once: it is forgotten as it is handed over. */
  take(coordinate: string): SecretValue | undefined {
    const value = this.#values.get(coordinate);
    if (value) {
      this.#values.delete(coordinate);
      this.#bytes -= costOf(coordinate, value);
    }
    return value;
  }

  /** Forgets everything (the run ends or fails). */
  clear(): void {
    this.#values.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#values.size;
  }
}
