import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { example } from '../src/cli/examples.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from '../src/cli/store-flags.js';
import { type VerifyResult, verifyStore } from '../src/migrate/index.js';
import { renderVerify } from '../src/report/migration.js';

export default class Verify extends BaseCommand {
  static override summary =
    'Check that every secret reference in Airbyte resolves in a store, the way Airbyte reads it.';
  static override description =
    "Resolves every reference in the config database (actor configs, OAuth parameters, webhook configs, secret_config rows) against the store as Airbyte's hydration does, fallbacks included; a missing or blank value fails. With --compare, also checks that a second store holds identical values. Exit 1 when anything does not resolve.";
  static override examples = [
    example('Verify the store Airbyte uses now (from its env)'),
    example(
      'Verify Vault before switching Airbyte to it',
      '--store vault --vault-address https://vault:8200',
    ),
    example('Check Vault holds the same values as the database table', '--store vault --compare database'),
  ];
  static override flags = {
    ...targetStoreFlags,
    ...limitFlags,
    ...storeInUseFlags,
    compare: Flags.string({ summary: 'A second store that must hold identical values.' }),
  };

  async run(): Promise<VerifyResult> {
    const { flags } = await this.parse(Verify);
    const db = await this.openDatabase(flags);
    const store = await this.openStoreInUse(flags, db);
    const compare = flags.compare && (await this.openStore('from', { ...flags, from: flags.compare }, db));
    const result = await verifyStore({
      pool: db.pool,
      store,
      ...(compare ? { compare } : {}),
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      onProgress: this.onProgress,
    });
    return this.finish(result, renderVerify, result.failures.length > 0);
  }
}
