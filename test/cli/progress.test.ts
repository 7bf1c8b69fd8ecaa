import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { heartbeatMs, progressReporter } from '../../src/cli/progress.js';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/** A stderr stand-in that is not a terminal and keeps what is written. */
function fakeStream() {
  const lines: string[] = [];
  let waiting: Array<() => void> = [];
  const stream = {
    isTTY: false,
    write(text: string) {
      lines.push(...text.split('\n').filter(Boolean));
      for (const w of waiting) w();
      waiting = [];
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  // The reporter's timer does not keep the process alive (unref): this wait does.
  const until = async (pred: () => boolean) => {
    while (!pred()) {
      await new Promise<void>((r) => {
        const keep = setTimeout(r, 1000);
        waiting.push(() => {
          clearTimeout(keep);
          r();
        });
      });
    }
  };
  return { stream, lines, until };
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe('progress without a terminal', () => {
  test('a timestamped line when a phase starts and ends, heartbeats with counts in between', async () => {
    const { stream, lines, until } = fakeStream();
    const p = progressReporter({ stream, heartbeatMs: 5 });
    p.onProgress({ phase: 'plan', done: 0, total: 10 });
    assert.match(lines[0] ?? '', new RegExp(`^time=${ISO.source} phase=plan state=started items=10 `));
    p.onProgress({ phase: 'plan', done: 4, total: 10 });
    await until(() => lines.some((l) => l.includes('state=running')));
    const beat = lines.find((l) => l.includes('state=running')) ?? '';
    assert.match(beat, new RegExp(`^time=${ISO.source} phase=plan state=running done=4 total=10 eta=\\d+s$`));
    p.onProgress({ phase: 'copy', done: 0, total: 3 });
    assert.ok(lines.some((l) => /phase=plan state=done done=4 total=10 seconds=/.test(l)));
    assert.ok(lines.some((l) => /phase=copy state=started items=3/.test(l)));
    p.done();
    assert.match(lines.at(-1) ?? '', /phase=copy state=done done=0 total=3 seconds=/);
  });

  test('--log-format json: one JSON object per line, terminal or not', async () => {
    const { stream, lines, until } = fakeStream();
    (stream as { isTTY: boolean }).isTTY = true;
    const p = progressReporter({ stream, format: 'json', heartbeatMs: 5 });
    p.onProgress({ phase: 'copy', done: 0, total: 2 });
    p.onProgress({ phase: 'copy', done: 1, total: 2 });
    await until(() => lines.length >= 2);
    p.done();
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      records.map((r) => r.event),
      ['start', ...records.slice(1, -1).map(() => 'progress'), 'end'],
    );
    for (const r of records) {
      assert.match(String(r.time), ISO);
      assert.equal(r.level, 'info');
      assert.equal(r.phase, 'copy');
      assert.equal(r.total, 2);
    }
    assert.equal(typeof records.at(-1)?.seconds, 'number');
    assert.ok(
      records.slice(1, -1).every((r) => typeof r.etaSeconds === 'number'),
      'heartbeats carry an ETA',
    );
  });

  test('the heartbeat interval is 10 s unless AIRBYTE_SECRETS_HEARTBEAT_MS says otherwise', () => {
    assert.equal(heartbeatMs({}), 10_000);
    assert.equal(heartbeatMs({ AIRBYTE_SECRETS_HEARTBEAT_MS: '250' }), 250);
    assert.equal(heartbeatMs({ AIRBYTE_SECRETS_HEARTBEAT_MS: 'soon' }), 10_000);
  });
});

describe('plan --log-format json through the CLI', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  before(async () => {
    db = await seededDatabase('progress_json', { actors: 10, seed: 2, shapes: ['plaintext', 'secret'] });
    vault = await startTestStore('vault', { emulator: { latencyMs: 5 } });
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('planning reports from its first event: rows read, then both stores probed; never a value', async () => {
    const r = await runCli(
      ['plan', '--database-url', db.url, ...vault.cliArgs('to'), '--log-format', 'json'],
      { env: { ...vault.cliEnv, AIRBYTE_SECRETS_HEARTBEAT_MS: '1' } },
    );
    assert.equal(r.code, 0, r.stderr);
    const records = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { phase: string; event: string; done: number; total: number });
    assert.deepEqual(records[0] && [records[0].phase, records[0].event], ['plan', 'start']);
    const phases = [...new Set(records.map((x) => x.phase))];
    assert.deepEqual(phases, ['plan', 'probe']);
    const end = records.find((x) => x.phase === 'plan' && x.event === 'end');
    assert.ok(end && end.done === end.total && end.total >= 10, JSON.stringify(end));
    assert.deepEqual(leakedCanaries(r.stdout + r.stderr, db.manifest.canaries), []);
  });
});
