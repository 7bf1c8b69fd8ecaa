import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Log } from 'sarif';
import { withoutBaseline } from '../../src/audit/comparison.js';
import { FINDING_CATEGORIES } from '../../src/audit/types.js';
import { renderFindingsTable } from '../../src/report/findings-table.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { FINGERPRINT_KEY, renderSarif } from '../../src/report/sarif.js';
import { renderTable } from '../../src/report/table.js';
import { sarifValidator } from '../helpers/sarif-validator.js';
import { sampleReport } from '../report/fixture.js';
import { compared } from './compared-fixture.js';

describe('reports of a compared audit', () => {
  const { report, fixedId, newId } = compared();

  test('each finding has its status; the comparison names the previous run and the resolved ones', () => {
    assert.equal(report.findings.find((f) => f.id === newId)?.status, 'new');
    assert.ok(report.findings.filter((f) => f.id !== newId).every((f) => f.status === 'open'));
    assert.deepEqual(report.comparison?.counts, { new: 1, open: report.findings.length - 1, resolved: 1 });
    assert.equal(report.comparison?.resolved[0]?.status, 'resolved');
    const json = JSON.parse(renderJson(report));
    assert.deepEqual(Object.keys(json), ['summary', 'findings', 'comparison']);
    assert.equal(json.comparison.previousRun.id, 41);
  });

  test('SARIF: baselineState new / unchanged, the resolved finding absent; valid against the schema', () => {
    const validate = sarifValidator();
    const log = JSON.parse(renderSarif(report)) as Log;
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0]!.results!;
    const state = (id: string) =>
      results.find((r) => r.partialFingerprints?.[FINGERPRINT_KEY] === id)?.baselineState;
    assert.equal(state(newId), 'new');
    assert.equal(state(fixedId), 'absent');
    assert.equal(results.filter((r) => r.baselineState === 'unchanged').length, report.findings.length - 1);
    const absent = results.find((r) => r.baselineState === 'absent')!;
    assert.equal(FINDING_CATEGORIES[absent.ruleIndex!], absent.ruleId);
    assert.match(absent.message.text ?? '', /^Resolved since the previous run: dangling-reference/);
    // Without a comparison nothing changes: no baselineState at all.
    const plain = JSON.parse(renderSarif(sampleReport())) as Log;
    assert.ok(plain.runs[0]!.results!.every((r) => r.baselineState === undefined));
  });

  test('table, Markdown and HTML show the status of each finding and list what was resolved', () => {
    const table = renderTable(report);
    assert.match(
      table,
      /Compared with run 41 of 2025-03-14T02:00:00\.000Z .*: 1 new, \d+ still open, 1 resolved\./,
    );
    assert.match(table, /^STATUS +SEVERITY +CATEGORY/m);
    assert.match(table, /^new +low +orphaned-secret/m);
    assert.match(table, /^resolved +high +dangling-reference/m);
    assert.match(renderFindingsTable(report, { count: 0, rule: 'none' }), /^resolved/m);

    const md = renderMarkdown(report);
    assert.match(md, /- \*\*Compared:\*\* Compared with run 41/);
    assert.match(md, /\| Status \| Severity \| Workspace \|/);
    assert.match(md, /## Resolved since the previous run: 1/);
    assert.match(md, /\| resolved \| high \| `dangling-reference` \|/);

    const html = renderHtml(report);
    assert.match(html, /data-comparison data-new="1" data-open="\d+" data-resolved="1"/);
    assert.equal((html.match(/data-status="new"/g) ?? []).length, 1);
    assert.equal((html.match(/data-status="open"/g) ?? []).length, report.findings.length - 1);
    assert.match(html, new RegExp(`data-resolved-id="${fixedId}"`));
    assert.ok(!renderHtml(sampleReport()).includes('data-status='), 'no status without a comparison');
  });

  test('no previous run: every finding is new and nothing is resolved', () => {
    const first = withoutBaseline(sampleReport());
    assert.ok(first.findings.every((f) => f.status === 'new'));
    assert.equal(first.comparison?.previousRun, null);
    assert.match(renderTable(first), /No previous run recorded: \d+ new, 0 still open, 0 resolved\./);
  });
});
