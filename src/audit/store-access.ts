import type { ProgressEvent } from '../engine/progress.js';
import { StoreError } from '../stores/errors.js';
import { workersFor } from '../stores/registry.js';
import type { SecretDescription, SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { SecretValue } from '../util/secret-value.js';

/**
 * The audit's one way to ask the store Airbyte uses. The first call goes alone: when it fails for
 * want of a connection or credentials (connection refused, permission denied, a bad token) the
 * store counts as unreachable, the audit says so in one finding and asks nothing more. A name the
 * store rejects, or a read refused once the store has answered, is that coordinate's problem; a
 * store that stops answering (retries exhausted) ends the store checks. Values are compared as
 * they arrive and dropped: nothing here keeps one.
 */

/** What reading one coordinate the way Airbyte hydrates it gave. */
export type ReadOutcome =
  | { state: 'value'; blank: boolean; equalsCoordinate: boolean }
  | { state: 'missing' }
  /** The store answered with an error for this coordinate (permission denied, deleted, invalid). */
  | { state: 'refused'; detail: string };

/** Why the store checks stopped. */
export interface StoreFailure {
  /** What the audit was doing: `open`, `read` or `list`. */
  during: 'open' | 'read' | 'list';
  /** The store had answered before (it stopped answering, or refused only this). */
  reached: boolean;
  /** The store's one-line error (store, operation, coordinate; never a value). */
  message: string;
}

/** The store gave up after its retries: it no longer answers. */
const STOPPED: ReadonlySet<StoreError['kind']> = new Set(['throttled', 'transient']);
/** Before any answer, these mean the store as a whole cannot be used (address, network, credentials). */
const UNREACHABLE: ReadonlySet<StoreError['kind']> = new Set([...STOPPED, 'permission-denied']);

class StopReading extends Error {}

export class StoreAccess {
  readonly store: SecretStore;
  readonly concurrency: number;
  #reached = false;
  #failure: StoreFailure | null = null;

  constructor(store: SecretStore, options: { concurrency?: number } = {}) {
    this.store = store;
    this.concurrency = workersFor(options.concurrency, store);
  }

  /** Set once the store could not be reached or stopped answering; the store checks then stop. */
  get failure(): StoreFailure | null {
    return this.#failure;
  }

  /**
   * Reads each distinct coordinate once, as Airbyte hydrates it (`asAirbyte`: AWS's base-name
   * fallback included), at most `concurrency` at a time (the store's own limiter paces them).
   * Coordinates not read because the store failed are absent from the result.
   */
  async readAll(
    coordinates: Iterable<string>,
    onProgress?: (e: ProgressEvent) => void,
  ): Promise<Map<string, ReadOutcome>> {
    const todo = [...new Set(coordinates)];
    const out = new Map<string, ReadOutcome>();
    const [first, ...rest] = todo;
    if (this.#failure || first === undefined) return out;
    let done = 0;
    const total = todo.length;
    onProgress?.({ phase: 'verify', done, total });
    const readOne = async (coordinate: string): Promise<void> => {
      const outcome = await this.#readOne(coordinate);
      if (!outcome) throw new StopReading();
      out.set(coordinate, outcome);
      onProgress?.({ phase: 'verify', done: ++done, total });
    };
    try {
      // The first call alone: an unreachable store is one failure, not one per coordinate.
      await readOne(first);
      await forEachConcurrent(rest, this.concurrency, readOne);
    } catch (err) {
      if (!(err instanceof StopReading)) throw err;
    }
    return out;
  }

  /** Every Airbyte-managed name the store holds, or `null` when it could not list them. */
  async list(): Promise<string[] | null> {
    if (this.#failure) return null;
    const names: string[] = [];
    try {
      for await (const name of this.store.list()) names.push(name);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.#fail('list', err);
      return null;
    }
    this.#reached = true;
    return names;
  }

  /** Metadata of one name, or `null` when the store would not say (an audit never stops for it). */
  async describe(coordinate: string): Promise<SecretDescription | null> {
    if (this.#failure) return null;
    try {
      return await this.store.describe(coordinate);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      return null;
    }
  }

  /** `undefined` when the store failed as a whole (recorded in `failure`). */
  async #readOne(coordinate: string): Promise<ReadOutcome | undefined> {
    if (this.#failure) return undefined;
    let value: SecretValue | undefined;
    try {
      value = await this.store.read(coordinate, { asAirbyte: true });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      // A name the store rejects (`invalid`) or keeps deleted is that coordinate's problem only.
      if (STOPPED.has(err.kind) || (!this.#reached && UNREACHABLE.has(err.kind))) {
        this.#fail('read', err);
        return undefined;
      }
      return { state: 'refused', detail: err.message };
    }
    this.#reached = true;
    if (!value) return { state: 'missing' };
    // NO_OP's reads answer the coordinate itself; a copy of that is no credential.
    return {
      state: 'value',
      blank: value.isBlank,
      equalsCoordinate: value.equals(new SecretValue(coordinate)),
    };
  }

  #fail(during: StoreFailure['during'], err: StoreError): void {
    this.#failure ??= { during, reached: this.#reached, message: err.message };
  }
}
