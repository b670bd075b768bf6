import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (CHROMIUM_PATH, else `chromium` or `chromium-browser` on the PATH). The
 * project's scripts install it when missing (scripts/bootstrap.mjs for `npm test`, .ci/run); a
 * machine without it fails here with how to get it, never with a skipped test.
 */
export function findChromium(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not this one
    }
  }
  throw new Error(
    'Chromium was not found: npm test installs it when run as root (apt-get install chromium), or set CHROMIUM_PATH',
  );
}

/** What the issue asks of the browser: no sandbox (root in CI), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];
