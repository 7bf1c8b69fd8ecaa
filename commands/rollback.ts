import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { example } from '../src/cli/examples.js';
import { fromStoreFlags, targetStoreFlags, toStoreFlags } from '../src/cli/store-flags.js';
import { type RollbackResult, rollbackRun } from '../src/migrate/rollback.js';
import { renderRollback } from '../src/report/migration.js';

export default class Rollback extends BaseCommand {
  static override summary = 'Restore every configuration a run changed, as it was before the run.';
  static override description =
    'Puts back each configuration the run rewrote, from its journaled pre-image; plaintext values come back from the stores. A row changed since the run is refused, not overwritten. With --delete-created, also deletes from the stores what the run created there — only do that before Airbyte was switched to the target.';
  static override examples = [
    example(
      'Undo a run (same stores as the run)',
      '3f0c2a1e-… --to vault --vault-address https://vault:8200',
    ),
    example('Undo it and remove what it created', '3f0c2a1e-… --to vault --delete-created'),
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
    const db = await this.openDatabase(flags);
    const source = await this.openStore('from', flags, db);
    const target = await this.openStore('to', flags, db);
    const result = await rollbackRun({
      pool: db.pool,
      runId: args.run,
      source,
      target,
      journalSchema: flags['journal-schema'],
      deleteCreated: flags['delete-created'],
      onProgress: this.onProgress,
    });
    return this.finish(result, renderRollback, !result.ok);
  }
}
