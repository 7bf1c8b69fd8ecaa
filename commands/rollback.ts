import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase, openStore } from '../src/cli/context.js';
import { progressReporter } from '../src/cli/progress.js';
import { fromStoreFlags, targetStoreFlags, toStoreFlags } from '../src/cli/store-flags.js';
import { type RollbackResult, rollbackRun } from '../src/migrate/rollback.js';
import { renderRollback } from '../src/report/migration.js';

export default class Rollback extends BaseCommand {
  static override summary = 'Restore every configuration a run changed, as it was before the run.';
  static override description =
    'Puts back each configuration the run rewrote, from its journaled pre-image; plaintext values come back from the stores. A row changed since the run is refused, not overwritten. With --delete-created, also deletes from the stores what the run created there — only do that before Airbyte was switched to the target.';
  static override examples = [
    {
      description: 'Undo a run (same stores as the run)',
      command: '<%= config.bin %> <%= command.id %> 3f0c2a1e-… --to vault --vault-address https://vault:8200',
    },
    {
      description: 'Undo it and remove what it created',
      command: '<%= config.bin %> <%= command.id %> 3f0c2a1e-… --to vault --delete-created',
    },
  ];
  static override args = { run: Args.string({ required: true, description: 'Run id (from `runs`).' }) };
  static override flags = {
    ...fromStoreFlags,
    ...toStoreFlags,
    ...targetStoreFlags,
    'delete-created': Flags.boolean({
      summary: 'Also delete the secrets the run created in the target and source stores.',
    }),
  };

  async run(): Promise<RollbackResult> {
    const { args, flags } = await this.parse(Rollback);
    const resources = new CommandResources();
    const progress = progressReporter({ quiet: this.jsonEnabled() });
    try {
      const db = await openAirbyteDatabase(resources, flags);
      const source = await openStore(resources, 'from', flags, db);
      const target = await openStore(resources, 'to', flags, db);
      const result = await rollbackRun({
        pool: db.pool,
        runId: args.run,
        source,
        target,
        journalSchema: flags['journal-schema'],
        deleteCreated: flags['delete-created'],
        onProgress: progress.onProgress,
      });
      progress.done();
      if (!result.ok) this.problemExit = 1;
      if (!this.jsonEnabled()) this.log(renderRollback(result));
      return result;
    } finally {
      await resources.close();
    }
  }
}
