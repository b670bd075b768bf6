import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerAdminPage } from '../src/admin/admin-page.ts';

function builtPage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'admin-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/admin/assets/index-abc.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log("page")');
  writeFileSync(join(dir, 'assets', 'notes.txt'), 'not a type the page serves');
  return dir;
}

async function gatewayWith(options: Parameters<typeof registerAdminPage>[1]) {
  const app = Fastify();
  registerAdminPage(app, options);
  await app.ready();
  return app;
}

describe('admin page served by the gateway', () => {
  it('serves the built page with a strict CSP, its hashed assets for good, and nothing else', async () => {
    const app = await gatewayWith({ distDir: builtPage() });
    const page = await app.inject({ url: '/admin' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = await app.inject({ url: '/admin/assets/index-abc.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.headers['cache-control']).toContain('immutable');
    for (const url of [
      '/admin/assets/missing.js',
      '/admin/assets/notes.txt',
      '/admin/assets/..%2F..%2Findex.html',
    ])
      expect((await app.inject({ url })).statusCode, url).toBe(404);
  });

  it('tells the page where Zipkin is when tracing is on, and null when it is off', async () => {
    const traced = await gatewayWith({ distDir: builtPage(), zipkinUrl: 'http://127.0.0.1:9411' });
    expect((await traced.inject({ url: '/admin/settings.json' })).json()).toEqual({
      zipkinUrl: 'http://127.0.0.1:9411',
    });
    const plain = await gatewayWith({ distDir: builtPage() });
    expect((await plain.inject({ url: '/admin/settings.json' })).json()).toEqual({ zipkinUrl: null });
  });

  it('answers 503 naming the build command while the page is not built', async () => {
    const app = await gatewayWith({ distDir: mkdtempSync(join(tmpdir(), 'admin-ui-empty-')) });
    const page = await app.inject({ url: '/admin' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build -w @conveyor/admin-ui');
  });
});
