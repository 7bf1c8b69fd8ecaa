import type { StoreCheck } from '../stores/types.js';

/** One line of `doctor`: a check of the database or of one store, with the fix when it failed. */
export interface PreflightCheck extends StoreCheck {
  /** What was checked: `database`, `source`, `target`. */
  subject: string;
}

/** What `doctor` prints and `plan`/`migrate` stop on. */
export interface PreflightReport {
  /** Every check passed. */
  ok: boolean;
  /** One line each for the database and the stores: `database postgres 127.0.0.1:5432/db`, `target vault https://…`. */
  subjects: Array<{ subject: string; description: string }>;
  checks: PreflightCheck[];
}

/** What a command about to run does, for `requirePreflight`. */
export type PreflightMode = 'plan' | 'migrate' | 'sync';

/** How far the checks go. */
export interface PreflightPurpose {
  /** The command writes to the stores and the journal (migrate, sync, doctor) rather than only reading (plan). */
  writes: boolean;
  /** The command rewrites Airbyte's tables (migrate, doctor), not only reads them (plan, sync). */
  rewrites: boolean;
  /** Also list each store's names (doctor). */
  list: boolean;
  /** Write, read back and delete a throwaway `airbyte_secrets_probe_<uuid>` name (doctor --write-probe). */
  writeProbe: boolean;
}
