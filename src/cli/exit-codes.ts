/**
 * The exit codes every command ends with, in one table: the base command maps failures to them,
 * `audit`, `verify`, `migrate`, `sync`, `cleanup`, `rekey` and `rollback` set `FINDINGS` through
 * `finish(…, problems)`, and the README's table is generated from `EXIT_CODE_TABLE`
 * (`npm run readme`).
 */
export const EXIT = {
  /** Done, nothing to act on. */
  ok: 0,
  /** Done, and something needs a human: findings at `--fail-on`, failed or conflicting items. */
  findings: 1,
  /** Nothing (or nothing more) was done: a usage, configuration, connection or preflight error. */
  usage: 2,
  /** Stopped by SIGINT/SIGTERM (128 + SIGINT); the run can be resumed. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, per command family, for `--help` and the README. */
export const EXIT_CODE_TABLE: readonly { code: ExitCode; meaning: string }[] = [
  {
    code: EXIT.ok,
    meaning:
      'Done. `audit`: no finding at `--fail-on` (default `critical`). `verify`: every reference resolves.',
  },
  {
    code: EXIT.findings,
    meaning:
      'Done, with something to act on: `audit` findings at `--fail-on` (default `critical`; `--fail-on none` never fails); ' +
      '`verify` references that do not resolve; `migrate`, `sync`, `rekey`, `rollback`, `cleanup` items that failed, conflict or were kept; `migrate` answered no at its confirmation (nothing written).',
  },
  {
    code: EXIT.usage,
    meaning:
      'Usage, configuration, connection or preflight error, one line naming what to fix (a bad flag, a selection that matches nothing, an unknown or ambiguous run id, an unreachable database or store).',
  },
  {
    code: EXIT.interrupted,
    meaning:
      'Interrupted (SIGINT/SIGTERM) after the items in flight; the run is journaled `interrupted` and the printed command resumes it.',
  },
];

/** The table as Markdown (the README's generated section). */
export function exitCodeMarkdown(): string {
  return [
    '| Exit | Meaning |',
    '| --- | --- |',
    ...EXIT_CODE_TABLE.map((r) => `| ${r.code} | ${r.meaning} |`),
  ].join('\n');
}

/** One sentence for a command's `--help` description. */
export const EXIT_CODES_SENTENCE =
  'Exit 0 done, 1 findings or items to act on, 2 usage, configuration or connection error, 130 interrupted.';
