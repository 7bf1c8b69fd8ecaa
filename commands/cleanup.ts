import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { CommandResources, currentAirbyteStore, openAirbyteDatabase, openStore } from '../src/cli/context.js';
import { progressReporter } from '../src/cli/progress.js';
import { limitFlags, targetStoreFlags } from '../src/cli/store-flags.js';
import { type CleanupResult, cleanupOldStore } from '../src/migrate/cleanup.js';
import { renderCleanup } from '../src/report/migration.js';
import { UsageError } from '../src/util/errors.js';

export default class Cleanup extends BaseCommand {
  static override summary =
    'After the switch, delete from the old store what the new store verifiably holds.';
  static override description =
    "Deletes from the old store only the referenced secrets whose identical value is in the store Airbyte uses now. For the database store this removes the plaintext rows of the secrets table; cloud stores use their recovery window unless --hard. A dry run unless --yes. Refuses to clean the store Airbyte's env still points at.";
  static override examples = [
    {
      description: 'What would be removed from the database table',
      command: '<%= config.bin %> <%= command.id %> --store database --verified-in vault',
    },
    {
      description: 'Remove it',
      command: '<%= config.bin %> <%= command.id %> --store database --verified-in vault --yes',
    },
  ];
  static override flags = {
    ...targetStoreFlags,
    ...limitFlags,
    store: Flags.string({ summary: 'The old store to clean.', required: true }),
    'verified-in': Flags.string({
      summary: 'The store Airbyte uses now (default: from SECRET_PERSISTENCE).',
    }),
    yes: Flags.boolean({ summary: 'Delete for real (default: dry run).', default: false }),
    hard: Flags.boolean({
      summary: 'Skip recovery windows (AWS force delete, Azure purge).',
      default: false,
    }),
    force: Flags.boolean({
      summary: "Clean even though Airbyte's env still names this store.",
      hidden: true,
    }),
  };

  async run(): Promise<CleanupResult> {
    const { flags } = await this.parse(Cleanup);
    const resources = new CommandResources();
    const progress = progressReporter({ quiet: this.jsonEnabled() });
    try {
      const db = await openAirbyteDatabase(resources, flags);
      const old = await openStore(resources, 'from', { ...flags, from: flags.store }, db);
      const current = flags['verified-in']
        ? await openStore(resources, 'to', { ...flags, to: flags['verified-in'] }, db)
        : await openStore(resources, 'from', { ...flags, from: undefined }, db);
      if (old.description === current.description) {
        throw new UsageError(
          `--store ${flags.store} is the store to verify against: name the new store with --verified-in`,
        );
      }
      if (flags.yes && !flags.force && (await currentAirbyteStore(flags)) === old.kind) {
        throw new UsageError(
          `Airbyte's env still uses ${old.kind}: switch Airbyte first (SECRET_PERSISTENCE)`,
        );
      }
      const result = await cleanupOldStore({
        pool: db.pool,
        old,
        current,
        apply: flags.yes,
        hard: flags.hard,
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        onProgress: progress.onProgress,
      });
      progress.done();
      if (result.kept.length) this.problemExit = 1;
      if (!this.jsonEnabled()) this.log(renderCleanup(result));
      return result;
    } finally {
      await resources.close();
    }
  }
}
