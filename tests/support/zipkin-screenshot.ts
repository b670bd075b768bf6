/**
 * `node --import tsx tests/support/zipkin-screenshot.ts <trace URL> <png> [span]`: Zipkin's UI page
 * of one trace, every span expanded, as a PNG (headless Debian Chromium, as the browser tests use
 * it). With `span` (a row's text, e.g. `users: consume order.confirmed`) the timeline is scrolled to
 * that row and it is selected, so its tags show beside it.
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';

const [url, out, span] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node --import tsx tests/support/zipkin-screenshot.ts <trace URL> <out.png> [span]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1400 } });
  await page.goto(url, { waitUntil: 'networkidle' });
  // Zipkin draws the span rows after its API answered: wait for the timeline before the picture.
  await page.getByText('saga create-order start').first().waitFor({ timeout: 15_000 });
  if (span) {
    // The timeline renders only the rows in view: wheel down over it until the row exists.
    const row = page.getByText(span, { exact: true });
    await page.mouse.move(600, 900);
    for (let turn = 0; turn < 100 && (await row.count()) === 0; turn++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(100);
    }
    if ((await row.count()) === 0) throw new Error(`no span row "${span}" in the trace's timeline`);
    await row.first().scrollIntoViewIfNeeded();
    await row.first().click();
  }
  await page.screenshot({ path: out, fullPage: true });
  console.log(out);
} finally {
  await browser.close();
}
