import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compiledManifest } from '../src/runtime-tree.ts';
import { DEPLOYABLE_WORKSPACES, runtimeClosure } from '../src/workspaces.ts';
import { rootDir } from './k8s-world.ts';

describe('compiledManifest', () => {
  it('points every export at the compiled file and keeps the rest for npm ci', () => {
    const manifest = {
      name: '@conveyor/events',
      exports: { '.': './src/index.ts', './testing': './src/testing/index.ts' },
      dependencies: { kafkajs: '2.2.4' },
      devDependencies: { '@conveyor/infra-local': '0.1.0' },
    };
    expect(compiledManifest(manifest)).toEqual({
      ...manifest,
      exports: { '.': './dist/index.js', './testing': './dist/testing/index.js' },
    });
    expect(compiledManifest({ name: 'x', exports: './src/main.ts' }).exports).toBe('./dist/main.js');
  });

  it('refuses an export that is not a TypeScript source in src/', () => {
    expect(() => compiledManifest({ name: 'x', exports: { '.': './lib/index.js' } })).toThrow(
      'x: export "." → ./lib/index.js is not a ./src/*.ts file',
    );
  });
});

describe('runtimeClosure', () => {
  it('follows production dependencies only, dependencies first', () => {
    for (const workspace of DEPLOYABLE_WORKSPACES) {
      const closure = runtimeClosure(rootDir, workspace);
      expect(closure.at(-1)).toBe(workspace);
      expect(closure).toContain('packages/http');
      expect(closure).not.toContain('infra/local');
    }
    expect(runtimeClosure(rootDir, 'services/orders').indexOf('packages/events')).toBeLessThan(
      runtimeClosure(rootDir, 'services/orders').indexOf('packages/saga'),
    );
  });
});

describe('image-build-cli.ts', () => {
  it('needs nothing but Node: the build stage runs it with type stripping before any package is there', () => {
    const files = [
      'image-build-cli.ts',
      'image-context.ts',
      'runtime-tree.ts',
      'workspaces.ts',
      'records.ts',
    ];
    const imports = files.flatMap((file) =>
      [...readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8').matchAll(/from '([^']+)'/g)].map(
        (match) => match[1] ?? '',
      ),
    );
    const local = imports.filter((specifier) => specifier.startsWith('./'));
    expect(
      imports.filter((specifier) => !specifier.startsWith('node:') && !specifier.startsWith('./')),
    ).toEqual([]);
    expect(new Set(local)).toEqual(new Set(files.slice(1).map((file) => `./${file}`)));
  });
});
