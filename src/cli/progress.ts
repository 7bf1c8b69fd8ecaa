import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../engine/progress.js';

const PHASE_TEXT: Record<ProgressEvent['phase'], string> = {
  plan: 'planning: reading the database',
  probe: 'planning: reading both stores',
  copy: 'copying referenced secrets',
  extract: 'extracting plaintext',
  rekey: 'moving secrets to new coordinates',
  reencrypt: 'changing encryption keys and tags',
  verify: 'verifying every reference the way Airbyte reads it',
  rollback: 'restoring configurations',
  cleanup: 'cleaning up the old store',
};

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Default heartbeat of log lines without a terminal; `AIRBYTE_SECRETS_HEARTBEAT_MS` changes it (tests). */
export const HEARTBEAT_MS = 10_000;

export interface ProgressOptions {
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  /** `json`: one JSON object per line (start, heartbeat, end of each phase), terminal or not. */
  format?: LogFormat;
  heartbeatMs?: number;
}

/** The heartbeat interval: the env override when it is a positive number, else 10 s. */
export function heartbeatMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AIRBYTE_SECRETS_HEARTBEAT_MS);
  return Number.isFinite(n) && n > 0 ? n : HEARTBEAT_MS;
}

/**
 * Progress for humans and for logs, on stderr so stdout stays the report. On a terminal (text
 * format) each phase gets a bar with counts, rate and ETA from its first event. Elsewhere (CI, a
 * Kubernetes Job) one timestamped line when a phase starts and ends, and a heartbeat line with the
 * counts at most every `heartbeatMs` while it runs; `json` makes each of them one JSON object.
 * Only phases, counts and times are ever written: never a value. Silent when `quiet`.
 */
export function progressReporter(options: ProgressOptions = {}) {
  const stream = options.stream ?? process.stderr;
  const json = options.format === 'json';
  const bars = Boolean(stream.isTTY) && !json;
  const every = options.heartbeatMs ?? heartbeatMs();
  let current: { phase: ProgressEvent['phase']; started: number; last: ProgressEvent } | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** Seconds left at the phase's rate so far (heartbeats of a phase with something done and left). */
  const etaOf = (e: ProgressEvent): number | undefined => {
    if (!current || e.done <= 0 || e.total <= e.done) return undefined;
    const elapsed = (performance.now() - current.started) / 1000;
    return Math.round((elapsed / e.done) * (e.total - e.done));
  };

  const line = (event: 'start' | 'progress' | 'end', e: ProgressEvent, seconds?: number) => {
    const time = new Date().toISOString();
    const eta = event === 'progress' ? etaOf(e) : undefined;
    if (json) {
      const record = {
        time,
        level: 'info',
        phase: e.phase,
        event,
        done: e.done,
        total: e.total,
        ...(seconds !== undefined ? { seconds } : {}),
        ...(eta !== undefined ? { etaSeconds: eta } : {}),
      };
      stream.write(`${JSON.stringify(record)}\n`);
      return;
    }
    const counts =
      event === 'start'
        ? `${e.total ? `items=${e.total} ` : ''}(${PHASE_TEXT[e.phase]})`
        : event === 'end'
          ? `done=${e.done} total=${e.total} seconds=${seconds}`
          : `done=${e.done} total=${e.total}${eta !== undefined ? ` eta=${eta}s` : ''}`;
    const state = event === 'start' ? 'started' : event === 'end' ? 'done' : 'running';
    stream.write(`time=${time} phase=${e.phase} state=${state} ${counts}\n`);
  };

  const end = () => {
    if (!current) return;
    bar?.stop();
    bar = undefined;
    if (!bars) line('end', current.last, Number(((performance.now() - current.started) / 1000).toFixed(1)));
    current = undefined;
  };

  const start = (e: ProgressEvent) => {
    current = { phase: e.phase, started: performance.now(), last: e };
    if (!bars) {
      line('start', e);
      timer ??= setInterval(() => current && line('progress', current.last), every);
      timer.unref();
      return;
    }
    bar = new cliProgress.SingleBar(
      {
        format: `${PHASE_TEXT[e.phase]} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(e.total, e.done, { rate: '0' });
  };

  const onProgress = (e: ProgressEvent) => {
    if (options.quiet) return;
    if (e.phase !== current?.phase) {
      end();
      start(e);
    }
    if (!current) return;
    current.last = e;
    if (bar) {
      const secs = (performance.now() - current.started) / 1000;
      if (bar.getTotal() !== e.total) bar.setTotal(e.total);
      bar.update(e.done, { rate: secs > 0 ? (e.done / secs).toFixed(1) : '0' });
    }
  };
  return {
    onProgress,
    done: () => {
      end();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
