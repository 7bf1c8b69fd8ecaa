import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../engine/progress.js';

const PHASE_TEXT: Record<ProgressEvent['phase'], string> = {
  plan: 'planning (reading the database and probing both stores)',
  copy: 'copying referenced secrets',
  extract: 'extracting plaintext',
  rekey: 'moving secrets to new coordinates',
  reencrypt: 'changing encryption keys and tags',
  verify: 'verifying every reference the way Airbyte reads it',
  rollback: 'restoring configurations',
  cleanup: 'cleaning up the old store',
};

/**
 * Progress for humans: a bar with rate and ETA per phase on a terminal; elsewhere (CI, a
 * Kubernetes Job) one structured line when a phase starts and one when it ends. Writes to stderr
 * so stdout stays clean for `--json`. Silent when `quiet`.
 */
export function progressReporter(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}) {
  const stream = options.stream ?? process.stderr;
  let phase: ProgressEvent['phase'] | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  const end = (last?: ProgressEvent) => {
    if (!phase) return;
    bar?.stop();
    bar = undefined;
    if (!stream.isTTY && !options.quiet) {
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      stream.write(`phase=${phase} state=done items=${last?.total ?? 0} seconds=${secs}\n`);
    }
    phase = undefined;
  };
  let lastEvent: ProgressEvent | undefined;
  const onProgress = (e: ProgressEvent) => {
    if (options.quiet) return;
    if (e.phase !== phase) {
      end(lastEvent);
      phase = e.phase;
      started = performance.now();
      if (stream.isTTY && e.total > 1) {
        bar = new cliProgress.SingleBar(
          {
            format: `${PHASE_TEXT[e.phase]} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted}`,
            stream,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, e.done, { rate: '0' });
      } else if (!stream.isTTY) {
        stream.write(`phase=${e.phase} state=started items=${e.total} (${PHASE_TEXT[e.phase]})\n`);
      }
    }
    lastEvent = e;
    if (bar) {
      const secs = (performance.now() - started) / 1000;
      bar.update(e.done, { rate: secs > 0 ? (e.done / secs).toFixed(1) : '0' });
    }
  };
  return { onProgress, done: () => end(lastEvent) };
}
