import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { dumpAirbyteTables, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

const quote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`: stdin, stdout and stderr are a TTY) and
 * answers `answer` once the question appears. `-e` makes `script` exit with the CLI's code.
 */
function onPty(args: string[], env: Record<string, string>, answer: string) {
  return new Promise<{ code: number | null; output: string; asked: boolean }>((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'dumb', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let asked = false;
    const collect = (d: Buffer) => {
      output += d.toString();
      if (!asked && output.includes('Apply this plan? [y/N]')) {
        asked = true;
        child.stdin.write(`${answer}\r`);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, asked }));
  });
}

const writes = (s: TestStore) => s.emulator?.log.filter((e) => e.write).length ?? 0;

describe('migrate asks before applying on a terminal', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  const args = () => ['migrate', '--database-url', db.url, ...vault.cliArgs('to')];

  before(async () => {
    db = await seededDatabase('confirm', {
      actors: 12,
      seed: 5,
      shapes: ['plaintext', 'secret'],
      mix: { plaintext: 50, secret: 50 },
    });
    vault = await startTestStore('vault');
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('answered no: the plan summary is shown, nothing is written, exit 1', async () => {
    const before_ = await dumpAirbyteTables(db.pool);
    const r = await onPty(args(), vault.cliEnv, 'n');
    assert.ok(r.asked, r.output);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /Plan: .* -> vault .*\(not applied yet\)/);
    assert.match(r.output, /ACTION\s+REASON\s+COUNT/);
    // Progress from the first second on a terminal: a bar with counts for each planning phase.
    assert.match(r.output, /planning: reading the database \[[^\]]*\] \d+\/12 /);
    assert.match(r.output, /planning: reading both stores \[[^\]]*\] \d+\/\d+ .*ETA/);
    assert.match(r.output, /Not applied: the plan was not confirmed; nothing was written/);
    assert.equal(writes(vault), 0);
    assert.deepEqual(await dumpAirbyteTables(db.pool), before_);
    const n = await db.pool.query('SELECT count(*)::int AS n FROM airbyte_secrets.migration_run');
    assert.equal(n.rows[0].n, 0, 'no run journaled');
  });

  test('answered yes: the plan is applied', async () => {
    const r = await onPty(args(), vault.cliEnv, 'y');
    assert.ok(r.asked, r.output);
    assert.equal(r.code, 0, r.output);
    assert.ok(writes(vault) > 0);
    const runs = await db.pool.query<{ state: string }>('SELECT state FROM airbyte_secrets.migration_run');
    assert.deepEqual(
      runs.rows.map((x) => x.state),
      ['completed'],
    );
  });

  test('--yes on a terminal, and no terminal at all, do not ask', async () => {
    const yes = await onPty([...args(), '--yes'], vault.cliEnv, 'n');
    assert.equal(yes.asked, false, yes.output);
    assert.equal(yes.code, 0, yes.output);
    const piped = await runCli(args(), { env: vault.cliEnv });
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /Apply this plan/);
  });
});
