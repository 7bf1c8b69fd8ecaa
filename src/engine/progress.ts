/**
 * Progress of the phases that take time, for a progress bar or log lines (runs, audit, cleanup).
 * Every phase reports `done: 0` when it starts, so a display shows it from its first second:
 * `plan` counts the rows read, `probe` the coordinates read from both stores while planning.
 */
export interface ProgressEvent {
  phase: 'plan' | 'probe' | 'copy' | 'extract' | 'rekey' | 'reencrypt' | 'verify' | 'rollback' | 'cleanup';
  done: number;
  total: number;
}
