import { BaseCommand } from '../../src/cli/base-command.js';
import { example } from '../../src/cli/examples.js';
import { runArgs } from '../../src/cli/rollback-flags.js';
import { type RunDetails, recordedRun } from '../../src/journal/recorded-runs.js';
import { renderRunDetails } from '../../src/report/run-details.js';

export default class RunsShow extends BaseCommand {
  static override summary = 'Show one run: its options, counts and every item that failed or needs a human.';
  static override description =
    "Prints the run's stores, operator, options and item counts by action and state, then each item that failed, conflicted, was superseded or is still pending, with the reason (never a value).";
  static override examples = [example('Details of a run', '3f0c2a1e-…')];
  static override args = runArgs;

  async run(): Promise<RunDetails> {
    const { args, flags } = await this.parse(RunsShow);
    const db = await this.openDatabase(flags, 2);
    return this.finish(await recordedRun(db.pool, flags['journal-schema'], args.run), renderRunDetails);
  }
}
