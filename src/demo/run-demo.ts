import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '@oclif/core';
import { CommandResources } from '../cli/context.js';
import { type EmulatorKind, startEmulator } from '../emulators/index.js';
import { startEmbeddedPostgres } from '../emulators/postgres/index.js';
import { seedDemoDatabase } from '../sample/demo.js';
import { UsageError } from '../util/errors.js';
import { overlayEnvironment } from './environment.js';
import { renderSummary } from './render.js';
import { runDemoSteps } from './steps.js';
import { type DemoSummary, summarizeDemo } from './summary.js';

export interface DemoOptions {
  /** The CLI's oclif config: the demo runs the real commands through it. */
  config: Config;
  target: EmulatorKind;
  /** --json: the commands print nothing and the caller prints only the summary. */
  quiet: boolean;
  keepTemp: boolean;
  /** Where headings and the summary go (the command's `log`). */
  log: (text: string) => void;
}

/**
 * The first five minutes: a temporary folder, an embedded PostgreSQL holding a seeded Airbyte
 * database, the target store's emulator, then the real `audit`, `migrate --dry-run`, `migrate`,
 * `verify` and `audit` again, and a summary of what changed. Leaves nothing running and, unless
 * `keepTemp`, nothing on disk; never prints a secret value (the sample's values are canaries).
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { config, target, quiet, log } = options;
  const resources = new CommandResources();
  const tempDir = await mkdtemp(join(tmpdir(), 'airbyte-secrets-demo-'));
  if (!options.keepTemp) resources.defer(() => rm(tempDir, { recursive: true, force: true }));
  // One cleanup, whoever asks first: the end of the demo or Ctrl-C (which then exits 130/143
  // once the emulator and the database are stopped and the folder is gone).
  let cleanup: Promise<void> | undefined;
  const cleanUp = () => {
    cleanup ??= resources.close();
    return cleanup;
  };
  let signal: NodeJS.Signals | undefined;
  const interrupted = (received: NodeJS.Signals) => {
    signal = received;
    void cleanUp().finally(() => process.exit(received === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  resources.defer(async () => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  });
  try {
    if (!quiet) log(`Starting an embedded PostgreSQL and the ${target} emulator …`);
    // In memory unless the folder is kept: then its files are there to look at afterwards.
    const db = await startEmbeddedPostgres(options.keepTemp ? { dataDir: join(tempDir, 'pgdata') } : {});
    resources.defer(() => db.close());
    const manifest = await seedDemoDatabase(db.url);
    const { emulator, info } = await startEmulator(target, {});
    resources.defer(() => emulator.close());
    if (info.flags.length === 0) {
      throw new UsageError(`the ${target} emulator does not say yet how to reach it; try --to vault`);
    }
    const restore = overlayEnvironment(info.env);
    resources.defer(async () => restore());
    if (!quiet) {
      log(
        `Seeded ${manifest.liveActors} connectors in ${manifest.workspaces.length} workspaces; ${target} emulator at ${info.url}.`,
      );
    }

    const { results, steps } = await runDemoSteps({
      config,
      target,
      databaseUrl: db.url,
      storeFlags: withoutTo(info.flags),
      quiet,
      log,
    });
    const summary = summarizeDemo(
      target,
      {
        workspaces: manifest.workspaces.length,
        actors: manifest.liveActors,
        secretsPlanted: manifest.planted.length,
      },
      results,
      steps,
    );
    if (options.keepTemp) {
      summary.keptTemp = tempDir;
      await writeFile(join(tempDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    }
    if (!quiet) log(renderSummary(summary));
    return summary;
  } finally {
    await cleanUp();
    // Interrupted: the signal handler exits with its own code; nothing here may win that race.
    if (signal) await new Promise<never>(() => undefined);
  }
}

/** The emulator's flags without its `--to <kind>` pair (each step names the store its own way). */
function withoutTo(flags: string[]): string[] {
  const out: string[] = [];
  let isToValue = false;
  for (const flag of flags) {
    if (isToValue) isToValue = false;
    else if (flag === '--to') isToValue = true;
    else out.push(flag);
  }
  return out;
}
