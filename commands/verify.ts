import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase, openStore, openStoreInUse } from '../src/cli/context.js';
import { progressReporter } from '../src/cli/progress.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from '../src/cli/store-flags.js';
import { type VerifyResult, verifyStore } from '../src/migrate/index.js';
import { renderVerify } from '../src/report/migration.js';

export default class Verify extends BaseCommand {
  static override summary =
    'Check that every secret reference in Airbyte resolves in a store, the way Airbyte reads it.';
  static override description =
    "Resolves every reference in the config database (actor configs, OAuth parameters, webhook configs, secret_config rows) against the store as Airbyte's hydration does, fallbacks included; a missing or blank value fails. With --compare, also checks that a second store holds identical values. Exit 1 when anything does not resolve.";
  static override examples = [
    {
      description: 'Verify the store Airbyte uses now (from its env)',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Verify Vault before switching Airbyte to it',
      command: '<%= config.bin %> <%= command.id %> --store vault --vault-address https://vault:8200',
    },
    {
      description: 'Check Vault holds the same values as the database table',
      command: '<%= config.bin %> <%= command.id %> --store vault --compare database',
    },
  ];
  static override flags = {
    ...targetStoreFlags,
    ...limitFlags,
    ...storeInUseFlags,
    compare: Flags.string({ summary: 'A second store that must hold identical values.' }),
  };

  async run(): Promise<VerifyResult> {
    const { flags } = await this.parse(Verify);
    const resources = new CommandResources();
    const progress = progressReporter({ quiet: this.jsonEnabled() });
    try {
      const db = await openAirbyteDatabase(resources, flags);
      const store = await openStoreInUse(resources, flags, db);
      const compare = flags.compare
        ? await openStore(resources, 'from', { ...flags, from: flags.compare }, db)
        : undefined;
      const result = await verifyStore({
        pool: db.pool,
        store,
        ...(compare ? { compare } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        onProgress: progress.onProgress,
      });
      progress.done();
      if (result.failures.length) this.problemExit = 1;
      if (!this.jsonEnabled()) this.log(renderVerify(result));
      return result;
    } finally {
      await resources.close();
    }
  }
}
