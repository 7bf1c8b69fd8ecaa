import { BaseCommand } from '../src/cli/base-command.js';
import { cleanupFlags } from '../src/cli/cleanup-flags.js';
import { confirm, onTerminal } from '../src/cli/confirm.js';
import { airbyteStoreEvidence } from '../src/cli/context.js';
import { example } from '../src/cli/examples.js';
import {
  type CleanupOptions,
  type CleanupResult,
  cleanupOldStore,
  refuseUnsafeCleanup,
  type UndoCleanupResult,
  undoCleanup,
} from '../src/migrate/cleanup.js';
import { renderCleanupRun, renderUndoCleanup } from '../src/report/cleanup.js';

export default class Cleanup extends BaseCommand {
  static override summary =
    'After the switch, delete from the old store what the new store verifiably holds.';
  static override description =
    "Deletes from the old store only the referenced secrets whose identical value is in the store Airbyte uses now. For the database store this removes the plaintext rows of the secrets table; cloud stores use their recovery window unless --hard. Deleting needs positive evidence that Airbyte uses the other store: --airbyte-uses typed by you, Airbyte's values file (--airbyte-values) or its env (SECRET_PERSISTENCE); with none it refuses (exit 2). Asks on a terminal (--yes skips), a dry run otherwise or with --dry-run. Every deletion is journaled (coordinates only): 'runs show' lists them and --undo puts them back. Exit 0, 1 when secrets were kept (a value differs or is missing in the store Airbyte uses), 2 on usage, configuration or connection errors.";
  static override examples = [
    example(
      'What would be removed from the database table',
      '--store database --verified-in vault --dry-run',
    ),
    example('Remove it, once Airbyte runs on Vault', '--store database --airbyte-uses vault --yes'),
    example('Put back what a cleanup removed', '--store database --verified-in vault --undo 3f0c2a1e-…'),
  ];
  static override flags = cleanupFlags;

  async run(): Promise<CleanupResult | UndoCleanupResult> {
    const { flags } = await this.parse(Cleanup);
    const db = await this.openDatabase(flags);
    const old = await this.openStore('from', { ...flags, from: flags.store }, db);
    const verifiedIn = flags['verified-in'] ?? flags['airbyte-uses'];
    const current = verifiedIn
      ? await this.openStore('to', { ...flags, to: verifiedIn }, db)
      : await this.openStore('from', { ...flags, from: undefined }, db);
    if (flags.undo) {
      const undone = await undoCleanup({
        pool: db.pool,
        runId: flags.undo,
        old,
        current,
        journalSchema: flags['journal-schema'],
      });
      return this.finish(undone, renderUndoCleanup, undone.failed.length > 0);
    }
    const options: CleanupOptions = {
      pool: db.pool,
      old,
      current,
      apply: flags.yes && !flags['dry-run'],
      hard: flags.hard,
      journalSchema: flags['journal-schema'],
      safety: { oldName: flags.store, force: flags.force, evidence: () => airbyteStoreEvidence(flags) },
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      onProgress: this.onProgress,
    };
    const ask = !options.apply && !flags['dry-run'] && onTerminal() && !this.jsonEnabled();
    if (ask && options.safety) await refuseUnsafeCleanup({ ...options, apply: true }, options.safety);
    const result = await cleanupOldStore(options);
    if (ask && result.removable > 0) {
      this.endProgress();
      this.log(renderCleanupRun(result));
      if (await confirm(`Delete these ${result.removable} secret(s) from ${old.description}?`)) {
        const applied = await cleanupOldStore({ ...options, apply: true });
        return this.finish(applied, renderCleanupRun, applied.kept.length > 0);
      }
    }
    return this.finish(result, renderCleanupRun, result.kept.length > 0);
  }
}
