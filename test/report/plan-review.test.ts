import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { openInChromium, SKIP_NO_CHROMIUM } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

interface Review {
  source: string;
  target: string;
  summary: Array<{ action: string; reason?: string; count: number }>;
  byWorkspace: Array<{ workspaceId: string | null }>;
  byConnector: Array<{ name: string; copy: number; extract: number; skip: number; conflict: number }>;
  items: Array<{ key: string; action: string }>;
  conflicts: Array<{ reason: string; count: number; fix: string }>;
  estimate: { seconds: number; targetWrites: number };
  risks: string[];
}

describe('plan --format markdown|html|json --output: the change-review report', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let dir: string;
  const files: Record<string, string> = {};
  const plan = (args: string[]) =>
    runCli(['plan', '--database-url', db.url, ...vault.cliArgs('to'), ...args], { env: vault.cliEnv });

  before(async () => {
    db = await seededDatabase('plan_review', {
      actors: 30,
      seed: 17,
      shapes: ['plaintext', 'secret', 'dangling', 'missing-spec', 'webhooks'],
      mix: { plaintext: 35, secret: 55, dangling: 10 },
    });
    vault = await startTestStore('vault');
    dir = await mkdtemp(join(tmpdir(), 'abs-review-'));
    for (const format of ['markdown', 'html', 'json']) {
      files[format] = join(dir, `plan.${format}`);
      const r = await plan(['--format', format, '--output', files[format]]);
      assert.equal(r.code, 1, `conflicts make plan exit 1: ${r.stderr}`);
      assert.match(r.stdout, /Wrote the change-review report to/);
    }
  });
  after(async () => {
    await vault.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every report is written 0600 and holds no secret value', async () => {
    for (const file of Object.values(files)) {
      assert.equal((await stat(file)).mode & 0o777, 0o600, file);
      assert.deepEqual(leakedCanaries(await readFile(file, 'utf8'), db.manifest.canaries), [], file);
    }
  });

  test('JSON: counts per workspace and connector, every action, conflicts with a fix, estimate, risks', async () => {
    const review = JSON.parse(await readFile(files.json ?? '', 'utf8')) as Review;
    const counted = review.summary.reduce((n, s) => n + s.count, 0);
    assert.equal(review.items.length, counted);
    assert.equal(
      review.byConnector.reduce((n, c) => n + c.copy + c.extract + c.skip + c.conflict, 0),
      review.items.length,
    );
    assert.ok(review.byWorkspace.length >= 1);
    const reasons = new Set(review.conflicts.map((c) => c.reason));
    assert.ok(reasons.has('missing-source'), [...reasons].join());
    assert.ok(reasons.has('missing-spec'), [...reasons].join());
    for (const c of review.conflicts) assert.ok(c.fix.length > 40, c.reason);
    assert.ok(review.estimate.targetWrites > 0);
    assert.ok(review.risks.some((r) => /need a human/.test(r)));
  });

  test('Markdown: the sections a reviewer reads', async () => {
    const md = await readFile(files.markdown ?? '', 'utf8');
    for (const heading of [
      '## Summary',
      '## Risks',
      '## Per workspace',
      '## Per connector',
      '## Conflicts and their fixes',
      '## Every action',
    ]) {
      assert.ok(md.includes(heading), heading);
    }
    assert.match(md, /\*\*missing-spec\*\* \(\d+\): /);
    assert.match(md, /\*\*Estimate:\*\* /);
  });

  test('without --output the report goes to stdout instead of the text plan', async () => {
    const r = await plan(['--format', 'markdown']);
    assert.match(r.stdout, /^# Migration plan: /);
    assert.doesNotMatch(r.stdout, /ACTION\s+REASON\s+COUNT/);
  });

  test('the HTML report opens in headless Chromium with no console message; screenshot saved', {
    skip: SKIP_NO_CHROMIUM,
  }, async (t) => {
    const html = await readFile(files.html ?? '', 'utf8');
    const browser = await openInChromium(html);
    try {
      const { dom, consoleLines } = await browser.load();
      assert.deepEqual(consoleLines, []);
      const review = JSON.parse(await readFile(files.json ?? '', 'utf8')) as Review;
      assert.equal(
        (dom.match(/<tr class="(copy|extract|skip|conflict)">/g) ?? []).length,
        review.items.length,
      );
      assert.ok(!/<script/i.test(dom));
      const shot = await browser.screenshot('plan-report.png', '1280,1800');
      assert.ok(shot.bytes > 10_000, `screenshot too small: ${shot.bytes} bytes`);
      t.diagnostic(`screenshot: ${shot.path}`);
    } finally {
      await browser.close();
    }
  });
});
