import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What this module reads of a workspace's package.json. */
export interface WorkspaceManifest {
  name: string;
  dependencies?: Record<string, string>;
  exports?: string | Record<string, string>;
  [field: string]: unknown;
}

/** The workspaces an image is built from: the folders of the gateway and the services. */
export const DEPLOYABLE_WORKSPACES = [
  'gateway',
  'services/users',
  'services/orders',
  'services/inventory',
  'services/payments',
] as const;
export type DeployableWorkspace = (typeof DEPLOYABLE_WORKSPACES)[number];

export function readManifest(rootDir: string, workspace: string): WorkspaceManifest {
  const parsed: unknown = JSON.parse(readFileSync(join(rootDir, workspace, 'package.json'), 'utf8'));
  if (!isManifest(parsed)) throw new Error(`${workspace}/package.json has no "name"`);
  return parsed;
}

function isManifest(value: unknown): value is WorkspaceManifest {
  return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string';
}

/**
 * The workspace and every workspace it needs at run time, through production `dependencies` only
 * (dev dependencies such as @conveyor/infra-local never reach an image), dependencies first.
 */
export function runtimeClosure(rootDir: string, workspace: string): string[] {
  const folderOf = new Map<string, string>();
  for (const folder of workspaceFolders(rootDir)) folderOf.set(readManifest(rootDir, folder).name, folder);
  const ordered: string[] = [];
  const visit = (folder: string, path: string[]) => {
    if (ordered.includes(folder)) return;
    if (path.includes(folder)) throw new Error(`workspace cycle: ${[...path, folder].join(' → ')}`);
    for (const dependency of Object.keys(readManifest(rootDir, folder).dependencies ?? {})) {
      const dependencyFolder = folderOf.get(dependency);
      if (dependencyFolder) visit(dependencyFolder, [...path, folder]);
    }
    ordered.push(folder);
  };
  visit(workspace, []);
  return ordered;
}

/** The folders the root package.json's `workspaces` name (entries are a folder or `folder/*`). */
export function workspaceFolders(rootDir: string): string[] {
  const root: unknown = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
  const patterns =
    typeof root === 'object' && root !== null && 'workspaces' in root && Array.isArray(root.workspaces)
      ? root.workspaces.filter((entry): entry is string => typeof entry === 'string')
      : [];
  return patterns
    .flatMap((pattern) => {
      if (!pattern.endsWith('/*')) return [pattern];
      const parent = pattern.slice(0, -2);
      return readdirSync(join(rootDir, parent), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${parent}/${entry.name}`);
    })
    .filter((folder) => existsSync(join(rootDir, folder, 'package.json')));
}
