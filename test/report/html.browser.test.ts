import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderHtml } from '../../src/report/html.js';
import { openInChromium, SKIP_NO_CHROMIUM } from '../helpers/chromium.js';
import { sampleReport } from './fixture.js';

describe('HTML report in headless Chromium', { skip: SKIP_NO_CHROMIUM }, () => {
  let browser: Awaited<ReturnType<typeof openInChromium>>;
  before(async () => {
    browser = await openInChromium(renderHtml(sampleReport()));
  });
  after(() => browser.close());

  test('the page loads with no console message and shows the expected counts', async () => {
    const { dom, consoleLines } = await browser.load();
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
    const shot = await browser.screenshot('audit-report.png', '1280,2000');
    assert.ok(shot.bytes > 10_000, `screenshot too small: ${shot.bytes} bytes`);
    t.diagnostic(`screenshot: ${shot.path}`);
  });
});
