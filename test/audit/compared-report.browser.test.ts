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
import { compared } from './compared-fixture.js';

const run = promisify(execFile);

/** CHROMIUM_PATH when set, else Debian's `chromium` package. */
const CHROMIUM = (process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium']).find((p) =>
  existsSync(p),
);
const SKIP = CHROMIUM
  ? false
  : 'no Chromium found (install the Debian package `chromium` or set CHROMIUM_PATH): browser check skipped';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

describe('a compared HTML report in headless Chromium', { skip: SKIP }, () => {
  let dir: string;
  let page: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'abs-html-cmp-'));
    page = join(dir, 'audit.html');
    await writeFile(page, renderHtml(compared().report));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function chromium(...extra: string[]) {
    const profile = await mkdtemp(join(dir, 'profile-'));
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
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

  test('loads without a console message, shows statuses and the resolved table; a screenshot is saved', async (t) => {
    const { stdout: dom, stderr } = await chromium('--enable-logging=stderr', '--v=0', '--dump-dom');
    assert.deepEqual(
      stderr.split('\n').filter((l) => l.includes(':CONSOLE')),
      [],
    );
    assert.equal((dom.match(/data-status="resolved"/g) ?? []).length, 1);
    assert.equal((dom.match(/data-status="new"/g) ?? []).length, 1);
    assert.match(dom, /data-resolved-count="1"/);

    await mkdir(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'audit-report-compared.png');
    await rm(shot, { force: true });
    await chromium(`--screenshot=${shot}`, '--window-size=1280,2400', '--hide-scrollbars');
    assert.ok((await stat(shot)).size > 10_000);
    t.diagnostic(`screenshot: ${shot}`);
  });
});
