/**
 * airbyte-secrets as a library (`import … from 'airbyte-secrets'`): the engine the commands run,
 * for embedding it in an operator, a pipeline step or a test harness. Functions take an open
 * `pg.Pool` on Airbyte's config database (`openDatabase`) and stores built by `createStore` from
 * settings that `resolveStoreSettings` derives from env, Helm values and flags; they print
 * nothing (progress goes to `onProgress`), and values travel as `SecretValue`, which never
 * prints its content.
 */

// Airbyte's config database and the secrets it holds.
export { type DatabaseConnection, openDatabase, resolveDatabaseConnection } from './airbyte/connection.js';
export { type InventoryOptions, readInventory } from './airbyte/inventory.js';
export type { HolderRow, SecretNodeKind, SecretRecord } from './airbyte/types.js';

// Audit.
export { type AuditOptions, type AuditStore, allChecks, auditInventory } from './audit/index.js';
export {
  listRecordedRuns,
  runScheduledAudit,
  type ScheduledAuditOptions,
  type ScheduledAuditResult,
} from './audit/scheduled.js';
export type { AuditReport, Finding, FindingCategory, Severity } from './audit/types.js';
// Store settings from env, Helm values and flags.
export {
  chooseStoreKind,
  currentEnvironment,
  type ResolveStoreInput,
  resolveStoreSettings,
} from './config/index.js';
// The journal of runs.
export {
  DEFAULT_JOURNAL_SCHEMA,
  ensureJournalSchema,
  type ItemRow,
  Journal,
  type RunRow,
} from './journal/index.js';
export { type RunDetails, recordedRun, recordedRuns } from './journal/recorded-runs.js';
// Plan, migrate, verify, roll back, clean up.
export { type CleanupOptions, type CleanupResult, cleanupOldStore } from './migrate/cleanup.js';
export { type Cutover, cutoverHelp } from './migrate/cutover.js';
export {
  type MigrationOptions,
  type MigrationPlan,
  type MigrationResult,
  type PlanItem,
  type ProgressEvent,
  planMigration,
  runMigration,
  type VerifyResult,
  verifyStore,
} from './migrate/index.js';
export type { PlanItems } from './migrate/plan-items.js';
export { type RollbackOptions, type RollbackResult, rollbackRun } from './migrate/rollback.js';
// Re-key.
export {
  planRekey,
  REKEY_CATEGORIES,
  type RekeyCategory,
  type RekeyOptions,
  type RekeyPlan,
  type RekeyResult,
  runRekey,
} from './rekey/index.js';
// An audit's reports: table, JSON, SARIF, Markdown, HTML.
export { REPORT_FORMATS, type ReportFormat, renderReport, writeReports } from './report/index.js';

// Secret stores and the values they hold.
export { StoreError } from './stores/errors.js';
export { createStore } from './stores/open.js';
export {
  AIRBYTE_PERSISTENCE,
  parseStoreKind,
  STORE_KINDS,
  type StoreKind,
  type StoreSettings,
} from './stores/registry.js';
export type { SecretStore } from './stores/types.js';
export { SecretValue } from './util/secret-value.js';
