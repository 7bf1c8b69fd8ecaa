import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  parseReportFormats,
  REPORT_FORMATS,
  renderReport,
  reportPaths,
  writeReports,
} from '../../src/report/index.js';
import { UsageError } from '../../src/util/errors.js';
import { sampleReport } from './fixture.js';

describe('report formats', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'abs-reports-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('every format renders', () => {
    const report = sampleReport();
    for (const format of REPORT_FORMATS) {
      const text = renderReport(report, format);
      assert.ok(text.length > 200, format);
    }
    assert.match(renderReport(report, 'table'), /13 findings/);
  });

  test('--format parses lists, repeats and the md alias, and rejects unknown names', () => {
    assert.deepEqual(parseReportFormats('sarif,html,json'), ['sarif', 'html', 'json']);
    assert.deepEqual(parseReportFormats(['json', 'md, JSON']), ['json', 'markdown']);
    assert.throws(
      () => parseReportFormats('sarif,pdf'),
      (err: Error) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /"pdf".*table, json, sarif, markdown, html/);
        return true;
      },
    );
    assert.throws(() => parseReportFormats(' , '), UsageError);
  });

  test('paths: one format keeps the path; several derive one file per format', async () => {
    assert.deepEqual([...(await reportPaths('/r/x.out', ['json']))], [['json', '/r/x.out']]);
    assert.deepEqual(
      [...(await reportPaths('/reports/audit', ['sarif', 'html', 'json']))],
      [
        ['sarif', '/reports/audit.sarif'],
        ['html', '/reports/audit.html'],
        ['json', '/reports/audit.json'],
      ],
    );
    assert.deepEqual(
      [...(await reportPaths('/reports/audit.json', ['json', 'markdown', 'table']))],
      [
        ['json', '/reports/audit.json'],
        ['markdown', '/reports/audit.md'],
        ['table', '/reports/audit.txt'],
      ],
    );
    assert.deepEqual(
      [...(await reportPaths('/reports/nightly.v2', ['json', 'html']))].map(([, p]) => p),
      ['/reports/nightly.v2.json', '/reports/nightly.v2.html'],
    );
    assert.deepEqual([...(await reportPaths('/reports/', ['sarif']))], [['sarif', '/reports/audit.sarif']]);
    await mkdir(join(dir, 'existing'));
    assert.deepEqual(
      [...(await reportPaths(join(dir, 'existing'), ['html']))],
      [['html', join(dir, 'existing', 'audit.html')]],
    );
  });

  test('writeReports writes every format, creating directories, and leaves no temp file', async () => {
    const report = sampleReport();
    const out = join(dir, 'nested', 'deeper', 'audit');
    const written = await writeReports(report, { formats: ['sarif', 'html', 'json', 'sarif'], output: out });
    assert.deepEqual(
      written.map((w) => [w.format, w.path]),
      [
        ['sarif', `${out}.sarif`],
        ['html', `${out}.html`],
        ['json', `${out}.json`],
      ],
    );
    for (const w of written) assert.equal(await readFile(w.path!, 'utf8'), renderReport(report, w.format));
    assert.deepEqual((await readdir(join(dir, 'nested', 'deeper'))).sort(), [
      'audit.html',
      'audit.json',
      'audit.sarif',
    ]);
  });

  test('without --output: one format goes to stdout; several are a usage error', async () => {
    const chunks: string[] = [];
    const written = await writeReports(sampleReport(), { formats: ['json'], write: (t) => chunks.push(t) });
    assert.deepEqual(written, [{ format: 'json', path: null }]);
    assert.equal(chunks.join(''), renderReport(sampleReport(), 'json'));
    await assert.rejects(writeReports(sampleReport(), { formats: ['json', 'html'] }), /give --output/);
  });

  test('an unwritable path is a one-line usage error', async () => {
    const blocker = join(dir, 'file');
    await writeReports(sampleReport(), { formats: ['json'], output: blocker });
    await assert.rejects(
      writeReports(sampleReport(), { formats: ['json', 'html'], output: join(blocker, 'sub', 'audit') }),
      (err: Error) =>
        err instanceof UsageError && /cannot write the json report to .*: E[A-Z]+$/.test(err.message),
    );
  });
});
