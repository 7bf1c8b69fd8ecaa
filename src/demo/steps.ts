import type { Config } from '@oclif/core';
import { renderHeading } from './render.js';
import { runCommandInProcess } from './run-command.js';
import type { DemoResults, DemoStep } from './summary.js';

export interface StepsContext {
  config: Config;
  target: string;
  databaseUrl: string;
  /** The target's flags (address, region, endpoint…); credentials travel in the environment. */
  storeFlags: string[];
  quiet: boolean;
  log: (text: string) => void;
}

/**
 * The five real commands of the demo, in order, each after a heading saying what it shows. A
 * step that could not run at all (exit 2: usage, configuration, connection) stops the rest; one
 * that found problems (exit 1) does not, so the summary can show where things stand.
 */
export async function runDemoSteps(ctx: StepsContext): Promise<{ results: DemoResults; steps: DemoStep[] }> {
  const { config, target, quiet, log } = ctx;
  const database = ['--database-url', ctx.databaseUrl];
  const migrate = [...database, '--from', 'database', '--to', target, ...ctx.storeFlags];
  const plan = [
    {
      key: 'auditBefore',
      title: 'Audit: what the database exposes now',
      why: "Every secret in Airbyte's config database, where it is and what is wrong with it. Values typed into a configuration and values in Airbyte's default `secrets` table are readable by anyone who can read the database.",
      id: 'audit',
      // The demo plants critical findings on purpose: they are what the migration fixes.
      args: [...database, '--fail-on', 'none'],
    },
    {
      key: 'plan',
      title: `Plan: what moving to ${target} would do (nothing is written)`,
      why: 'Reads the database and both stores: each referenced secret is copied under the same coordinate, each plaintext value is extracted into a new one.',
      id: 'migrate',
      args: [...migrate, '--dry-run'],
    },
    {
      key: 'migrate',
      title: `Migrate to ${target}`,
      why: 'Writes each secret, reads it back and compares, journals it, then rewrites each configuration in its own transaction that refuses rows changed meanwhile. The run id lets you resume or roll back.',
      id: 'migrate',
      args: migrate,
    },
    {
      key: 'verify',
      title: `Verify: every reference resolves in ${target}, the way Airbyte reads it`,
      why: "Resolves every reference in the database against the target as Airbyte's hydration does; a missing or blank value fails.",
      id: 'verify',
      args: [...database, '--store', target, ...ctx.storeFlags],
    },
    {
      key: 'auditAfter',
      title: 'Audit again: no plaintext left in a configuration',
      why: 'The same audit as step 1, after the migration.',
      id: 'audit',
      args: database,
    },
  ] as const;

  const results: Record<string, unknown> = {};
  const steps: DemoStep[] = [];
  for (const [i, s] of plan.entries()) {
    const command = `${config.bin} ${s.id} ${s.args.join(' ')}`;
    if (!quiet) log(renderHeading(i + 1, plan.length, s.title, s.why, command));
    const outcome = await runCommandInProcess(config, s.id, [...s.args], { quiet });
    results[s.key] = outcome;
    steps.push({
      title: s.title,
      command,
      exitCode: outcome.exitCode,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    if (outcome.exitCode === 2) break;
  }
  // Each key holds the outcome of the command named in `plan`, whose run() returns that type.
  return { results: results as DemoResults, steps };
}
