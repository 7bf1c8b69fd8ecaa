/** Progress of the phases that take time, for a progress bar or log lines (runs, audit, cleanup). */
export interface ProgressEvent {
  phase: 'plan' | 'copy' | 'extract' | 'rekey' | 'reencrypt' | 'verify' | 'rollback' | 'cleanup';
  done: number;
  total: number;
}
