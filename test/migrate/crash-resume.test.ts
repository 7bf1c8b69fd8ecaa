import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { readInventory } from '../../src/airbyte/inventory.js';
import { getAt } from '../../src/airbyte/json-path.js';
import { dumpAirbyteTables, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { BIN, parseJson, ROOT, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/** Deterministic draws so that a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts `migrate`, waits until it reports that `phase` started, lets it run a random while more,
 * then SIGKILLs it. Resolves with the phase it was in when killed (or 'finished').
 */
function killDuring(args: string[], env: Record<string, string>, phase: 'copy' | 'extract', delayMs: number) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let current = 'start';
    let armed = false;
    child.stderr.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/phase=(\w+) state=started/g)) current = m[1]!;
      if (
        !armed &&
        (current === phase || (phase === 'copy' && current === 'extract') || current === 'verify')
      ) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(signal === 'SIGKILL' ? current : `finished(${code})`));
  });
}

describe('migrate killed with SIGKILL at random points, 20 times, then resumed', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let before_: Map<string, unknown>;
  let originalSecrets: Set<string>;

  before(async () => {
    db = await seededDatabase('crash', {
      actors: 80,
      seed: 21,
      shapes: ['plaintext', 'secret', 'secret-with-reference', 'oauth-parameters', 'webhooks'],
      mix: { plaintext: 45, secret: 50, 'secret-with-reference': 5 },
    });
    // Slow enough that every kill lands mid-phase.
    vault = await startTestStore('vault', { emulator: { latencyMs: 20 } });
    before_ = new Map();
    for await (const row of readInventory(db.pool)) before_.set(`${row.holder}:${row.rowId}`, row.config);
    originalSecrets = new Set(
      (await dumpAirbyteTables(db.pool)).secrets!.map((r) => JSON.parse(r)[0] as string),
    );
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('every secret ends correct and nothing is duplicated', async () => {
    const args = ['migrate', '--database-url', db.url, ...vault.cliArgs('to'), '--concurrency', '4'];
    const random = prng(2026);
    const phases: string[] = [];
    // Ten kills early in the copy phase (each lets a little more through), then ten in the rewrite.
    for (let i = 0; i < 20; i++) {
      const copy = i < 10;
      phases.push(
        await killDuring(
          args,
          vault.cliEnv,
          copy ? 'copy' : 'extract',
          Math.floor(random() * (copy ? 100 : 400)),
        ),
      );
    }
    assert.ok(phases.filter((p) => p === 'copy').length >= 3, `kills during copy: ${phases.join(',')}`);
    assert.ok(phases.filter((p) => p === 'extract').length >= 3, `kills during rewrite: ${phases.join(',')}`);

    const final = await runCli([...args, '--json'], { env: vault.cliEnv });
    assert.equal(final.code, 0, final.stdout.slice(0, 2000) + final.stderr.slice(0, 2000));
    const result = parseJson<{ ok: boolean; resumed: boolean; verification: { failures: unknown[] } }>(final);
    assert.equal(result.ok, true);
    assert.deepEqual(result.verification.failures, []);

    // Every planted value is readable under the reference its row now holds.
    const store = await vault.open();
    const referenced = new Set<string>();
    for await (const row of readInventory(db.pool)) {
      const original = before_.get(`${row.holder}:${row.rowId}`);
      for (const r of row.records) {
        if (!r.node.coordinate) continue;
        referenced.add(r.node.coordinate);
        const was = getAt(original, r.path);
        if (typeof was === 'string' && !was.startsWith('*')) {
          assert.equal(
            (await store.read(r.node.coordinate))?.reveal(),
            was,
            `${row.holder}/${row.rowId} ${r.path}`,
          );
        }
      }
      assert.ok(!row.records.some((r) => r.node.kind === 'plaintext'), 'no plaintext left');
    }
    // Nothing duplicated: the target holds exactly the referenced names, the source nothing extra.
    const inVault = new Set<string>();
    for await (const name of store.list()) inVault.add(name);
    assert.deepEqual(
      [...inVault].filter((n) => !referenced.has(n)),
      [],
      'no orphan in the target',
    );
    const secretsNow = (await dumpAirbyteTables(db.pool)).secrets!.map((r) => JSON.parse(r)[0] as string);
    assert.deepEqual(
      secretsNow.filter((c) => !originalSecrets.has(c) && !referenced.has(c)),
      [],
      'no orphan in the source store',
    );
    const runs = await db.pool.query(`SELECT count(*)::int AS n FROM airbyte_secrets.migration_run`);
    assert.equal(runs.rows[0].n, 1, 'every attempt resumed the same run');
  });
});
