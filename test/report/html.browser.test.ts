import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { renderHtml } from '../../src/report/html.js';
import { sampleReport } from './fixture.js';

const run = promisify(execFile);

/** CHROMIUM_PATH when set, else Debian's `chromium` package. */
const CHROMIUM = (process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium']).find((p) =>
  existsSync(p),
);
const SKIP = CHROMIUM
  ? false
  : 'no Chromium found (install the Debian package `chromium` or set CHROMIUM_PATH): browser check skipped';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

describe('HTML report in headless Chromium', { skip: SKIP }, () => {
  let dir: string;
  let page: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'abs-html-'));
    page = join(dir, 'audit.html');
    await writeFile(page, renderHtml(sampleReport()));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** One Chromium run with a fresh profile and no network chatter; returns stdout and stderr. */
  async function chromium(...extra: string[]) {
    const profile = await mkdtemp(join(dir, 'profile-'));
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      ...extra,
      pathToFileURL(page).href,
    ];
    // The timeout only stops a hung browser; nothing asserts on time.
    return run(CHROMIUM!, args, { timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
  }

  test('the page loads with no console message and shows the expected counts', async () => {
    const { stdout: dom, stderr } = await chromium('--enable-logging=stderr', '--v=0', '--dump-dom');
    // CSP violations, script errors and console calls all arrive as CONSOLE lines.
    const consoleLines = stderr.split('\n').filter((l) => l.includes(':CONSOLE'));
    assert.deepEqual(consoleLines, []);
    assert.match(dom, /data-total-findings="?"?>13</);
    assert.equal((dom.match(/data-finding-id=/g) ?? []).length, 13);
    assert.equal((dom.match(/data-bar-category=/g) ?? []).length, 11);
    assert.equal((dom.match(/<svg\b/g) ?? []).length, 2);
    // The hostile actor name stayed text: the parsed DOM has no script element.
    assert.ok(!/<script/i.test(dom));
    assert.match(dom, /&lt;script&gt;alert/);
  });

  test('a screenshot is saved as a test artifact', async (t) => {
    await mkdir(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'audit-report.png');
    await rm(shot, { force: true });
    await chromium(`--screenshot=${shot}`, '--window-size=1280,2000', '--hide-scrollbars');
    const info = await stat(shot);
    assert.ok(info.size > 10_000, `screenshot too small: ${info.size} bytes`);
    t.diagnostic(`screenshot: ${shot}`);
    console.log(`HTML report screenshot: ${shot}`);
  });
});
