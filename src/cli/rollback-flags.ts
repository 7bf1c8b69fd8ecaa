import { Args, Flags } from '@oclif/core';
import { Journal, type RunRow } from '../journal/index.js';
import { parseStoreKind } from '../stores/registry.js';
import { UsageError } from '../util/errors.js';
import { deletionFlags } from './cleanup-flags.js';
import { fromStoreFlags, targetStoreFlags, toStoreFlags } from './store-flags.js';

/** The run argument of `rollback` and `runs show`: a run id or a unique prefix of it. */
export const runArgs = {
  run: Args.string({ required: true, description: 'Run id, or a unique prefix of it (from `runs`).' }),
};

const { from: _from, ...fromSettings } = fromStoreFlags;
const { to: _to, ...toSettings } = toStoreFlags;

/** `rollback`'s flags: the stores default to the run's own (from the journal). */
export const rollbackFlags = {
  ...fromSettings,
  ...toSettings,
  ...targetStoreFlags,
  ...deletionFlags,
  from: Flags.string({
    summary: "Source store of the run (default: the run's, from the journal).",
    helpGroup: 'SOURCE STORE',
  }),
  to: Flags.string({
    summary: "Target store of the run (default: the run's, from the journal).",
    helpGroup: 'TARGET STORE',
  }),
  'delete-created': Flags.boolean({
    summary: 'Also delete the secrets the run created that no configuration references any more.',
  }),
};

/** The run to roll back (id or unique prefix); one line and exit 2 when there is none. */
export async function runToRollBack(pool: Journal['pool'], schema: string, typed: string): Promise<RunRow> {
  const journal = new Journal(pool, schema);
  if (!(await journal.exists())) throw new UsageError('no journal in this database: nothing to roll back');
  const run = await journal.run(typed);
  if (!run) throw new UsageError(`no run ${typed} in the journal: see 'airbyte-secrets runs'`);
  return run;
}

/**
 * The store kinds a rollback opens: the run's, as journaled; a `--from`/`--to` the operator typed
 * must say the same (their settings still come from the env, values files and flags).
 */
export function storesOfRun(
  run: Pick<RunRow, 'id' | 'source_kind' | 'target_kind'>,
  flags: { from?: string | undefined; to?: string | undefined },
): { from: string; to: string } {
  for (const [flag, given, journaled] of [
    ['--from', flags.from, run.source_kind],
    ['--to', flags.to, run.target_kind],
  ] as const) {
    if (given !== undefined && parseStoreKind(given) !== journaled) {
      throw new UsageError(
        `run ${run.id} went from ${run.source_kind} to ${run.target_kind}, not ${flag} ${given}: drop ${flag} (the journal knows it) or name another run`,
      );
    }
  }
  return { from: run.source_kind, to: run.target_kind };
}
