/**
 * `node --import tsx tests/support/zipkin-screenshot.ts <trace URL> <png>`: Zipkin's UI page of one
 * trace, every span expanded, as a PNG (headless Debian Chromium, as the browser tests use it).
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node --import tsx tests/support/zipkin-screenshot.ts <trace URL> <out.png>');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1400 } });
  await page.goto(url, { waitUntil: 'networkidle' });
  // Zipkin draws the span rows after its API answered: wait for the timeline before the picture.
  await page.getByText('saga create-order start').first().waitFor({ timeout: 15_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(out);
} finally {
  await browser.close();
}
