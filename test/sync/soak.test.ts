import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runMigration } from '../../src/migrate/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, BIN, ROOT } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { insertConnector, nextVersion, pointActorAt } from './connectors.js';

/**
 * Plays Airbyte through a rolling upgrade from the database store to another: writers create and
 * edit connectors (a new coordinate each time, written to the store their setting names, then the
 * row), readers hydrate every connector from the store their setting names. Old pods only, then
 * old and new side by side, then new only. With `sync --follow` running throughout nothing fails
 * to hydrate; without it, it does. What sync promises is that a coordinate referenced when a pass
 * starts is in both stores when the pass ends, so a reader (a job) hydrates the configurations
 * saved before the start of the last finished pass (its start is printed: end minus its ms, less
 * a second for commits), which is the lag an operator sees in sync's pass lines; machine load
 * changes the lag, not the outcome. Without sync, readers wait a fixed 6 s instead.
 * `SOAK_LONG=1` runs the full size (2 minutes, at least 1,000 writes) for `npm run bench`.
 */
assertBuilt();
const LONG = process.env.SOAK_LONG === '1';
const DURATION_MS = LONG ? 120_000 : 30_000;
const MIN_WRITES = LONG ? 1000 : 150;
const INTERVAL_S = 1;
/** Without sync: how old a configuration is before a reader hydrates it. */
const GRACE_MS = 6000;
/** Readers stop at the latest this long after the last write, whatever the cutoff. */
const READ_TAIL_MS = 60_000;

interface Soak {
  writes: number;
  hydrations: number;
  failed: number;
}

/**
 * `cutoff()`: readers hydrate configurations saved before it (the start of sync's last finished
 * pass, or now minus the grace without sync).
 */
async function playAirbyte(
  db: SeededDatabase,
  oldStore: SecretStore,
  newStore: SecretStore,
  cutoff: () => Date = () => new Date(Date.now() - GRACE_MS),
): Promise<Soak> {
  const soak: Soak = { writes: 0, hydrations: 0, failed: 0 };
  const actors: Array<{ id: string; coordinate: string; busy?: boolean }> = [];
  const started = Date.now();
  const phase = () => (Date.now() - started) / DURATION_MS;
  const writesEnd = started + DURATION_MS;
  const writer = async (store: SecretStore, active: (p: number) => boolean) => {
    while (phase() < 1) {
      if (!active(phase())) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const existing =
        actors.length > 5 && Math.random() < 0.5
          ? actors[Math.floor(Math.random() * actors.length)]
          : undefined;
      if (existing && !existing.busy) {
        // One edit of a connector at a time, as Airbyte's API serialises them.
        existing.busy = true;
        const coordinate = nextVersion(existing.coordinate);
        await store.write(coordinate, new SecretValue(`soak-${randomUUID()}`));
        await pointActorAt(db.pool, existing.id, coordinate);
        existing.coordinate = coordinate;
        existing.busy = false;
      } else {
        const c = await insertConnector(db.pool);
        await store.write(c.coordinate, new SecretValue(`soak-${randomUUID()}`));
        await c.insert();
        actors.push({ id: c.actorId, coordinate: c.coordinate });
      }
      soak.writes += 1;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const reader = async (store: SecretStore, active: (p: number) => boolean) => {
    // Readers go on after the last write until the cutoff has passed it (a last sweep reads them all).
    for (;;) {
      const until = cutoff();
      const caughtUp = phase() >= 1 && (until.getTime() > writesEnd || Date.now() > writesEnd + READ_TAIL_MS);
      if (!active(phase())) {
        if (caughtUp) return;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const rows = await db.pool.query<{ c: string }>(
        `SELECT configuration->'soak_credential'->>'_secret' AS c FROM actor
          WHERE configuration ? 'soak_credential' AND updated_at < $1`,
        [until],
      );
      for (const { c } of rows.rows) {
        soak.hydrations += 1;
        const value = await store.read(c, { asAirbyte: true });
        if (!value || value.isBlank) soak.failed += 1;
      }
      if (caughtUp) return;
      // A sweep a second: the emulators share this process with the readers.
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  // Old pods until 60 %, new pods from 40 %: both run for a while, as in a rolling upgrade.
  await Promise.all([
    writer(oldStore, (p) => p < 0.6),
    writer(newStore, (p) => p >= 0.4),
    reader(oldStore, (p) => p < 0.6),
    reader(newStore, (p) => p >= 0.4),
  ]);
  return soak;
}

function startSync(
  db: SeededDatabase,
  target: TestStore,
): { child: ChildProcess; stopped: Promise<number | null>; out: () => string; coveredUntil: () => Date } {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'sync',
      '--database-url',
      db.url,
      '--from',
      'database',
      ...target.cliArgs('to'),
      '--follow',
      '--interval',
      String(INTERVAL_S),
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...target.cliEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let line = '';
  // The start of the last finished pass, less a second for transactions committing late.
  let covered = new Date(0);
  child.stdout?.on('data', (d: Buffer) => {
    const text = d.toString();
    out += text;
    const lines = (line + text).split('\n');
    line = lines.pop() ?? '';
    for (const l of lines) {
      const ms = /^pass \d+.*, (\d+) ms$/.exec(l)?.[1];
      if (ms) covered = new Date(Date.now() - Number(ms) - 1000);
    }
  });
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    coveredUntil: () => covered,
    stopped: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    out: () => out,
  };
}

for (const kind of ['vault', 'aws'] as const) {
  describe(`soak: database → ${kind} under a rolling upgrade`, () => {
    let db: SeededDatabase;
    let database: TestStore;
    let target: TestStore;
    before(async () => {
      db = await seededDatabase(`soak_${kind}`, { actors: 12, shapes: ['secret'], seed: 3 });
      database = await startTestStore('database', { databaseUrl: db.url });
      target = await startTestStore(kind);
      const migrated = await runMigration({
        pool: db.pool,
        source: await database.open(),
        target: await target.open(),
      });
      assert.equal(migrated.ok, true);
    });
    after(async () => {
      await target.close();
      await database.close();
      await db.close();
    });

    test('with sync --follow running: no hydration fails', async () => {
      const sync = startSync(db, target);
      await new Promise((r) => setTimeout(r, 2500));
      const soak = await playAirbyte(db, await database.open(), await target.open(), sync.coveredUntil);
      sync.child.kill('SIGTERM');
      assert.equal(await sync.stopped, 0, sync.out());
      assert.ok(soak.writes >= MIN_WRITES, `${soak.writes} writes`);
      assert.ok(soak.hydrations > soak.writes, `${soak.hydrations} hydrations`);
      assert.equal(
        soak.failed,
        0,
        `${soak.failed} of ${soak.hydrations} hydrations failed\n${sync.out().slice(-3000)}`,
      );
      console.log(
        `# soak ${kind}: ${soak.writes} writes, ${soak.hydrations} hydrations, ${soak.failed} failed`,
      );
    });

    test('without sync the same upgrade breaks connectors (so the test can fail)', async () => {
      const soak = await playAirbyte(db, await database.open(), await target.open());
      assert.ok(soak.failed > 0, 'some hydrations fail without sync');
      console.log(
        `# soak ${kind} without sync: ${soak.writes} writes, ${soak.hydrations} hydrations, ${soak.failed} failed`,
      );
    });
  });
}
