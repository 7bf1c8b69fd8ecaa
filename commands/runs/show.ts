import { Args } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase } from '../../src/cli/context.js';
import { type ItemRow, Journal, type RunRow } from '../../src/journal/index.js';
import { renderRuns } from '../../src/report/migration.js';
import { alignColumns } from '../../src/report/text.js';
import { UsageError } from '../../src/util/errors.js';

export default class RunsShow extends BaseCommand {
  static override summary = 'Show one run: its options, counts and every item that failed or needs a human.';
  static override description =
    "Prints the run's stores, operator, options and item counts by action and state, then each item that failed, conflicted, was superseded or is still pending, with the reason (never a value).";
  static override examples = [
    { description: 'Details of a run', command: '<%= config.bin %> <%= command.id %> 3f0c2a1e-…' },
  ];
  static override args = { run: Args.string({ required: true, description: 'Run id (from `runs`).' }) };

  async run(): Promise<{
    run: RunRow;
    counts: Array<{ action: string; state: string; n: number }>;
    items: ItemRow[];
  }> {
    const { args, flags } = await this.parse(RunsShow);
    const resources = new CommandResources();
    try {
      const db = await openAirbyteDatabase(resources, flags, 2);
      const journal = new Journal(db.pool, flags['journal-schema']);
      const run = (await journal.exists()) ? await journal.run(args.run) : undefined;
      if (!run) throw new UsageError(`no run ${args.run} in the journal: see 'airbyte-secrets runs'`);
      const counts = await journal.itemCounts(run.id);
      const items = await journal.items(run.id);
      if (!this.jsonEnabled()) {
        const problems = items.filter((i) =>
          ['failed', 'conflict', 'superseded', 'pending'].includes(i.state),
        );
        this.log(
          [
            renderRuns([run]),
            `from ${run.source_store} to ${run.target_store}, by ${run.started_by}`,
            '',
            ...alignColumns([
              ['ACTION', 'STATE', 'COUNT'],
              ...counts.map((c) => [c.action, c.state, String(c.n)]),
            ]),
            ...(problems.length
              ? [
                  '',
                  ...alignColumns([
                    ['STATE', 'ITEM', 'REASON'],
                    ...problems.map((p) => [p.state, p.coordinate ?? p.item_key, p.reason ?? '']),
                  ]),
                ]
              : []),
          ].join('\n'),
        );
      }
      return { run, counts, items };
    } finally {
      await resources.close();
    }
  }
}
