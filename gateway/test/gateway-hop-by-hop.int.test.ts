import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoGateway, startEchoGateway } from './support/echo-gateway.ts';
import { bearer, type Echo, tokenFor } from './support/gateway-under-test.ts';
import { call } from './support/http.ts';

let world: EchoGateway;
beforeAll(async () => {
  world = await startEchoGateway(() => ({
    // One failure counted against an upstream would eject it for a minute (no readiness probe
    // readmits it sooner, so an ejection stays visible).
    ejectAfterFailures: 1,
    ejectCooldownMs: 60_000,
    readinessProbeIntervalMs: 60_000,
    rateLimits: { users: { max: 1_000 }, orders: { max: 1_000 }, products: { max: 1_000 } },
  }));
});
afterAll(() => world?.close());

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  trailers?: Record<string, string>;
}

/** node:http, because fetch refuses to send most of these headers; a fresh connection each. */
function send(sent: Sent): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${world.gateway.url}${sent.path}`, {
      method: sent.method,
      headers: sent.headers,
      agent: false,
    });
    req.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        const json = (response.headers['content-type'] ?? '').includes('json') && text !== '';
        resolve({ status: response.statusCode ?? 0, body: json ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    if (sent.trailers) req.addTrailers(sent.trailers);
    req.end(sent.body);
  });
}

const user = bearer(tokenFor('u-1'));
const order = JSON.stringify({ items: [{ productId: 'p-1', quantity: 1 }] });
const json = { 'content-type': 'application/json' };

/** What a stranger (or a confused client) may send; none of it is the upstream's business. */
const HOSTILE: [string, Sent][] = [
  ['Keep-Alive (issue 11)', { method: 'GET', path: '/api/products', headers: { 'keep-alive': 'timeout=5' } }],
  [
    'Connection: keep-alive with Keep-Alive',
    {
      method: 'GET',
      path: '/api/products/p-1',
      headers: { connection: 'keep-alive', 'keep-alive': 'timeout=5, max=100' },
    },
  ],
  [
    'Upgrade: h2c',
    {
      method: 'GET',
      path: '/api/products',
      headers: {
        connection: 'Upgrade, HTTP2-Settings',
        upgrade: 'h2c',
        'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA',
      },
    },
  ],
  ['Upgrade: h2c without Connection', { method: 'GET', path: '/api/products', headers: { upgrade: 'h2c' } }],
  [
    'Upgrade: websocket',
    {
      method: 'GET',
      path: '/api/orders/o-1',
      headers: { ...user, connection: 'upgrade', upgrade: 'websocket' },
    },
  ],
  [
    'Expect: 100-continue with a body',
    {
      method: 'POST',
      path: '/api/orders',
      headers: { ...user, ...json, expect: '100-continue' },
      body: order,
    },
  ],
  [
    'Expect: 100-continue on a GET',
    { method: 'GET', path: '/api/products', headers: { expect: '100-continue' } },
  ],
  [
    'Connection: close, x-foo',
    { method: 'GET', path: '/api/products', headers: { connection: 'close, x-foo', 'x-foo': 'bar' } },
  ],
  ['TE: trailers', { method: 'GET', path: '/api/users/u-1', headers: { ...user, te: 'trailers' } }],
  [
    'TE: gzip named by Connection',
    { method: 'GET', path: '/api/products', headers: { connection: 'TE', te: 'gzip' } },
  ],
  [
    'Transfer-Encoding: chunked with Trailer',
    {
      method: 'POST',
      path: '/api/orders',
      headers: { ...user, ...json, 'transfer-encoding': 'chunked', trailer: 'x-checksum' },
      body: order,
      trailers: { 'x-checksum': 'abc' },
    },
  ],
  [
    'Transfer-Encoding: chunked on a PATCH',
    {
      method: 'PATCH',
      path: '/api/users/u-1',
      headers: { ...user, ...json, 'transfer-encoding': 'chunked', 'keep-alive': 'timeout=1' },
      body: '{"profile":{"firstName":"A"}}',
    },
  ],
  [
    'Proxy-Authorization and Proxy-Connection',
    {
      method: 'GET',
      path: '/api/products',
      headers: { 'proxy-authorization': 'Basic dTpw', 'proxy-connection': 'keep-alive' },
    },
  ],
  [
    'a GET with a body',
    { method: 'GET', path: '/api/products', headers: { ...json, 'content-length': '2' }, body: '{}' },
  ],
  [
    'forged identity named by Connection',
    {
      method: 'GET',
      path: '/api/orders',
      headers: { ...user, connection: 'x-user-id', 'x-user-id': 'admin-1', 'x-user-roles': 'admin' },
    },
  ],
  [
    'everything at once',
    {
      method: 'DELETE',
      path: '/api/orders/o-1',
      headers: {
        ...user,
        connection: 'keep-alive, upgrade, x-foo',
        'keep-alive': 'timeout=5',
        upgrade: 'h2c',
        expect: '100-continue',
        te: 'trailers',
        'proxy-connection': 'keep-alive',
        'x-foo': 'bar',
      },
    },
  ],
];

// What the upstream may see of a connection: only the gateway's own Connection header.
const NEVER_UPSTREAM = [
  'keep-alive',
  'upgrade',
  'http2-settings',
  'expect',
  'te',
  'trailer',
  'transfer-encoding',
  'proxy-authorization',
  'proxy-connection',
  'x-foo',
  'x-checksum',
  'x-user-id',
  'x-user-roles',
];

describe('hop-by-hop headers from callers', () => {
  it('are stripped from 50 requests, which count nothing against any upstream', async () => {
    const answers = [];
    for (let i = 0; i < 50; i++) {
      const [label, sent] = HOSTILE[i % HOSTILE.length] as [string, Sent];
      const answer = await send(sent);
      answers.push({ label, status: answer.status });
      expect([200, 400], label).toContain(answer.status);
      if (answer.status !== 200) continue;
      const echo = answer.body as Echo;
      for (const name of NEVER_UPSTREAM) expect(echo.headers[name], `${label}: ${name}`).toBeUndefined();
      expect(['keep-alive', 'close', undefined], label).toContain(echo.headers.connection);
      if (sent.headers.authorization)
        expect(echo.headers.authorization, label).toBe(sent.headers.authorization);
      if (sent.body && sent.method !== 'GET') expect(echo.body, label).toBe(sent.body);
    }
    // Forwarded without the header, not refused: every one of them can be served.
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);

    const normal = await call(world.gateway.url, '/api/products');
    expect(normal.status).toBe(200);
    const health = await call<{
      services: Record<string, { instances: { ejected: number }; upstreams: { ejected: boolean }[] }>;
    }>(world.gateway.url, '/health');
    for (const [service, report] of Object.entries(health.body.services)) {
      expect(report.instances.ejected, service).toBe(0);
      expect(
        report.upstreams.every((u) => !u.ejected),
        service,
      ).toBe(true);
    }
    const metrics = (await call<string>(world.gateway.url, '/metrics')).body;
    expect(metrics).not.toMatch(
      /gateway_upstream_request_duration_seconds_count\{[^}]*outcome="(reset|unsendable|5\d\d)"/,
    );
  });
});
