import { BaseCommand } from '../src/cli/base-command.js';
import { cleanupFlags } from '../src/cli/cleanup-flags.js';
import { currentAirbyteStore } from '../src/cli/context.js';
import { example } from '../src/cli/examples.js';
import { type CleanupResult, cleanupOldStore } from '../src/migrate/cleanup.js';
import { renderCleanup } from '../src/report/migration.js';

export default class Cleanup extends BaseCommand {
  static override summary =
    'After the switch, delete from the old store what the new store verifiably holds.';
  static override description =
    "Deletes from the old store only the referenced secrets whose identical value is in the store Airbyte uses now. For the database store this removes the plaintext rows of the secrets table; cloud stores use their recovery window unless --hard. A dry run unless --yes. Refuses to clean the store Airbyte's env still points at.";
  static override examples = [
    example('What would be removed from the database table', '--store database --verified-in vault'),
    example('Remove it', '--store database --verified-in vault --yes'),
  ];
  static override flags = cleanupFlags;

  async run(): Promise<CleanupResult> {
    const { flags } = await this.parse(Cleanup);
    const db = await this.openDatabase(flags);
    const old = await this.openStore('from', { ...flags, from: flags.store }, db);
    const current = flags['verified-in']
      ? await this.openStore('to', { ...flags, to: flags['verified-in'] }, db)
      : await this.openStore('from', { ...flags, from: undefined }, db);
    const result = await cleanupOldStore({
      pool: db.pool,
      old,
      current,
      apply: flags.yes,
      hard: flags.hard,
      safety: { oldName: flags.store, force: flags.force, airbyteStore: () => currentAirbyteStore(flags) },
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      onProgress: this.onProgress,
    });
    return this.finish(result, renderCleanup, result.kept.length > 0);
  }
}
