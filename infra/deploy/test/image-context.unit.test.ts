import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installArgs, writeImageContext } from '../src/image-context.ts';

const root = mkdtempSync(join(tmpdir(), 'conveyor-image-context-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('writeImageContext', () => {
  write('package.json', JSON.stringify({ workspaces: ['packages/*', 'services/*'] }));
  write('package-lock.json', '{}');
  write('tsconfig.base.json', '{}');
  write('infra/deploy/src/image-build-cli.ts', '');
  write('packages/base/package.json', JSON.stringify({ name: '@x/base' }));
  write('packages/base/src/index.ts', '');
  write('packages/unused/package.json', JSON.stringify({ name: '@x/unused' }));
  write('packages/unused/src/index.ts', '');
  write('services/api/package.json', JSON.stringify({ name: '@x/api', dependencies: { '@x/base': '*' } }));
  write('services/api/src/main.ts', '');

  it('puts the manifests apart from the sources, of the workspace and what it needs only', () => {
    const out = join(root, 'out');
    expect(writeImageContext(root, 'services/api', out)).toEqual(['packages/base', 'services/api']);
    expect(files(join(out, 'manifests'))).toEqual([
      'infra/deploy/src/image-build-cli.ts',
      'package-lock.json',
      'package.json',
      'packages/base/package.json',
      'services/api/package.json',
      'tsconfig.base.json',
    ]);
    expect(files(join(out, 'sources'))).toEqual([
      'packages/base/package.json',
      'packages/base/src/index.ts',
      'services/api/package.json',
      'services/api/src/main.ts',
    ]);
  });
});

describe('installArgs', () => {
  it('runs npm ci for each workspace of the closure and the root, without scripts', () => {
    expect(installArgs(['packages/base', 'services/api']).join(' ')).toBe(
      'ci --workspace packages/base --workspace services/api --include-workspace-root --ignore-scripts --no-audit --no-fund',
    );
  });
});
