import { readFile } from 'node:fs/promises';
import { type Cutover, cutoverHelp } from '../migrate/cutover.js';
import type { MigrationOptions, MigrationPlan, MigrationResult } from '../migrate/index.js';
import { readPlan, runMigration } from '../migrate/index.js';
import { planReview } from '../migrate/review.js';
import { parseSavedPlan, savedPlanOf } from '../migrate/saved-plan.js';
import { requirePreflight } from '../preflight/index.js';
import { writeAtomically } from '../report/index.js';
import { renderMigrationRun, renderPlan, renderSavedFiles } from '../report/migration.js';
import { PLAN_REPORT_RENDERERS, type PlanReportFormat } from '../report/plan-review.js';
import type { StoreSettings } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import type { CommandHost } from './command-host.js';
import { confirm, interactive } from './confirm.js';
import { runPoolSize } from './context.js';
import { migrationRequest } from './migrate-flags.js';
import { followUpCommand } from './resume-command.js';

type Flags = Parameters<typeof migrationRequest>[0] &
  Record<string, unknown> & {
    'database-url'?: string | undefined;
    'dry-run'?: boolean;
    yes?: boolean;
    plan?: string | undefined;
    out?: string | undefined;
    format?: string | undefined;
    output?: string | undefined;
    'helm-shape'?: string;
  };

type Opened = SecretStore & { settings: StoreSettings };

/** Both stores and the database opened, as the run options of `migrate` and `plan`. */
async function openRun(
  host: CommandHost,
  flags: Flags,
  mode: 'plan' | 'migrate',
): Promise<MigrationOptions & { source: Opened; target: Opened; risks: string[] }> {
  const db = await host.openDatabase(flags, runPoolSize(flags.concurrency));
  const source = await host.openStore('from', flags, db);
  const target = await host.openStore('to', flags, db);
  // Preflight: a refused token, a missing right or mount stops here, before any write or journal.
  const stores = [
    { subject: 'target', store: target },
    { subject: 'source', store: source },
  ];
  const risks = await requirePreflight(db.pool, flags['journal-schema'], stores, mode);
  return { pool: db.pool, source, target, risks, ...migrationRequest(flags), onProgress: host.onProgress };
}

/**
 * `plan` (and `migrate --dry-run`): the plan, saved with `--out` for `migrate --plan`, and as a
 * change-review report with `--format` (to `--output`, else instead of the text on stdout).
 */
export async function planCommand(host: CommandHost, flags: Flags): Promise<MigrationPlan> {
  const options = await openRun(host, flags, 'plan');
  const read = await readPlan(options, undefined, undefined, { rowDigests: Boolean(flags.out) });
  const saved: { plan?: string; apply?: string; report?: string } = {};
  if (flags.out) {
    await writeFile(
      flags.out,
      `${JSON.stringify(savedPlanOf(read, options.source, options.target), null, 2)}\n`,
    );
    saved.plan = flags.out;
    saved.apply = followUpCommand(host.bin, 'migrate', host.argv, ['--plan', flags.out]);
  }
  let report: string | undefined;
  if (flags.format) {
    // The preflight's failures that did not stop the plan are listed with the plan's own risks.
    const review = planReview(read.plan, { source: options.source, target: options.target }, options.risks);
    report = PLAN_REPORT_RENDERERS[flags.format as PlanReportFormat](review);
    if (flags.output) {
      await writeFile(flags.output, report);
      saved.report = flags.output;
    }
  }
  const conflicts = read.plan.items.some((i) => i.action === 'conflict');
  const render = (plan: MigrationPlan) =>
    report !== undefined && !flags.output
      ? report.trimEnd()
      : `${renderPlan(plan)}${renderSavedFiles(saved)}`;
  return host.finish(read.plan, render, conflicts);
}

/**
 * `migrate`: on a terminal (stdin and stdout) the plan is shown and applied only when confirmed
 * (`--yes` skips the question; without a terminal it proceeds, as in a Job). `--plan` applies a
 * saved plan exactly. SIGINT/SIGTERM stop it after the items in flight (exit 130, resumable).
 */
export async function migrateCommand(
  host: CommandHost,
  flags: Flags,
): Promise<MigrationPlan | (MigrationResult & { cutover?: Cutover })> {
  if (flags['dry-run']) return planCommand(host, flags);
  const options = await openRun(host, flags, 'migrate');
  if (flags.plan) options.saved = parseSavedPlan(await readText(flags.plan), flags.plan);
  if (!flags.yes && !host.json && interactive()) {
    options.confirm = async (plan) => {
      host.endProgress();
      process.stderr.write(`${renderPlan(plan, 'not applied yet')}\n\n`);
      return confirm('Apply this plan?');
    };
  }
  options.signal = host.stopSignal();
  const result = await runMigration(options);
  const shape = flags['helm-shape'] === 'v1' ? 'v1' : 'v2';
  // A failed run gets no switch instructions: the target lacks secrets.
  const cutover = result.ok
    ? { cutover: cutoverHelp(options.target.settings, options.source.settings, shape) }
    : {};
  return host.finish({ ...result, ...cutover }, renderMigrationRun, !result.ok);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read the saved plan ${file}: ${(err as { code?: string }).code ?? String(err)}`,
    );
  }
}

async function writeFile(file: string, text: string): Promise<void> {
  try {
    await writeAtomically(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as { code?: string }).code ?? String(err)}`);
  }
}
