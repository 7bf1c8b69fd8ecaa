import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditReport } from '../../src/audit/types.js';
import { renderJson } from '../../src/report/json.js';
import { sampleReport } from './fixture.js';

test('JSON report is { summary, findings }, pretty-printed, worst first', () => {
  const report = sampleReport();
  const text = renderJson(report);
  assert.match(text, /^\{\n {2}"summary": \{/);
  const parsed = JSON.parse(text) as AuditReport;
  assert.deepEqual(Object.keys(parsed), ['summary', 'findings']);
  assert.deepEqual(parsed.summary, report.summary);
  assert.equal(parsed.findings.length, report.findings.length);
  assert.deepEqual(new Set(parsed.findings.map((f) => f.id)), new Set(report.findings.map((f) => f.id)));
  assert.equal(parsed.findings[0]!.severity, 'critical');
  assert.equal(parsed.findings.at(-1)!.severity, 'low');
});
