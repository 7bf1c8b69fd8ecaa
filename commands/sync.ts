import { BaseCommand } from '../src/cli/base-command.js';
import { runPoolSize } from '../src/cli/context.js';
import { example } from '../src/cli/examples.js';
import { syncFlags, syncRequest } from '../src/cli/sync-flags.js';
import { renderSync, renderSyncPass } from '../src/report/sync.js';
import { type SyncResult, syncStores } from '../src/sync/index.js';

export default class Sync extends BaseCommand {
  static override summary =
    'Keep two stores complete for every reference while Airbyte is switched from one to the other.';
  static override description =
    'Every coordinate a configuration references that only one of the two stores holds is copied to the other (read back, verified, journaled without its value), in both directions, so pods still on the old store and pods already on the new one find every secret during a rolling upgrade. Different values under one coordinate are reported as conflicts and never overwritten. One pass, or with --follow a pass every --interval seconds over the rows changed since the last one, until SIGINT/SIGTERM (the pass in flight finishes; exit 0). A single pass stopped by SIGINT/SIGTERM finishes the copies in flight, is marked interrupted and exits 130, printing the command that resumes it. Exit 0, 1 when a copy failed or a conflict needs a human, 2 on usage, configuration or connection errors.';
  static override examples = [
    example(
      'One pass: copy what either store lacks',
      '--from database --to vault --vault-address https://vault:8200',
    ),
    example(
      'Keep both stores in step during helm upgrade (Ctrl-C when the rollout is done)',
      '--from database --to vault --follow',
    ),
    example(
      'After the switch, catch up connectors created meanwhile',
      '--from database --to aws --aws-region eu-west-1',
    ),
  ];
  static override flags = syncFlags;

  async run(): Promise<SyncResult> {
    const { flags } = await this.parse(Sync);
    const db = await this.openDatabase(flags, runPoolSize(flags.concurrency));
    const { source: from, target: to } = await this.openCheckedStores(flags, db, 'sync');
    const result = await syncStores({
      pool: db.pool,
      from,
      to,
      ...syncRequest(flags),
      stop: this.stopSignal,
      onProgress: this.onProgress,
      onPass: (pass) => {
        this.endProgress();
        if (!this.jsonEnabled()) this.log(renderSyncPass(pass));
      },
    });
    return this.finish(result, renderSync, !result.ok);
  }
}
