import type { AuditReport } from '../audit/types.js';
import type { Cutover } from '../migrate/cutover.js';
import type { MigrationPlan, MigrationResult, VerifyResult } from '../migrate/index.js';
import type { CommandOutcome } from './run-command.js';

/** The demo's steps, in order: the CLI command id and the arguments given to it (never a secret). */
export interface DemoStep {
  title: string;
  command: string;
  exitCode: number;
  error?: string;
}

/** What `airbyte-secrets demo --json` prints. */
export interface DemoSummary {
  /** Every reference verified in the target and no plaintext left in a configuration. */
  ok: boolean;
  target: string;
  sample: { workspaces: number; actors: number; secretsPlanted: number };
  /** Secrets typed in clear text into configurations (audit category plaintext-inline). */
  plaintext: { before: number; after: number };
  /** References whose value sits in Airbyte's plaintext `secrets` table (audit category plaintext-database-store). */
  databaseTable: { before: number; after: number };
  /** What `migrate --dry-run` planned: items per action. */
  plan: Record<string, number>;
  /** The migration run (see `runs show`, `rollback`); null when it did not start. */
  runId: string | null;
  /** Items of the run by final state. */
  runStates: Record<string, number>;
  verified: { store: string; coordinates: number; resolved: number; references: number; failures: number };
  /** How to switch Airbyte to the target: env values (no credential among them) and the Helm values. */
  switchTo: { env: Record<string, string>; credentials: string[]; helmValues: string } | null;
  steps: DemoStep[];
  /** The temporary folder, when kept with --keep-temp. */
  keptTemp?: string;
}

/** The results of the five commands, as far as they got. */
export interface DemoResults {
  auditBefore?: CommandOutcome<AuditReport>;
  plan?: CommandOutcome<MigrationPlan>;
  migrate?: CommandOutcome<MigrationResult & { cutover?: Cutover }>;
  verify?: CommandOutcome<VerifyResult>;
  auditAfter?: CommandOutcome<AuditReport>;
}

export function summarizeDemo(
  target: string,
  sample: DemoSummary['sample'],
  results: DemoResults,
  steps: DemoStep[],
): DemoSummary {
  const before = results.auditBefore?.result?.summary.byCategory;
  const after = results.auditAfter?.result?.summary.byCategory;
  const plan: Record<string, number> = {};
  for (const row of results.plan?.result?.summary ?? [])
    plan[row.action] = (plan[row.action] ?? 0) + row.count;
  const migrated = results.migrate?.result;
  const v = results.verify?.result;
  const verified = {
    store: v?.store ?? target,
    coordinates: v?.coordinates ?? 0,
    resolved: v?.resolved ?? 0,
    references: v?.references ?? 0,
    failures: v ? v.failures.length : 0,
  };
  const plaintext = { before: before?.['plaintext-inline'] ?? 0, after: after?.['plaintext-inline'] ?? 0 };
  const cutover = migrated?.cutover;
  const ok =
    steps.length === 5 &&
    steps.every((s) => s.exitCode === 0) &&
    migrated?.ok === true &&
    v !== undefined &&
    verified.failures === 0 &&
    verified.resolved === verified.coordinates &&
    results.auditAfter?.result !== undefined &&
    plaintext.after === 0;
  return {
    ok,
    target,
    sample,
    plaintext,
    databaseTable: {
      before: before?.['plaintext-database-store'] ?? 0,
      after: after?.['plaintext-database-store'] ?? 0,
    },
    plan,
    runId: migrated?.runId ?? null,
    runStates: migrated?.states ?? {},
    verified,
    switchTo: cutover
      ? { env: cutover.env.env, credentials: cutover.env.credentials, helmValues: cutover.helmValues }
      : null,
    steps,
  };
}
