import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { ADMIN_UI_BUILD_COMMAND, adminUiDistDir } from '@conveyor/admin-ui';
import type { FastifyInstance, FastifyReply } from 'fastify';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// The page talks to its own origin only, runs no inline script and may not be framed.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface PageFile {
  body: Buffer;
  type: string;
}

/**
 * The saga inspector at /admin: the files `vite build` wrote, read once at start and served from
 * memory, so only those paths exist (no path from a request ever reaches the file system). The
 * page is public; everything it shows comes from the admin API, which needs the role admin.
 * Assets carry a content hash in their names and are cached for good; the page itself is not.
 */
export interface AdminPageOptions {
  /** Where the build is. @default admin-ui's dist/ */
  distDir?: string;
  /** Zipkin's base URL when tracing is on; the page links each trace there. */
  zipkinUrl?: string;
}

export function registerAdminPage(app: FastifyInstance, options: AdminPageOptions = {}): void {
  const distDir = options.distDir ?? adminUiDistDir;
  // What the page needs to know of the deployment; nothing secret.
  app.get('/admin/settings.json', (_, reply) =>
    reply
      .headers(PAGE_HEADERS)
      .header('cache-control', 'no-cache')
      .send({ zipkinUrl: options.zipkinUrl ?? null }),
  );
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    const notBuilt = (_: unknown, reply: FastifyReply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`The admin page is not built: run ${ADMIN_UI_BUILD_COMMAND} (npm start does).\n`);
    app.get('/admin', notBuilt);
    return;
  }
  const page: PageFile = { body: readFileSync(index), type: CONTENT_TYPES['.html'] ?? 'text/html' };
  const sendPage = (_: unknown, reply: FastifyReply) =>
    reply
      .headers({ ...PAGE_HEADERS, 'cache-control': 'no-cache' })
      .type(page.type)
      .send(page.body);
  app.get('/admin', sendPage);

  const assets = new Map<string, PageFile>();
  const assetsDir = join(distDir, 'assets');
  if (existsSync(assetsDir)) {
    for (const entry of readdirSync(assetsDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const type = CONTENT_TYPES[extname(entry.name)];
      if (type)
        assets.set(relative(assetsDir, path).split(sep).join('/'), { body: readFileSync(path), type });
    }
  }
  app.get<{ Params: { '*': string } }>('/admin/assets/*', (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) return reply.callNotFound();
    return reply
      .headers({ ...PAGE_HEADERS, 'cache-control': 'public, max-age=31536000, immutable' })
      .type(asset.type)
      .send(asset.body);
  });
}
