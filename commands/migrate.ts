import { BaseCommand } from '../src/cli/base-command.js';
import { example } from '../src/cli/examples.js';
import { migrateCommand } from '../src/cli/migrate-command.js';
import { migrateFlags } from '../src/cli/migrate-flags.js';

export default class Migrate extends BaseCommand {
  static override summary =
    'Copy every connector secret to another store, verify it, and rewrite plaintext into references.';
  static override description =
    `Reads Airbyte's config database, copies each referenced secret from the store Airbyte uses now to the target under the same coordinate (Airbyte reads the same name from whichever store it is configured with), extracts plaintext found inline into new coordinates in both stores, reads every write back, then rewrites the configurations in transactions that refuse rows changed meanwhile. On a terminal it shows the plan and asks first (--yes skips; answering no exits 1 with nothing written). Every step is journaled: run it again to resume, or roll it back with 'rollback'. Ctrl-C (SIGINT/SIGTERM) finishes the items in flight, marks the run interrupted, prints the command that resumes it and exits 130. Airbyte can keep running throughout. Exit 0 when every item verified, 1 when items failed or conflict (or the plan was not confirmed), 2 on usage, configuration or connection errors, 130 when interrupted (resumable).`;
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
    example('Apply exactly a plan saved with plan --out', '--to vault --plan plan.json --yes'),
    example('Resume a run that was interrupted', '--to vault --resume 3f0c…'),
  ];
  static override flags = migrateFlags;

  async run() {
    const { flags } = await this.parse(Migrate);
    return migrateCommand(this.host(), flags);
  }
}
