import { BaseCommand } from '../src/cli/base-command.js';
import { runPoolSize } from '../src/cli/context.js';
import { example } from '../src/cli/examples.js';
import { rekeyFlags, rekeyRequest } from '../src/cli/rekey-flags.js';
import { planRekey, type RekeyPlan, type RekeyResult, runRekey } from '../src/rekey/index.js';
import { renderRekeyPlan, renderRekeyResult } from '../src/report/rekey.js';

export default class Rekey extends BaseCommand {
  static override summary =
    'Move secrets to fresh coordinates or new encryption keys without breaking a connector.';
  static override description =
    `Works on the store Airbyte uses now. With --category it fixes what the audit reports: a coordinate shared by several connectors ends as one coordinate per connector (the first, by id, whose workspace matches keeps it), a coordinate naming another workspace moves to a new one in the connector's own workspace, and an AWS secret still stored under its base name is written under the full coordinate the config names. With --workspace/--actor/--coordinate alone, those references move to the next version of their coordinate (_v{N+1}, as Airbyte does on an update). Each value is written, read back, and the reference rewritten in a transaction that refuses rows changed meanwhile; journaled like migrate, so run it again to resume and undo it with 'rollback'. --aws-kms-key-id and --gcp-kms-key change the encryption key in place (Google adds a version with the same value, since its key change applies only to new versions); --tags sets tags (labels on Google).`;
  static override examples = [
    example('See what fixing every category would do, writing nothing', '--category all --dry-run'),
    example(
      'Give every connector its own coordinate and delete names nothing uses any more',
      '--category shared-coordinate --delete-old',
    ),
    example(
      'Re-encrypt one workspace under a new KMS key',
      '--store aws --aws-region eu-west-1 --workspace 4e7d… --aws-kms-key-id alias/airbyte-2025',
    ),
    example('Move one connector to fresh coordinates', '--actor 9b1f…'),
  ];
  static override flags = rekeyFlags;

  async run(): Promise<RekeyPlan | RekeyResult> {
    const { flags } = await this.parse(Rekey);
    const db = await this.openDatabase(flags, runPoolSize(flags.concurrency));
    const store = await this.openStoreInUse(flags, db, flags['dry-run'] ? 'plan' : 'migrate');
    const options = { pool: db.pool, store, ...rekeyRequest(store.kind, flags), onProgress: this.onProgress };
    if (flags['dry-run']) {
      const plan = await planRekey(options);
      const conflicts = plan.items.some((i) => i.action === 'conflict');
      return this.finish(plan, renderRekeyPlan, conflicts);
    }
    const result = await runRekey({ ...options, signal: this.stopSignal });
    return this.finish(result, renderRekeyResult, !result.ok);
  }
}
