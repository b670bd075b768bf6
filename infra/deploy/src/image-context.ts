import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeClosure } from './workspaces.ts';

/** The root files every build needs, and the code of the build stage itself. */
const ROOT_FILES = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'infra/deploy/src'];

/**
 * Splits what one image is built from into `outDir/manifests` (the root files and the package.json
 * of the workspace and of each workspace it needs) and `outDir/sources` (those workspaces' folders).
 * The Dockerfile copies the manifests before `npm ci` and the sources after it, so that the install
 * layer is reused until a manifest or the lockfile changes, and a change to a workspace outside
 * the closure rebuilds nothing.
 */
export function writeImageContext(rootDir: string, workspace: string, outDir: string): string[] {
  const closure = runtimeClosure(rootDir, workspace);
  rmSync(outDir, { recursive: true, force: true });
  const copy = (path: string, into: 'manifests' | 'sources') => {
    const to = join(outDir, into, path);
    mkdirSync(join(to, '..'), { recursive: true });
    cpSync(join(rootDir, path), to, { recursive: true });
  };
  for (const path of ROOT_FILES) copy(path, 'manifests');
  for (const folder of closure) {
    copy(`${folder}/package.json`, 'manifests');
    copy(folder, 'sources');
  }
  return closure;
}

/** `npm ci` for the workspace and those it needs, with their build tools and the root's. */
export function installArgs(closure: string[]): string[] {
  return [
    'ci',
    ...closure.flatMap((folder) => ['--workspace', folder]),
    '--include-workspace-root',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
  ];
}
