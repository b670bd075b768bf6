#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and `npm run infra`. Plain Node on purpose: on a fresh
// clone nothing is installed yet, so this installs dependencies first and then hands over to the
// TypeScript entry point. Signals are forwarded so that Ctrl-C / SIGTERM reach the child, which
// stops what it started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...rest] = process.argv.slice(2);

const entries = {
  start: ['--import', 'tsx', 'scripts/start.ts'],
  infra: ['--import', 'tsx', 'infra/local/src/cli.ts'],
  dlq: ['--import', 'tsx', 'packages/events/src/dead-letters/cli.ts'],
  token: ['--import', 'tsx', 'gateway/src/token-cli.ts'],
  replay: ['--import', 'tsx', 'scripts/replay.ts'],
  chaos: ['--import', 'tsx', 'tests/chaos/cli.ts'],
  bench: ['--import', 'tsx', 'bench/src/cli.ts'],
  test: ['node_modules/vitest/vitest.mjs', 'run'],
};

if (!(command in entries)) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(entries).join('|')} [args...]`);
  process.exit(2);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Conveyor needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}

ensureDependencies();
if (command === 'start' || command === 'test') ensureAdminPage();
if (command === 'test') ensureChromium();

const child = spawn(process.execPath, [...entries[command], ...rest], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
// `npm start` runs us under `sh -c`; on SIGTERM npm signals that shell, which exits without
// passing the signal on. Losing our parent therefore means: stop, as if SIGTERM had arrived.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 500).unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** npm ci when node_modules is missing or older than package-lock.json. */
function ensureDependencies() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && (!existsSync(lock) || statSync(installed).mtimeMs >= statSync(lock).mtimeMs))
    return;
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  console.log(`Installing dependencies (npm ${args[0]})...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `npm ${args[0]} failed (exit ${result.status}); fix the error above and run the command again.`,
    );
    process.exit(result.status ?? 1);
  }
}

/** Builds the saga inspector (admin-ui) the gateway serves at /admin when its sources are newer than the build. */
function ensureAdminPage() {
  const dir = join(root, 'admin-ui');
  const built = join(dir, 'dist', 'index.html');
  const sources = [join(dir, 'index.html'), join(dir, 'vite.config.ts'), ...filesUnder(join(dir, 'src'))];
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  console.log('Building the admin page (admin-ui, vite build)...');
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    console.error(
      `Building admin-ui failed (exit ${result.status}); fix the error above and run the command again.`,
    );
    process.exit(result.status ?? 1);
  }
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The browser test drives Debian's Chromium (CHROMIUM_PATH, else chromium on the PATH). When it is
 * missing and this runs as root with apt-get (CI, a fresh machine), it is installed, as .ci/run
 * installs Java; otherwise the reason is printed and the browser test fails naming it.
 */
function ensureChromium() {
  if (process.env.CHROMIUM_PATH || onPath('chromium') || onPath('chromium-browser')) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    console.warn(
      'Chromium was not found: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.',
    );
    return;
  }
  console.log('Installing Chromium for the browser test (apt-get install chromium)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env })
      : update;
  if (install.status !== 0) console.warn('Installing Chromium failed: the browser test will say so.');
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
