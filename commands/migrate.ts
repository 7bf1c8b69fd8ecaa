import { BaseCommand } from '../src/cli/base-command.js';
import { example } from '../src/cli/examples.js';
import { migrateFlags, migrationRequest } from '../src/cli/migrate-flags.js';
import { type Cutover, cutoverHelp } from '../src/migrate/cutover.js';
import type { MigrationPlan, MigrationResult } from '../src/migrate/index.js';
import { planMigration, runMigration } from '../src/migrate/index.js';
import { renderCutover } from '../src/report/cutover.js';
import { renderMigration, renderPlan } from '../src/report/migration.js';

export default class Migrate extends BaseCommand {
  static override summary =
    'Copy every connector secret to another store, verify it, and rewrite plaintext into references.';
  static override description =
    `Reads Airbyte's config database, copies each referenced secret from the store Airbyte uses now to the target under the same coordinate (Airbyte reads the same name from whichever store it is configured with), extracts plaintext found inline into new coordinates in both stores, reads every write back, then rewrites the configurations in transactions that refuse rows changed meanwhile. Every step is journaled: run it again to resume, or roll it back with 'rollback'. Airbyte can keep running throughout. Exit 0 when every item verified, 1 when items failed or conflict, 2 on usage, configuration or connection errors, 130 when interrupted (resumable).`;
  static override examples = [
    example(
      'See what would happen, writing nothing anywhere',
      '--to vault --vault-address https://vault:8200 --dry-run',
    ),
    {
      description: 'Migrate from the database table to Vault',
      command:
        'VAULT_AUTH_TOKEN=… <%= config.bin %> <%= command.id %> --to vault --vault-address https://vault:8200 --vault-prefix secret/',
    },
    example(
      'Migrate to AWS Secrets Manager described by the target Helm values',
      '--to-values values-aws.yaml --to-secret airbyte-config-secrets.yaml',
    ),
    example('Resume a run that was interrupted', '--to vault --resume 3f0c…'),
  ];
  static override flags = migrateFlags;

  async run(): Promise<(MigrationPlan | MigrationResult) & { cutover?: Cutover }> {
    const { flags } = await this.parse(Migrate);
    const db = await this.openDatabase(flags, (flags.concurrency ?? 16) + 4);
    const source = await this.openStore('from', flags, db);
    const target = await this.openStore('to', flags, db);
    const options = {
      pool: db.pool,
      source,
      target,
      ...migrationRequest(flags),
      onProgress: this.onProgress,
    };
    if (flags['dry-run']) {
      const plan = await planMigration(options);
      const conflicts = plan.items.some((i) => i.action === 'conflict');
      return this.finish(plan, renderPlan, conflicts);
    }
    const result = await runMigration(options);
    const cutover = cutoverHelp(target.settings, source.settings, flags['helm-shape'] as 'v1' | 'v2');
    const render = (r: typeof result & { cutover: Cutover }) =>
      `${renderMigration(r)}\n\n${renderCutover(r.cutover)}`;
    return this.finish({ ...result, cutover }, render, !result.ok);
  }
}
