import type pg from 'pg';
import type { HolderKind, HolderRow } from '../airbyte/types.js';
import type { Journal } from '../journal/index.js';
import type { SecretStore } from '../stores/types.js';
import type { ProgressEvent } from './progress.js';

/** What every step of a journaled run works with: the database, the run's journal, the stores. */
export interface RunContext {
  pool: pg.Pool;
  journal: Journal;
  runId: string;
  /** Where values are read (the store Airbyte uses now). */
  source: SecretStore;
  /** Where values are written (the same store for a re-key). */
  target: SecretStore;
  /** Whether extracted plaintext is also written to the source store (the one Airbyte uses now). */
  writeSource: boolean;
  concurrency: number;
  /** Reads the given rows afresh (steps that rewrite rows re-read them). */
  readRows: (only: Partial<Record<HolderKind, string[]>>) => AsyncIterable<HolderRow>;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborted on SIGINT/SIGTERM: steps start no new item (the ones in flight finish). */
  signal?: AbortSignal;
}

/** A journal item patch, as the steps write them. */
export type ItemPatch = Parameters<Journal['updateItem']>[2];
