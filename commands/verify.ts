import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { example } from '../src/cli/examples.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from '../src/cli/store-flags.js';
import { type BaselineVerifyResult, verifyAgainstBaseline } from '../src/migrate/baseline.js';
import { type VerifyResult, verifyStore } from '../src/migrate/index.js';
import { renderBaselineVerify } from '../src/report/baseline.js';
import { renderVerify } from '../src/report/migration.js';

export default class Verify extends BaseCommand {
  static override summary =
    'Check that every secret reference in Airbyte resolves in a store, the way Airbyte reads it.';
  static override description =
    "Resolves every reference in the config database (actor configs, OAuth parameters, webhook configs, secret_config rows) against the store as Airbyte's hydration does, fallbacks included; a missing or blank value fails. With --compare, also checks that a second store holds identical values. Exit 1 when anything does not resolve; with --baseline <run>, only when something fails that did not already fail before that run (each new missing reference says which store holds it); 2 on usage, configuration or connection errors.";
  static override examples = [
    example('Verify the store Airbyte uses now (from its env)'),
    example(
      'Verify Vault before switching Airbyte to it',
      '--store vault --vault-address https://vault:8200',
    ),
    example('Check Vault holds the same values as the database table', '--store vault --compare database'),
    example(
      'After the switch: fail only on what the migration run did not already find broken',
      '--store vault --baseline 3f0c2a1e-…',
    ),
  ];
  static override flags = {
    ...targetStoreFlags,
    ...limitFlags,
    ...storeInUseFlags,
    compare: Flags.string({ summary: 'A second store that must hold identical values.' }),
    baseline: Flags.string({
      summary:
        'A run id (migrate or sync): report apart what already failed before it; exit 0 when nothing new fails.',
      aliases: ['since'],
      exclusive: ['compare'],
    }),
  };

  async run(): Promise<VerifyResult | BaselineVerifyResult> {
    const { flags } = await this.parse(Verify);
    const db = await this.openDatabase(flags);
    const store = await this.openStoreInUse(flags, db);
    if (flags.baseline) {
      const result = await verifyAgainstBaseline({
        pool: db.pool,
        store,
        runId: flags.baseline,
        journalSchema: flags['journal-schema'],
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        openOther: (kind) => this.openStore('from', { ...flags, from: kind }, db).catch(() => undefined),
      });
      return this.finish(result, renderBaselineVerify, result.baseline.new.length > 0);
    }
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
