import type { EmulatorOptions, RequestLogEntry } from '../src/emulators/harness.js';
import { EMULATORS, type EmulatorKind } from '../src/emulators/index.js';

/**
 * Child process that runs one emulator, so that the provider's side of the wire does not share
 * the benchmark's event loop (a real provider is another machine). Started by remote-emulator.ts
 * with the kind and options as JSON in argv[2]; answers `summary` and `close` messages over IPC.
 */

export interface EmulatorSummary {
  requests: number;
  /** Requests refused by the quota (429 / ThrottlingException / RESOURCE_EXHAUSTED). */
  throttled: number;
  /** State-changing requests the emulator carried out. */
  writesAdmitted: number;
  /** Milliseconds between the first and the last admitted write (emulator clock). */
  writeSpanMs: number;
  byOperation: Record<string, number>;
}

export type ChildRequest = { type: 'summary' } | { type: 'reset' } | { type: 'close' };
export type ChildReply =
  | { type: 'ready'; url: string; port: number; credentials: Record<string, string> }
  | { type: 'summary'; summary: EmulatorSummary }
  | { type: 'reset-done' }
  | { type: 'failed'; message: string };

const THROTTLE_OUTCOMES = new Set(['429', 'RESOURCE_EXHAUSTED', 'ThrottlingException']);

export function isThrottle(e: RequestLogEntry): boolean {
  return THROTTLE_OUTCOMES.has(e.outcome) || e.outcome.includes('Throttl');
}

export function summarize(log: readonly RequestLogEntry[]): EmulatorSummary {
  const byOperation: Record<string, number> = {};
  let throttled = 0;
  let writesAdmitted = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const e of log) {
    byOperation[e.operation] = (byOperation[e.operation] ?? 0) + 1;
    if (isThrottle(e)) throttled++;
    else if (e.write && /^(2\d\d|OK)$/.test(e.outcome)) {
      writesAdmitted++;
      first = Math.min(first, e.at);
      last = Math.max(last, e.at);
    }
  }
  return {
    requests: log.length,
    throttled,
    writesAdmitted,
    writeSpanMs: writesAdmitted > 1 ? last - first : 0,
    byOperation,
  };
}

async function main(): Promise<void> {
  const { kind, options } = JSON.parse(process.argv[2] ?? '{}') as {
    kind: EmulatorKind;
    options: EmulatorOptions;
  };
  const send = (m: ChildReply) => process.send?.(m);
  try {
    const emulator = await EMULATORS[kind](options);
    process.on('message', (m: ChildRequest) => {
      if (m.type === 'summary') send({ type: 'summary', summary: summarize(emulator.log) });
      else if (m.type === 'reset') {
        emulator.log.length = 0;
        send({ type: 'reset-done' });
      } else if (m.type === 'close') void emulator.close().finally(() => process.exit(0));
    });
    process.on('disconnect', () => void emulator.close().finally(() => process.exit(0)));
    send({ type: 'ready', url: emulator.url, port: emulator.port, credentials: emulator.credentials });
  } catch (err) {
    send({ type: 'failed', message: (err as Error).message });
    process.exit(1);
  }
}

if (process.send) await main();
