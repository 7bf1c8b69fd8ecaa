import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DemoSummary } from '../../src/demo/summary.js';
import { seedDemoDatabase } from '../../src/sample/demo.js';
import { assertBuilt } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';

// Runs the BUILT CLI (bin/run.js → dist/commands) in a subprocess with the pinned Node on PATH,
// TMPDIR pointing at a fresh folder, and its own process group, so that what it leaves behind
// (files, processes) can be seen.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'node_modules', '.bin');
const PATH = `${BIN}${delimiter}${process.env.PATH ?? ''}`;
const EXIT_BOUND_MS = 180_000;
const ANY_CANARY = /canary-[0-9a-f]{16}/;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  tmp: string;
  leftInTmp: string[];
  leftProcesses: string[];
}

/** Runs the demo; the process must exit by itself within the bound (it is killed and reported otherwise). */
async function runDemo(...args: string[]): Promise<Run> {
  const tmp = await mkdtemp(join(tmpdir(), 'abs-demo-test-'));
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'demo', ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH, TMPDIR: tmp, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: anything it spawned would still be in it afterwards
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const status = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[test] still running after ${EXIT_BOUND_MS} ms: killed`;
      process.kill(-child.pid!, 'SIGKILL');
    }, EXIT_BOUND_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const leftProcesses = processesInGroup(child.pid!);
  const leftInTmp = await readdir(tmp, { recursive: true });
  return { status, stdout, stderr, tmp, leftInTmp, leftProcesses };
}

function processesInGroup(pgid: number): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[1]) === pgid)
    .map((f) => f.join(' '));
}

describe('airbyte-secrets demo (built CLI)', () => {
  let canaries: string[] = [];
  const tmps: string[] = [];

  before(async () => {
    assertBuilt();
    // The sample is seeded deterministically: seeding it again gives the demo's canary values.
    const db = await createTestDatabase('demo_canaries');
    try {
      canaries = (await seedDemoDatabase(db.url)).canaries;
    } finally {
      await db.drop();
    }
    assert.ok(canaries.length > 10);
  });

  after(async () => {
    for (const t of tmps) await rm(t, { recursive: true, force: true });
  });

  function assertClean(run: Run): void {
    tmps.push(run.tmp);
    const output = run.stdout + run.stderr;
    for (const c of canaries) assert.ok(!output.includes(c), 'no sample secret value in the output');
    assert.doesNotMatch(output, ANY_CANARY);
    assert.deepEqual(run.leftInTmp, [], 'nothing left in TMPDIR');
    assert.deepEqual(run.leftProcesses, [], 'no process left in its process group');
  }

  function assertVerified(s: DemoSummary, target: string): void {
    assert.equal(s.ok, true);
    assert.equal(s.target, target);
    assert.ok(s.plaintext.before > 0, 'the sample has plaintext in configurations');
    assert.equal(s.plaintext.after, 0, 'none is left after the migration');
    assert.ok(s.verified.coordinates > 0);
    assert.equal(s.verified.resolved, s.verified.coordinates, 'every reference resolves in the target');
    assert.equal(s.verified.failures, 0);
    assert.ok(s.verified.references >= s.verified.coordinates);
    assert.match(s.runId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(s.runStates.rewritten, s.plaintext.before);
    assert.deepEqual(
      s.steps.map((step) => [step.command.split(' ').slice(0, 2).join(' '), step.exitCode]),
      [
        ['airbyte-secrets audit', 0],
        ['airbyte-secrets migrate', 0],
        ['airbyte-secrets migrate', 0],
        ['airbyte-secrets verify', 0],
        ['airbyte-secrets audit', 0],
      ],
    );
    assert.ok(s.steps[1]!.command.endsWith('--dry-run'));
    assert.equal(s.switchTo?.env.SECRET_PERSISTENCE !== undefined, true);
    assert.equal(s.sample.secretsPlanted > 0, true);
    assert.equal(s.keptTemp, undefined);
  }

  test('--json prints only the summary: plaintext before > 0, after 0, every reference verified in Vault', async () => {
    const run = await runDemo('--json');
    assert.equal(run.status, 0, run.stderr);
    assertClean(run);
    assertVerified(JSON.parse(run.stdout) as DemoSummary, 'vault');
  });

  test('without --json: a heading before each real command, then the summary', async () => {
    const run = await runDemo();
    assert.equal(run.status, 0, run.stderr);
    assertClean(run);
    const headings = run.stdout.split('\n').filter((l) => /^── \d\/5 /.test(l));
    assert.equal(headings.length, 5);
    assert.match(run.stdout, /\$ airbyte-secrets migrate .*--to vault .*--dry-run/);
    assert.match(run.stdout, /Plaintext secrets in connector configurations: [1-9]\d* before → 0 after\./);
    assert.match(run.stdout, /SECRET_PERSISTENCE=VAULT/);
    assert.match(run.stdout, /Everything verified\./);
  });

  for (const target of ['aws', 'gcp', 'azure']) {
    test(`--to ${target} migrates to that store's emulator and verifies`, async () => {
      const run = await runDemo('--to', target, '--json');
      assert.equal(run.status, 0, run.stderr);
      assertClean(run);
      assertVerified(JSON.parse(run.stdout) as DemoSummary, target);
    });
  }

  test('--keep-temp keeps the folder with the summary and the database files', async () => {
    const run = await runDemo('--json', '--keep-temp');
    tmps.push(run.tmp);
    assert.equal(run.status, 0, run.stderr);
    const s = JSON.parse(run.stdout) as DemoSummary;
    assert.ok(s.keptTemp?.startsWith(run.tmp));
    const kept = await readdir(s.keptTemp!);
    assert.deepEqual(kept.sort(), ['pgdata', 'summary.json']);
    const saved = JSON.parse(await readFile(join(s.keptTemp!, 'summary.json'), 'utf8')) as DemoSummary;
    assert.equal(saved.runId, s.runId);
    const files = (await readdir(s.keptTemp!, { recursive: true })).length;
    assert.ok(files > 2);
    assert.deepEqual(run.leftProcesses, []);
  });

  test('an unknown target is a usage error (exit 2)', async () => {
    const run = await runDemo('--to', 'dropbox');
    tmps.push(run.tmp);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--to/);
    assert.deepEqual(run.leftInTmp, []);
  });
});
