import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/run.js';
import { QUICK_OPTIONS, runBenchmarks } from '../../bench/suite.js';
import { COLUMNS, renderTable } from '../../bench/table.js';

/**
 * Keeps the benchmark modules from rotting: every section runs on tiny sizes against the real
 * PostgreSQL and the emulators. Nothing about speed is asserted (timings belong to `npm run bench`).
 */
test('the benchmarks run end to end on tiny sizes and fill every column of the table', async () => {
  const parsed = parseBenchArgs(['--quick', '--actors', '200', '--secrets', '40', '--e2e-actors', '60']);
  assert.notEqual(parsed, 'help');
  if (parsed === 'help') return;
  assert.deepEqual(parsed.options, { ...QUICK_OPTIONS, inventoryActors: [200], secrets: 40, e2eActors: 60 });

  const report = await runBenchmarks(parsed.options);
  // One latency row per latency, capacity, held-out, one per store, the shared-quota copy, scale,
  // one inventory row, one end to end.
  assert.equal(
    report.rows.length,
    QUICK_OPTIONS.latencies.length + 1 + 1 + QUICK_OPTIONS.stores.length + 1 + 1 + 1 + 1,
  );
  assert.ok(report.heldOut?.ok, 'the held-out migrate ran through the CLI');
  assert.ok(report.scale && report.scale.items > 0, 'the scale plan ran');
  for (const row of report.rows) {
    assert.deepEqual(Object.keys(row), [...COLUMNS]);
    for (const column of COLUMNS) assert.ok(row[column].length > 0, `${row.Benchmark}: ${column} is filled`);
  }
  const header = renderTable(report.rows).split('\n')[0]!;
  for (const column of COLUMNS) assert.ok(header.includes(column), `the table has a ${column} column`);
  assert.ok(report.endToEnd, 'the end-to-end migration ran');
  assert.deepEqual(JSON.parse(JSON.stringify(report)).rows, report.rows, 'the report survives JSON');
});
