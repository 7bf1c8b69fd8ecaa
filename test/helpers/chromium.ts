import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** CHROMIUM_PATH when set, else Debian's `chromium` package. */
export const CHROMIUM = (
  process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium']
).find((p) => existsSync(p));
export const SKIP_NO_CHROMIUM = CHROMIUM
  ? false
  : 'no Chromium found (install the Debian package `chromium` or set CHROMIUM_PATH): browser check skipped';

/** Where screenshots are kept for humans to look at (gitignored). */
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** A page written to a temp folder and opened in headless Chromium with a fresh profile and no network chatter. */
export async function openInChromium(html: string) {
  const dir = await mkdtemp(join(tmpdir(), 'abs-html-'));
  const page = join(dir, 'page.html');
  await writeFile(page, html);
  const chromium = async (...extra: string[]) => {
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
  };
  return {
    /** The rendered DOM and every console line (CSP violations, script errors, console calls). */
    async load() {
      const { stdout, stderr } = await chromium('--enable-logging=stderr', '--v=0', '--dump-dom');
      return { dom: stdout, consoleLines: stderr.split('\n').filter((l) => l.includes(':CONSOLE')) };
    },
    /** Saves a screenshot under test-artifacts/ and returns its path and size. */
    async screenshot(name: string, size: string) {
      await mkdir(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, name);
      await rm(shot, { force: true });
      await chromium(`--screenshot=${shot}`, `--window-size=${size}`, '--hide-scrollbars');
      return { path: shot, bytes: (await stat(shot)).size };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
