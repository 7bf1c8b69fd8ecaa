import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/run.js');

/**
 * Fails with one clear line when the CLI has not been built: the tests that spawn bin/run.js run
 * dist/, which `npm test` builds in `pretest` (a single test file run by hand does not). Every
 * file under commands/ must have its compiled twin, so a command added since the last build is
 * seen too.
 */
export function assertBuilt(): void {
  const sources = readdirSync(join(ROOT, 'commands'), { recursive: true, encoding: 'utf8' });
  for (const source of sources.filter((f) => f.endsWith('.ts'))) {
    const built = join(ROOT, 'dist', 'commands', source.replace(/\.ts$/, '.js'));
    if (!existsSync(built)) {
      throw new Error(`the CLI is not built (no ${relative(ROOT, built)}): run \`npm run build\` first`);
    }
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`npm test` builds first) in a subprocess with the same Node 22 binary, no
 * TTY, and only the env given plus PATH/HOME, so Airbyte env vars of the developer's shell never
 * leak into a test.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; killAfterMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer =
      options.killAfterMs !== undefined
        ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
        : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Parses the `--json` output of a command. */
export function parseJson<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  }
}

/**
 * Starts the CLI without a terminal, sends `signal` once a heartbeat shows `phase` with at least
 * one item done, and collects everything.
 */
export function interruptDuring(
  args: string[],
  env: Record<string, string>,
  phase: string,
  signal: NodeJS.Signals,
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const beat = new RegExp(`phase=${phase} state=running done=([1-9]\\d*)`);
      if (!sent && beat.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The printed resume command as argv for bin/run.js (it is printed with shell quoting). */
export function resumeArgs(stderr: string): string[] {
  const line = /^Resume with: (.*)$/m.exec(stderr)?.[1];
  assert.ok(line, `no resume line in: ${stderr}`);
  const words = [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] ?? ''),
  );
  assert.equal(words[0], 'airbyte-secrets');
  return words.slice(1);
}
