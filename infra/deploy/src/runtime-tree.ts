import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isRecord } from './records.ts';
import { readManifest, runtimeClosure, type WorkspaceManifest } from './workspaces.ts';

/**
 * What stays out of an image: sources (compiled into dist/), tests, build settings, docs, and a
 * page's Vite sources (admin-ui's index.html and vite.config.ts: the page is built into dist/).
 */
const SOURCE_ONLY =
  /^(src|test|examples|node_modules|dist|tsconfig(\..+)?\.json|.+\.md|.+\.tsx?|index\.html)$/;

/**
 * The manifest an image runs with: every export pointing at a compiled file in dist/ instead of a
 * TypeScript source in src/. Everything else is kept, so that `npm ci` still finds the lockfile in
 * step with it (its dev dependencies are skipped with --omit=dev, not removed).
 */
export function compiledManifest(manifest: WorkspaceManifest): WorkspaceManifest {
  const toDist = (target: string, key: string): string => {
    const match = /^\.\/src\/(.+)\.ts$/.exec(target);
    if (!match) throw new Error(`${manifest.name}: export "${key}" → ${target} is not a ./src/*.ts file`);
    return `./dist/${match[1]}.js`;
  };
  const { exports } = manifest;
  if (exports === undefined) return manifest;
  return {
    ...manifest,
    exports:
      typeof exports === 'string'
        ? toDist(exports, '.')
        : Object.fromEntries(Object.entries(exports).map(([key, target]) => [key, toDist(target, key)])),
  };
}

/**
 * Compiles the workspace and the workspaces it needs (a workspace's `build` script first when it
 * has one, admin-ui's `vite build`; then tsc -p <workspace>/tsconfig.build.json into
 * <workspace>/dist) and writes what its image holds into `outDir`: the root manifest and
 * lockfile, per workspace its compiled manifest, dist/ and its data files (schemas' .avsc), and
 * `main.js`, a link to the workspace's dist/main.js: one `CMD ["node", "main.js"]` starts every image
 * (node follows the link, so the process runs from, and resolves imports beside, its real path).
 */
export function buildRuntimeTree(rootDir: string, workspace: string, outDir: string): string[] {
  const closure = runtimeClosure(rootDir, workspace);
  const tsc = createRequire(join(rootDir, 'package.json')).resolve('typescript/bin/tsc');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json'])
    copyFileSync(join(rootDir, file), join(outDir, file));
  for (const folder of closure) {
    const from = join(rootDir, folder);
    const to = join(outDir, folder);
    const manifest = readManifest(rootDir, folder);
    rmSync(join(from, 'dist'), { recursive: true, force: true });
    if (isRecord(manifest.scripts) && typeof manifest.scripts.build === 'string')
      execFileSync('npm', ['run', 'build', '--workspace', folder], { cwd: rootDir, stdio: 'inherit' });
    execFileSync(process.execPath, [tsc, '-p', join(from, 'tsconfig.build.json')], { stdio: 'inherit' });
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'package.json'), `${JSON.stringify(compiledManifest(manifest), null, 2)}\n`);
    if (existsSync(join(from, 'dist'))) cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
    for (const entry of readdirSync(from)) {
      if (entry !== 'package.json' && !SOURCE_ONLY.test(entry))
        cpSync(join(from, entry), join(to, entry), { recursive: true });
    }
  }
  symlinkSync(`${workspace}/dist/main.js`, join(outDir, 'main.js'));
  return closure;
}
