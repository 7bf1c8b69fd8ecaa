import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase, openStore } from '../src/cli/context.js';
import { progressReporter } from '../src/cli/progress.js';
import { fromStoreFlags, limitFlags, targetStoreFlags, toStoreFlags } from '../src/cli/store-flags.js';
import { type Cutover, cutoverHelp } from '../src/migrate/cutover.js';
import {
  type MigrationPlan,
  type MigrationResult,
  planMigration,
  runMigration,
} from '../src/migrate/index.js';
import { renderMigration, renderPlan } from '../src/report/migration.js';

export default class Migrate extends BaseCommand {
  static override summary =
    'Copy every connector secret to another store, verify it, and rewrite plaintext into references.';
  static override description =
    `Reads Airbyte's config database, copies each referenced secret from the store Airbyte uses now to the target under the same coordinate (Airbyte reads the same name from whichever store it is configured with), extracts plaintext found inline into new coordinates in both stores, reads every write back, then rewrites the configurations in transactions that refuse rows changed meanwhile. Every step is journaled: run it again to resume, or roll it back with 'rollback'. Airbyte can keep running throughout.`;
  static override examples = [
    {
      description: 'See what would happen, writing nothing anywhere',
      command: '<%= config.bin %> <%= command.id %> --to vault --vault-address https://vault:8200 --dry-run',
    },
    {
      description: 'Migrate from the database table to Vault',
      command:
        'VAULT_AUTH_TOKEN=… <%= config.bin %> <%= command.id %> --to vault --vault-address https://vault:8200 --vault-prefix secret/',
    },
    {
      description: 'Migrate to AWS Secrets Manager described by the target Helm values',
      command:
        '<%= config.bin %> <%= command.id %> --to-values values-aws.yaml --to-secret airbyte-config-secrets.yaml',
    },
    {
      description: 'Resume a run that was interrupted',
      command: '<%= config.bin %> <%= command.id %> --to vault --resume 3f0c…',
    },
  ];
  static override flags = {
    ...fromStoreFlags,
    ...toStoreFlags,
    ...targetStoreFlags,
    ...limitFlags,
    'dry-run': Flags.boolean({
      summary: 'Only plan: read both stores and the database, write nothing anywhere.',
    }),
    resume: Flags.string({
      summary: 'Resume this run id (default: the newest unfinished run between the same stores).',
    }),
    'helm-shape': Flags.string({
      summary: 'Chart shape of the printed cut-over values.',
      options: ['v1', 'v2'],
      default: 'v2',
    }),
    'batch-size': Flags.integer({ summary: 'Rows per database read.', hidden: true, min: 1 }),
  };

  async run(): Promise<(MigrationPlan | MigrationResult) & { cutover?: Cutover }> {
    const { flags } = await this.parse(Migrate);
    const resources = new CommandResources();
    const progress = progressReporter({ quiet: this.jsonEnabled() });
    try {
      const db = await openAirbyteDatabase(resources, flags, (flags.concurrency ?? 16) + 4);
      const source = await openStore(resources, 'from', flags, db);
      const target = await openStore(resources, 'to', flags, db);
      const options = {
        pool: db.pool,
        source,
        target,
        journalSchema: flags['journal-schema'],
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.resume ? { resume: flags.resume } : {}),
        ...(flags['batch-size'] ? { batchSize: flags['batch-size'] } : {}),
        onProgress: progress.onProgress,
      };
      if (flags['dry-run']) {
        const plan = await planMigration(options);
        progress.done();
        if (!this.jsonEnabled()) this.log(renderPlan(plan));
        if (plan.items.some((i) => i.action === 'conflict')) this.problemExit = 1;
        return plan;
      }
      const result = await runMigration(options);
      progress.done();
      const cutover = cutoverHelp(target.settings, source.settings, flags['helm-shape'] as 'v1' | 'v2');
      if (!result.ok) this.problemExit = 1;
      if (!this.jsonEnabled()) this.log(`${renderMigration(result)}\n\n${renderCutover(cutover)}`);
      return { ...result, cutover };
    } finally {
      await resources.close();
    }
  }
}

function renderCutover(c: Cutover): string {
  return [
    'To switch Airbyte to the target, set these env vars:',
    ...Object.entries(c.env.env).map(([k, v]) => `  ${k}=${v}`),
    ...(c.env.credentials.length ? [`  and, from your secret store: ${c.env.credentials.join(', ')}`] : []),
    '',
    `or merge into your Helm values (chart ${c.helmShape}):`,
    ...c.helmValues
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
    ...c.env.notes.map((n) => `Note: ${n}`),
    '',
    'Next steps:',
    ...c.nextSteps.map((s, i) => `  ${i + 1}. ${s}`),
  ].join('\n');
}
