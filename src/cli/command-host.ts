import type { ProgressEvent } from '../engine/progress.js';
import type { StoreSettings } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import type { OpenedDatabase } from './context.js';

/** What a command shares with the code under src/cli that runs it (opened resources close with the command). */
export interface CommandHost {
  openDatabase(flags: { 'database-url'?: string | undefined }, poolSize?: number): Promise<OpenedDatabase>;
  openStore(
    side: 'from' | 'to',
    flags: Record<string, unknown>,
    db: OpenedDatabase,
  ): Promise<SecretStore & { settings: StoreSettings }>;
  onProgress: (event: ProgressEvent) => void;
  /** Aborted on the first SIGINT/SIGTERM (installs the handlers on first use). */
  stopSignal(): AbortSignal;
  finish<T>(result: T, render: (result: T) => string, problems?: boolean): T;
  endProgress(): void;
  json: boolean;
  /** The command line to print a follow-up command from (`bin`, and the arguments as given). */
  bin: string;
  argv: readonly string[];
}
