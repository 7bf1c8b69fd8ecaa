import { BaseCommand } from '../src/cli/base-command.js';
import { confirm, onTerminal } from '../src/cli/confirm.js';
import { airbyteStoreEvidence } from '../src/cli/context.js';
import { example } from '../src/cli/examples.js';
import { rollbackFlags, runArgs, runToRollBack, storesOfRun } from '../src/cli/rollback-flags.js';
import { type RollbackOptions, type RollbackResult, rollbackRun } from '../src/migrate/rollback.js';
import { renderRollbackRun } from '../src/report/cleanup.js';

export default class Rollback extends BaseCommand {
  static override summary = 'Restore every configuration a run changed, as it was before the run.';
  static override description =
    "Puts back each configuration the run rewrote, from its journaled pre-image; plaintext values come back from the stores. A row changed since the run is refused, not overwritten. With --delete-created, also deletes from the stores what the run created there, except any coordinate a configuration still references; it refuses while Airbyte's env (or --airbyte-uses) names a store it would delete from. Asks on a terminal before deleting (--yes skips); --dry-run changes nothing. Deletions are journaled in the run ('runs show'). Exit 0, 1 when rows were refused or deletions failed, 2 on usage errors (an unknown or ambiguous run id, a store that contradicts the journal).";
  static override examples = [
    example('Undo a run (its stores come from the journal; settings from the env)', '3f0c2a1e'),
    example('See what undoing it and removing what it created would do', '3f0c --delete-created --dry-run'),
    example('Undo it and remove what it created', '3f0c2a1e --delete-created --yes'),
  ];
  static override args = runArgs;
  static override flags = rollbackFlags;

  async run(): Promise<RollbackResult> {
    const { args, flags } = await this.parse(Rollback);
    const db = await this.openDatabase(flags);
    const run = await runToRollBack(db.pool, flags['journal-schema'], args.run);
    const stores = storesOfRun(run, flags);
    const source = await this.openStore('from', flags, db, stores.from);
    const target = await this.openStore('to', flags, db, stores.to);
    const options: RollbackOptions = {
      pool: db.pool,
      runId: run.id,
      source,
      target,
      journalSchema: flags['journal-schema'],
      deleteCreated: flags['delete-created'],
      dryRun: flags['dry-run'],
      airbyteEvidence: () => airbyteStoreEvidence(flags),
      onProgress: this.onProgress,
    };
    if (options.deleteCreated && !flags.yes && !flags['dry-run'] && onTerminal() && !this.jsonEnabled()) {
      const planned = await rollbackRun({ ...options, dryRun: true });
      this.endProgress();
      this.log(renderRollbackRun(planned));
      if (!(await confirm('Roll back and delete these secrets?')))
        return this.finish(planned, renderRollbackRun);
    }
    const result = await rollbackRun(options);
    return this.finish(result, renderRollbackRun, !result.ok);
  }
}
