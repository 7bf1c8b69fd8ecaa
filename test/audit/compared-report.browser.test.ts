import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderHtml } from '../../src/report/html.js';
import { openInChromium, SKIP_NO_CHROMIUM } from '../helpers/chromium.js';
import { compared } from './compared-fixture.js';

describe('a compared HTML report in headless Chromium', { skip: SKIP_NO_CHROMIUM }, () => {
  let browser: Awaited<ReturnType<typeof openInChromium>>;
  before(async () => {
    browser = await openInChromium(renderHtml(compared().report));
  });
  after(() => browser.close());

  test('loads without a console message, shows statuses and the resolved table; a screenshot is saved', async (t) => {
    const { dom, consoleLines } = await browser.load();
    assert.deepEqual(consoleLines, []);
    assert.equal((dom.match(/data-status="resolved"/g) ?? []).length, 1);
    assert.equal((dom.match(/data-status="new"/g) ?? []).length, 1);
    assert.match(dom, /data-resolved-count="1"/);
    const shot = await browser.screenshot('audit-report-compared.png', '1280,2400');
    assert.ok(shot.bytes > 10_000);
    t.diagnostic(`screenshot: ${shot.path}`);
  });
});
