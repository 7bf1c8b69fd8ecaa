import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase, openStoreInUse } from '../src/cli/context.js';
import { progressReporter } from '../src/cli/progress.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from '../src/cli/store-flags.js';
import { rekeyRequest } from '../src/rekey/flags.js';
import {
  planRekey,
  REKEY_CATEGORIES,
  type RekeyPlan,
  type RekeyResult,
  runRekey,
} from '../src/rekey/index.js';
import { renderRekeyPlan, renderRekeyResult } from '../src/rekey/render.js';

export default class Rekey extends BaseCommand {
  static override summary =
    'Move secrets to fresh coordinates or new encryption keys without breaking a connector.';
  static override description =
    `Works on the store Airbyte uses now. With --category it fixes what the audit reports: a coordinate shared by several connectors ends as one coordinate per connector (the first, by id, whose workspace matches keeps it), a coordinate naming another workspace moves to a new one in the connector's own workspace, and an AWS secret still stored under its base name is written under the full coordinate the config names. With --workspace/--actor/--coordinate alone, those references move to the next version of their coordinate (_v{N+1}, as Airbyte does on an update). Each value is written, read back, and the reference rewritten in a transaction that refuses rows changed meanwhile; journaled like migrate, so run it again to resume and undo it with 'rollback'. --aws-kms-key-id and --gcp-kms-key change the encryption key in place (Google adds a version with the same value, since its key change applies only to new versions); --tags sets tags (labels on Google).`;
  static override examples = [
    {
      description: 'See what fixing every category would do, writing nothing',
      command: '<%= config.bin %> <%= command.id %> --category all --dry-run',
    },
    {
      description: 'Give every connector its own coordinate and delete names nothing uses any more',
      command: '<%= config.bin %> <%= command.id %> --category shared-coordinate --delete-old',
    },
    {
      description: 'Re-encrypt one workspace under a new KMS key',
      command:
        '<%= config.bin %> <%= command.id %> --store aws --aws-region eu-west-1 --workspace 4e7d… --aws-kms-key-id alias/airbyte-2025',
    },
    {
      description: 'Move one connector to fresh coordinates',
      command: '<%= config.bin %> <%= command.id %> --actor 9b1f…',
    },
  ];
  static override flags = {
    ...targetStoreFlags,
    ...limitFlags,
    ...storeInUseFlags,
    category: Flags.string({
      summary: 'Problems to fix.',
      options: [...REKEY_CATEGORIES, 'all'],
      multiple: true,
      delimiter: ',',
    }),
    workspace: Flags.string({ summary: 'Only references in these workspaces.', multiple: true }),
    actor: Flags.string({
      summary: 'Only references of these actors (or OAuth-parameter rows).',
      multiple: true,
    }),
    coordinate: Flags.string({ summary: 'Only references to these coordinates.', multiple: true }),
    'gcp-kms-key': Flags.string({
      summary: 'Cloud KMS key (projects/…/cryptoKeys/…) for the selected Google secrets.',
      helpGroup: 'GCP',
    }),
    tags: Flags.string({ summary: 'Tags (labels on Google) to set on the selected secrets, k=v,k2=v2.' }),
    'replace-tags': Flags.boolean({ summary: 'Remove tags not given in --tags.' }),
    'delete-old': Flags.boolean({
      summary:
        'After the rewrite, delete old names no row uses any more (recovery window where the store has one).',
    }),
    'dry-run': Flags.boolean({
      summary: 'Only plan: read the database and the store, write nothing anywhere.',
    }),
    resume: Flags.string({
      summary: 'Resume this run id (default: the newest unfinished re-key run on the store).',
    }),
  };

  async run(): Promise<RekeyPlan | RekeyResult> {
    const { flags } = await this.parse(Rekey);
    const resources = new CommandResources();
    const progress = progressReporter({ quiet: this.jsonEnabled() });
    try {
      const db = await openAirbyteDatabase(resources, flags, (flags.concurrency ?? 8) + 4);
      const store = await openStoreInUse(resources, flags, db);
      const options = {
        pool: db.pool,
        store,
        ...rekeyRequest(store.kind, flags),
        journalSchema: flags['journal-schema'],
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.resume ? { resume: flags.resume } : {}),
        onProgress: progress.onProgress,
      };
      if (flags['dry-run']) {
        const plan = await planRekey(options);
        progress.done();
        if (!this.jsonEnabled()) this.log(renderRekeyPlan(plan));
        if (plan.items.some((i) => i.action === 'conflict')) this.problemExit = 1;
        return plan;
      }
      const result = await runRekey(options);
      progress.done();
      if (!result.ok) this.problemExit = 1;
      if (!this.jsonEnabled()) this.log(renderRekeyResult(result));
      return result;
    } finally {
      await resources.close();
    }
  }
}
