import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  atLeast,
  DEFAULT_SEVERITY,
  failingFindings,
  failsOn,
  formatFailOn,
  parseFailOn,
} from '../../src/audit/severity.js';
import { FINDING_CATEGORIES, SEVERITIES } from '../../src/audit/types.js';
import { UsageError } from '../../src/util/errors.js';

describe('severity', () => {
  test('every category has a default severity', () => {
    for (const c of FINDING_CATEGORIES) assert.ok(SEVERITIES.includes(DEFAULT_SEVERITY[c]), c);
    assert.equal(DEFAULT_SEVERITY['plaintext-inline'], 'critical');
    assert.equal(DEFAULT_SEVERITY['dangling-reference'], 'high');
    assert.equal(DEFAULT_SEVERITY['orphaned-secret'], 'low');
  });

  test('atLeast: a severity means that severity or worse', () => {
    assert.ok(atLeast('critical', 'high'));
    assert.ok(atLeast('high', 'high'));
    assert.ok(!atLeast('medium', 'high'));
    assert.ok(atLeast('info', 'info'));
  });

  test('--fail-on high fails on critical and high only', () => {
    const rule = parseFailOn('high');
    assert.deepEqual(
      SEVERITIES.map((severity) => failsOn({ category: 'orphaned-secret', severity }, rule)),
      [true, true, false, false, false],
    );
  });

  test('severities and categories mix; the mildest severity counts', () => {
    const rule = parseFailOn(['critical, orphaned-secret', 'MEDIUM']);
    assert.equal(rule.minSeverity, 'medium');
    assert.deepEqual([...rule.categories], ['orphaned-secret']);
    assert.ok(failsOn({ category: 'orphaned-secret', severity: 'low' }, rule));
    assert.ok(!failsOn({ category: 'missing-spec', severity: 'low' }, rule));
    assert.ok(failsOn({ category: 'missing-spec', severity: 'medium' }, rule));
    assert.equal(formatFailOn(rule), 'medium,orphaned-secret');
  });

  test('a category alone fails only on that category', () => {
    const rule = parseFailOn('dangling-reference');
    assert.equal(rule.minSeverity, null);
    const findings = [
      { category: 'dangling-reference' as const, severity: 'low' as const },
      { category: 'plaintext-inline' as const, severity: 'critical' as const },
    ];
    assert.deepEqual(failingFindings(findings, rule), [findings[0]]);
  });

  test('none never fails', () => {
    const rule = parseFailOn('none');
    assert.ok(!failsOn({ category: 'plaintext-inline', severity: 'critical' }, rule));
    assert.equal(formatFailOn(rule), 'none');
  });

  test('unknown words are usage errors that list the valid ones', () => {
    assert.throws(
      () => parseFailOn('hgih'),
      (err: Error) =>
        err instanceof UsageError && /"hgih".*critical, high.*plaintext-inline/.test(err.message),
    );
    assert.throws(() => parseFailOn(''), UsageError);
    assert.throws(() => parseFailOn('none,high'), /cannot be combined/);
  });
});
