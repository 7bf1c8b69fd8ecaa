import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorOptions } from '../src/emulators/harness.js';
import type { EmulatorKind } from '../src/emulators/index.js';
import { packageRoot } from '../src/util/package-root.js';
import type { ChildReply, ChildRequest, EmulatorSummary } from './emulator-process.js';

export type { EmulatorSummary } from './emulator-process.js';

/** An emulator running in its own process, reached over loopback like a remote provider. */
export interface RemoteEmulator {
  kind: EmulatorKind;
  url: string;
  credentials: Record<string, string>;
  /** What the emulator saw since it started (or since the last `reset`). */
  summary(): Promise<EmulatorSummary>;
  /** Forgets the requests seen so far (after a warm-up). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./emulator-process.ts', import.meta.url));

/** Forks a child running the emulator of `kind` with `options` (latency, quota) and waits until it listens. */
export async function startRemoteEmulator(
  kind: EmulatorKind,
  options: EmulatorOptions,
): Promise<RemoteEmulator> {
  const child = fork(CHILD, [JSON.stringify({ kind, options })], {
    cwd: packageRoot(),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextReply(child, 'ready');
  if (ready.type !== 'ready') throw new Error(`the ${kind} emulator did not start`);
  return {
    kind,
    url: ready.url,
    credentials: ready.credentials,
    async summary() {
      const reply = nextReply(child, 'summary');
      send(child, { type: 'summary' });
      const r = await reply;
      if (r.type !== 'summary') throw new Error('no summary from the emulator');
      return r.summary;
    },
    async reset() {
      const reply = nextReply(child, 'reset-done');
      send(child, { type: 'reset' });
      await reply;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send(child, { type: 'close' });
      await exited;
    },
  };
}

function send(child: ChildProcess, m: ChildRequest): void {
  child.send(m);
}

function nextReply(child: ChildProcess, type: ChildReply['type']): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildReply) => {
      if (m.type === 'failed') done(() => reject(new Error(`emulator: ${m.message}`)));
      else if (m.type === type) done(() => resolve(m));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`emulator exited (${code})`)));
    const done = (f: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      f();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
