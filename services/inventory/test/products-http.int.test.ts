import { migrate } from '@conveyor/events';
import { bearer, developmentVerifier } from '@conveyor/http/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { migrations } from '../src/db/migrations.ts';
import { SEED_PRODUCTS } from '../src/db/seed-products.ts';
import { createDeps, type Deps } from '../src/deps.ts';
import { createTestEnvironment, silentLogger, type TestEnvironment } from './support/world.ts';

const byName = [...SEED_PRODUCTS].sort((a, b) => a.name.localeCompare(b.name, 'en'));
const pen = SEED_PRODUCTS.find((p) => p.sku === 'LTD-PEN-010');
const unknownId = '7d0f4f0e-1c1a-4c8e-9d4e-8a7b6c5d4e3f';
const admin = bearer('ops-1', ['user', 'admin']);
const shopper = bearer('5b3c9a1e-2f4d-4e6a-8b7c-9d0e1f2a3b4c');

describe('inventory catalogue over HTTP', () => {
  let environment: TestEnvironment;
  let deps: Deps;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    deps = createDeps(environment.config, { logger: silentLogger });
    await migrate(deps.db as Kysely<unknown>, migrations);
    app = await buildApp(deps, { verifyToken: developmentVerifier() });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await deps?.db.destroy();
    await environment?.database.drop();
  });

  it('lists the seeded catalogue by name, 20 per page by default', async () => {
    const response = await app.inject('/products');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ page: 1, limit: 20, total: SEED_PRODUCTS.length, totalPages: 1 });
    expect(body.items.map((p: { sku: string }) => p.sku)).toEqual(byName.map((p) => p.sku));
    expect(body.items.find((p: { id: string }) => p.id === pen?.id)).toEqual({
      id: pen?.id,
      sku: 'LTD-PEN-010',
      name: 'Limited Edition Fountain Pen',
      priceCents: 18_900,
      currency: 'EUR',
      available: 3,
    });
  });

  it('pages through the catalogue without overlaps or gaps', async () => {
    const pages = [];
    for (let page = 1; page <= 4; page++) {
      const response = await app.inject({ url: '/products', query: { page: String(page), limit: '3' } });
      expect(response.statusCode).toBe(200);
      pages.push(response.json());
    }
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 3, 1]);
    expect(pages.every((p) => p.total === 10 && p.totalPages === 4 && p.limit === 3)).toBe(true);
    expect(pages.flatMap((p) => p.items.map((i: { id: string }) => i.id))).toEqual(byName.map((p) => p.id));
    const beyond = await app.inject('/products?page=5&limit=3');
    expect(beyond.json()).toMatchObject({ items: [], page: 5, total: 10, totalPages: 4 });
  });

  it('shows one product and its stock counts', async () => {
    const product = await app.inject(`/products/${pen?.id}`);
    expect(product.statusCode).toBe(200);
    expect(product.json()).toMatchObject({ id: pen?.id, name: pen?.name, priceCents: 18_900, available: 3 });
    const stock = await app.inject({ url: `/products/${pen?.id}/stock`, headers: admin });
    expect(stock.json()).toEqual({ available: 3, reserved: 0, sold: 0 });
  });

  it('serves the catalogue to anyone, with or without a token (even a bad one)', async () => {
    for (const headers of [{}, shopper, admin, { authorization: 'Bearer not.a.jwt' }]) {
      expect((await app.inject({ url: '/products', headers })).statusCode).toBe(200);
      expect((await app.inject({ url: `/products/${pen?.id}`, headers })).statusCode).toBe(200);
    }
  });

  it.each([`/products/${pen?.id}/stock`, `/stock-view/${pen?.id}`, '/no-such-route'])(
    'answers GET %s without a valid token with 401',
    async (url) => {
      for (const headers of [
        {},
        { authorization: 'Bearer not.a.jwt' },
        { authorization: 'Basic b3BzOjE=' },
      ]) {
        const response = await app.inject({ url, headers });
        expect(response.statusCode, response.body).toBe(401);
        expect(response.json()).toMatchObject({ status: 401, code: 'CONVEYOR_UNAUTHORIZED' });
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="conveyor"/);
      }
    },
  );

  it.each([`/products/${pen?.id}/stock`, `/stock-view/${pen?.id}`])(
    'answers GET %s to a caller without the admin role with 403',
    async (url) => {
      const response = await app.inject({ url, headers: shopper });
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'CONVEYOR_FORBIDDEN',
        details: { requiredRole: 'admin' },
      });
      expect(response.body).not.toMatch(/available|reserved|sold/);
    },
  );

  it.each(['/products/:id', '/products/:id/stock'])(
    'answers %s for an unknown product with a 404 problem',
    async (route) => {
      const url = route.replace(':id', unknownId);
      const response = await app.inject({ url, headers: admin });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toEqual({
        type: 'urn:conveyor:problem:inventory-product-not-found',
        title: 'Not Found',
        status: 404,
        code: 'INVENTORY_PRODUCT_NOT_FOUND',
        detail: `product ${unknownId} does not exist`,
        instance: url,
        details: { productId: unknownId },
      });
    },
  );

  const id = SEED_PRODUCTS[0]?.id;
  it.each([
    ['/products?page=0', 'page'],
    ['/products?page=-1', 'page'],
    ['/products?page=x', 'page'],
    ['/products?page=2000000', 'page'],
    ['/products?page=1.5', 'page'],
    ['/products?page=1&page=2', 'page'],
    ['/products?limit=true', 'limit'],
    ['/products?limit=2.9', 'limit'],
    ['/products?limit=1e1', 'limit'],
    ['/products?limit=0', 'limit'],
    ['/products?limit=1000', 'limit'],
    ['/products?limit=x', 'limit'],
    ['/products?limit=', 'limit'],
    ['/products?pgae=2', 'pgae'],
    ['/products/not-a-uuid', 'id'],
    ['/products/123', 'id'],
    [`/products/${id}?verbose=1`, 'verbose'],
    ['/products/not-a-uuid/stock', 'id'],
    [`/products/${id}/stock?page=1`, 'page'],
  ])('answers GET %s with a 400 problem naming %s', async (url, field) => {
    const response = await app.inject({ url, headers: admin });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({ status: 400, code: 'CONVEYOR_INVALID_REQUEST' });
    expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('is ready while the database and Kafka answer, and serves metrics and the OpenAPI document', async () => {
    const ready = await app.inject('/ready');
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json().checks).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/metrics')).body).toContain('http_request_duration_seconds');
    const openapi = (await app.inject('/docs/json')).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/products', '/products/{id}', '/products/{id}/stock']),
    );
  });

  it('echoes the caller correlation id', async () => {
    const response = await app.inject({ url: '/products', headers: { 'x-correlation-id': 'req-7' } });
    expect(response.headers['x-correlation-id']).toBe('req-7');
  });
});
