import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { FINDING_CATEGORIES } from '../../src/audit/types.js';
import { FINGERPRINT_KEY, renderSarif } from '../../src/report/sarif.js';
import { emptyReport, HOSTILE_NAME, sampleReport, WS_A } from './fixture.js';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function validator() {
  // CommonJS packages seen from ESM: the class and the plugin sit on `default`.
  const Ajv = AjvDraft04.default;
  // The published schema's `language` pattern has a stray `]` that is only valid without the `u` flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

describe('SARIF report', () => {
  const validate = validator();

  test('validates against the official SARIF 2.1.0 schema', () => {
    for (const report of [sampleReport(), emptyReport()]) {
      const log: unknown = JSON.parse(renderSarif(report));
      const ok = validate(log);
      assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    }
  });

  test('the validator does reject a broken log (it is not vacuous)', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as Log;
    (log.runs[0]!.results![0] as unknown as { level: string }).level = 'fatal';
    assert.equal(validate(log), false);
  });

  test('one run, the tool and its version, one rule per category', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as Log;
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0]!.tool.driver;
    assert.equal(driver.name, 'airbyte-secrets');
    assert.equal(driver.version, pkg.version);
    assert.deepEqual(
      driver.rules!.map((r) => r.id),
      [...FINDING_CATEGORIES],
    );
    for (const rule of driver.rules!) {
      assert.ok(rule.name && /^[A-Z][A-Za-z]+$/.test(rule.name), rule.id);
      assert.ok(rule.shortDescription?.text, rule.id);
      assert.ok(rule.fullDescription?.text, rule.id);
      assert.match(rule.help?.text ?? '', /Fix: /, rule.id);
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration?.level ?? ''), rule.id);
    }
    const plaintext = driver.rules!.find((r) => r.id === 'plaintext-inline')!;
    assert.equal(plaintext.defaultConfiguration?.level, 'error');
    assert.equal(driver.rules!.find((r) => r.id === 'orphaned-secret')!.defaultConfiguration?.level, 'note');
  });

  test('each finding is a result with its rule, level, message, locations and fingerprint', () => {
    const report = sampleReport();
    const log = JSON.parse(renderSarif(report)) as Log;
    const results = log.runs[0]!.results!;
    assert.equal(results.length, report.findings.length);
    const rules = log.runs[0]!.tool.driver.rules!;
    for (const r of results) {
      assert.equal(rules[r.ruleIndex!]!.id, r.ruleId);
      assert.ok(r.message.text);
      assert.ok(r.partialFingerprints?.[FINGERPRINT_KEY]);
    }
    const ids = new Set(results.map((r) => r.partialFingerprints![FINGERPRINT_KEY]));
    assert.deepEqual(ids, new Set(report.findings.map((f) => f.id)));

    const dangling = report.findings.find((f) => f.category === 'dangling-reference')!;
    const r = results.find((x) => x.partialFingerprints![FINGERPRINT_KEY] === dangling.id)!;
    assert.equal(r.ruleId, 'dangling-reference');
    assert.equal(r.level, 'error');
    const loc = r.locations![0]!;
    assert.equal(
      loc.logicalLocations![0]!.fullyQualifiedName,
      `workspace/${WS_A}/actor/${dangling.actorId}/$.credentials.client_secret`,
    );
    assert.equal(loc.logicalLocations![0]!.kind, 'member');
    assert.equal(
      loc.physicalLocation!.artifactLocation!.uri,
      `airbyte://workspace/${WS_A}/actor/${dangling.actorId}`,
    );
    // The actor name travels as data, untouched (SARIF viewers escape it).
    assert.equal(r.properties!.actorName, HOSTILE_NAME);
    assert.equal(r.properties!.coordinate, dangling.coordinate);
  });

  test('store-level findings are located in the store', () => {
    const report = sampleReport();
    const log = JSON.parse(renderSarif(report)) as Log;
    const orphan = report.findings.find((f) => f.category === 'orphaned-secret')!;
    const r = log.runs[0]!.results!.find((x) => x.partialFingerprints![FINGERPRINT_KEY] === orphan.id)!;
    assert.equal(
      r.locations![0]!.physicalLocation!.artifactLocation!.uri,
      `airbyte://store/vault/${orphan.coordinate}`,
    );
    assert.equal(r.level, 'note');
  });

  test('results are ordered worst first', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as Log;
    const levels = log.runs[0]!.results!.map((r) => r.level);
    assert.equal(levels[0], 'error');
    assert.equal(levels.at(-1), 'note');
  });
});
