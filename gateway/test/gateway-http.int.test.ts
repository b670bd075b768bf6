import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoGateway, startEchoGateway } from './support/echo-gateway.ts';
import { bearer, type Echo, tokenFor } from './support/gateway-under-test.ts';
import { call } from './support/http.ts';
import { freePort } from './support/upstream-process.ts';

let world: EchoGateway;
let deadPort: number;
const admin = bearer(tokenFor('ops-1', ['user', 'admin']));

beforeAll(async () => {
  deadPort = await freePort();
  world = await startEchoGateway(({ urls }) => ({
    // A second inventory instance that is not running: /health reports it, traffic avoids it.
    upstreams: { ...urls, inventory: [...urls.inventory, `http://127.0.0.1:${deadPort}`] },
    bodyLimitBytes: 1_024,
  }));
});
afterAll(() => world?.close());

describe('routes', () => {
  it.each([
    ['/api/users', 'users', '/users'],
    ['/api/users/u-1?fields=name', 'users', '/users/u-1?fields=name'],
    ['/api/users/u-1/preferences', 'users', '/users/u-1/preferences'],
    ['/api/users/u-1/orders', 'orders', '/users/u-1/orders'],
    ['/api/users/u-1/orders?status=placed', 'orders', '/users/u-1/orders?status=placed'],
    ['/api/orders', 'orders', '/orders'],
    ['/api/orders/o-1/cancel', 'orders', '/orders/o-1/cancel'],
    ['/api/products?limit=5', 'inventory', '/products?limit=5'],
    ['/api/products/p-1', 'inventory', '/products/p-1'],
    [
      '/admin/sagas?status=failed&type=create-order',
      'orders',
      '/admin/sagas?status=failed&type=create-order',
    ],
    ['/admin/sagas/s-1', 'orders', '/admin/sagas/s-1'],
  ])('%s goes to %s as %s', async (path, service, upstreamPath) => {
    const answer = await call<Echo>(world.gateway.url, path, { headers: admin });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: service, url: upstreamPath, method: 'GET' });
  });

  it('keeps the method and rewrites the path of writes too', async () => {
    const answer = await call<Echo>(world.gateway.url, '/admin/sagas/s-1/compensations/replay', {
      method: 'POST',
      headers: admin,
    });
    expect(answer.body).toMatchObject({
      name: 'orders',
      method: 'POST',
      url: '/admin/sagas/s-1/compensations/replay',
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    for (const path of ['/api/usersx', '/api/payments', '/admin/other', '/']) {
      const answer = await call(world.gateway.url, path, { headers: admin });
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ status: 404, code: 'GATEWAY_ROUTE_NOT_FOUND' });
    }
  });

  it('refuses paths that climb out of the service prefix', async () => {
    const answer = await call(world.gateway.url, '/api/products/..%2fadmin%2fsagas', { headers: admin });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('bodies', () => {
  it('forwards JSON byte for byte (no re-serialisation)', async () => {
    const raw = '{ "amount": 12345678901234567890, "b": 1, "a": 2 }';
    const answer = await call<Echo>(world.gateway.url, '/api/orders', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: raw,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.body).toBe(raw);
    expect(answer.body.headers['content-length']).toBe(String(Buffer.byteLength(raw)));
  });

  it('forwards other media types as they came', async () => {
    const answer = await call<Echo>(world.gateway.url, '/api/users/u-1/avatar', {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'text/plain' },
      body: 'plain text',
    });
    expect(answer.body).toMatchObject({ method: 'PUT', body: 'plain text' });
    expect(answer.body.headers['content-type']).toBe('text/plain');
  });

  it('answers malformed JSON with 400 at the gateway', async () => {
    const before = (await call<unknown[]>(world.orders.url, '/__log')).body.length;
    for (const body of ['{"amount":', '']) {
      const answer = await call(world.gateway.url, '/api/orders', {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body,
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'CONVEYOR_INVALID_REQUEST', errors: [{ field: 'body' }] });
    }
    expect((await call<unknown[]>(world.orders.url, '/__log')).body.length).toBe(before);
  });

  it('answers a body over the limit with 413 at the gateway', async () => {
    const answer = await call(world.gateway.url, '/api/orders', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(2_000) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });

  it('checks the token before reading the body', async () => {
    const answer = await call(world.gateway.url, '/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(2_000) }),
    });
    expect(answer.status).toBe(401);
  });
});

describe('/health and /metrics', () => {
  it('aggregates every upstream /health with instance counts', async () => {
    const answer = await call<{
      status: string;
      services: Record<
        string,
        { status: string; instances: Record<string, number>; upstreams: { url: string; status: string }[] }
      >;
    }>(world.gateway.url, '/health');
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('degraded');
    expect(answer.body.services.users).toMatchObject({
      status: 'up',
      instances: { total: 1, up: 1, down: 0, ejected: 0 },
    });
    expect(answer.body.services.inventory).toMatchObject({
      status: 'degraded',
      instances: { total: 2, up: 1, down: 1 },
      upstreams: [
        { url: world.inventory.url, status: 'up' },
        { url: `http://127.0.0.1:${deadPort}`, status: 'down' },
      ],
    });
  });

  it('counts requests and latencies per route and upstream outcomes', async () => {
    await call(world.gateway.url, '/api/products/p-2');
    await call(world.gateway.url, '/api/products/p-3');
    const text = (await call<string>(world.gateway.url, '/metrics')).body;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/products\/\*",status="200"\} \d+/,
    );
    expect(text).toMatch(
      new RegExp(
        `gateway_upstream_request_duration_seconds_count\\{[^}]*service="inventory",instance="${world.inventory.url}",outcome="200"\\}`,
      ),
    );
    expect(text).toMatch(/gateway_upstream_instances\{[^}]*service="users",state="available"\} 1/);
    expect(text).toMatch(/gateway_upstream_instances\{[^}]*service="orders",state="ejected"\} 0/);
  });
});
