import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { signToken } from '@conveyor/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoGateway, startEchoGateway } from './support/echo-gateway.ts';
import {
  b64,
  bearer,
  type Echo,
  type RunningGateway,
  startGateway,
  TEST_JWT,
  tokenFor,
  tokenWithClaims,
} from './support/gateway-under-test.ts';
import { call } from './support/http.ts';

let world: EchoGateway;
beforeAll(async () => {
  world = await startEchoGateway();
});
afterAll(() => world?.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);
const inOneHour = () => nowSeconds() + 3600;

describe('auth matrix', () => {
  const cases: [string, string, number, string | undefined, () => Record<string, string>][] = [
    ['no token', '/api/users/u-1', 401, 'missing-token', () => ({})],
    [
      'a bad signature',
      '/api/users/u-1',
      401,
      'invalid-signature',
      () => bearer(tokenFor('u-1', ['user'], { secret: 'another-secret-of-32-characters!!' })),
    ],
    [
      'an expired token',
      '/api/orders',
      401,
      'expired',
      () => bearer(tokenFor('u-1', ['user'], { issuedAt: Date.now() - 7_200_000, ttlSeconds: 3600 })),
    ],
    [
      'an unsigned (alg none) token',
      '/api/orders',
      401,
      'unsigned-token',
      () => bearer(`${b64({ alg: 'none' })}.${b64({ sub: 'u-1', exp: inOneHour() })}.`),
    ],
    [
      'a token valid only from tomorrow (nbf)',
      '/api/orders',
      401,
      'not-yet-valid',
      () =>
        bearer(
          tokenWithClaims({
            sub: 'u-1',
            iat: nowSeconds(),
            nbf: nowSeconds() + 86_000,
            exp: nowSeconds() + 86_300,
          }),
        ),
    ],
    [
      'a token without exp',
      '/api/orders',
      401,
      'invalid-claims',
      () => bearer(tokenWithClaims({ sub: 'u-1', roles: ['user'], iat: nowSeconds() })),
    ],
    [
      'a token that lives longer than JWT_MAX_LIFETIME (24 h)',
      '/api/orders',
      401,
      'lifetime-too-long',
      () => bearer(tokenFor('u-1', ['user'], { ttlSeconds: 24 * 3600 + 1 })),
    ],
    [
      'a token without iat that expires in 30 days',
      '/api/orders',
      401,
      'lifetime-too-long',
      () => bearer(tokenWithClaims({ sub: 'u-1', exp: nowSeconds() + 30 * 86_400 })),
    ],
    ['a token that is not a JWT', '/api/orders', 401, 'malformed-token', () => bearer('not.a.jwt')],
    [
      'another scheme than Bearer',
      '/api/orders',
      401,
      'malformed-header',
      () => ({ authorization: `Basic ${btoa('u:p')}` }),
    ],
    ['a good token', '/api/users/u-1', 200, undefined, () => bearer(tokenFor('u-1'))],
    [
      'a good token on the orders of a user',
      '/api/users/u-1/orders',
      200,
      undefined,
      () => bearer(tokenFor('u-1')),
    ],
    ['admin routes without a token', '/admin/sagas', 401, 'missing-token', () => ({})],
    [
      'admin routes without role admin',
      '/admin/sagas',
      401,
      'role-missing',
      () => bearer(tokenFor('u-1', ['user'])),
    ],
    [
      'admin routes with role admin',
      '/admin/sagas?status=failed',
      200,
      undefined,
      () => bearer(tokenFor('ops-1', ['user', 'admin'])),
    ],
    ['the public catalogue without a token', '/api/products/p-1', 200, undefined, () => ({})],
  ];

  it.each(cases)('%s: %s answers %i', async (_case, path, status, reason, headers) => {
    const answer = await call(world.gateway.url, path, { headers: headers() });
    expect(answer.status).toBe(status);
    if (status === 401) {
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 401, code: 'GATEWAY_UNAUTHORIZED', details: { reason } });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="conveyor"/);
    }
    if (reason === 'role-missing') {
      expect(answer.body).toMatchObject({ details: { requiredRole: 'admin' } });
      expect(answer.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="admin"');
    }
  });

  it('never lets a refused request reach the upstream', async () => {
    const before = (await call<unknown[]>(world.orders.url, '/__log')).body.length;
    await call(world.gateway.url, '/api/orders', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    await call(world.gateway.url, '/admin/sagas/s-1/abort', {
      method: 'POST',
      headers: bearer(tokenFor('u-1')),
    });
    expect((await call<unknown[]>(world.orders.url, '/__log')).body.length).toBe(before);
  });

  it('treats a bad token on a public route as anonymous', async () => {
    const expired = tokenFor('u-1', ['user'], { issuedAt: Date.now() - 7_200_000, ttlSeconds: 60 });
    const answer = await call<Echo>(world.gateway.url, '/api/products', { headers: bearer(expired) });
    expect(answer.status).toBe(200);
    expect(answer.body.headers['x-user-id']).toBeUndefined();
  });

  it.each(['RS256', 'ES256'] as const)(
    'verifies %s tokens with the configured public key',
    async (algorithm) => {
      const pair =
        algorithm === 'RS256'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const keyed = await startGateway({
        jwt: {
          ...TEST_JWT,
          key: { algorithm, publicKey: String(pair.publicKey.export({ type: 'spki', format: 'pem' })) },
        },
        upstreams: world.urls,
      });
      try {
        const good = signToken(
          { algorithm, privateKey: String(pair.privateKey.export({ type: 'pkcs8', format: 'pem' })) },
          { sub: 'u-9', roles: ['user'] },
          { issuedAt: Date.now(), ttlSeconds: 60 },
        );
        const accepted = await call<Echo>(keyed.url, '/api/orders', { headers: bearer(good) });
        expect(accepted.status).toBe(200);
        expect(accepted.body.headers.authorization).toBe(`Bearer ${good}`);
        const hmac = await call(keyed.url, '/api/orders', { headers: bearer(tokenFor('u-9')) });
        expect(hmac.body).toMatchObject({ status: 401, details: { reason: 'unsupported-algorithm' } });
      } finally {
        await keyed.close();
      }
    },
  );
});

describe('issuer and audience (JWT_ISSUER, JWT_AUDIENCE)', () => {
  let strict: RunningGateway;
  beforeAll(async () => {
    strict = await startGateway({
      jwt: { ...TEST_JWT, issuer: 'https://id.conveyor.dev', audience: 'conveyor-api' },
      upstreams: world.urls,
    });
  });
  afterAll(() => strict?.close());

  const rightIss = 'https://id.conveyor.dev';
  it.each([
    ['no iss and no aud', {}],
    ['another issuer', { issuer: 'https://evil.example', audience: 'conveyor-api' }],
    ['another audience', { issuer: rightIss, audience: 'another-api' }],
    ['no audience', { issuer: rightIss }],
    ['no issuer', { audience: 'conveyor-api' }],
  ])('refuses a token with %s: 401 invalid-claims', async (_case, claims) => {
    const answer = await call(strict.url, '/api/orders', {
      headers: bearer(tokenFor('u-1', ['user'], claims)),
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      code: 'GATEWAY_UNAUTHORIZED',
      details: { reason: 'invalid-claims' },
    });
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('accepts the configured issuer and audience', async () => {
    const token = tokenFor('u-1', ['user'], { issuer: rightIss, audience: 'conveyor-api' });
    expect((await call(strict.url, '/api/orders', { headers: bearer(token) })).status).toBe(200);
  });
});

describe('identity upstream', () => {
  const IDENTITY_HEADERS = ['x-user-id', 'x-user-roles'];

  it("forwards the caller's Authorization unchanged and never an x-user-id or x-user-roles, even forged", async () => {
    const token = tokenFor('u-1', ['user', 'support']);
    const answer = await call<Echo>(world.gateway.url, '/api/users/u-1', {
      headers: { ...bearer(token), 'x-user-id': 'admin-1', 'x-user-roles': 'admin' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.headers.authorization).toBe(`Bearer ${token}`);
    for (const name of IDENTITY_HEADERS) expect(answer.body.headers[name]).toBeUndefined();
  });

  it('sends no identity at all for an anonymous caller who claims one', async () => {
    const answer = await call<Echo>(world.gateway.url, '/api/products', {
      headers: { 'x-user-id': 'admin-1', 'X-User-Roles': 'admin' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.headers.authorization).toBeUndefined();
    for (const name of IDENTITY_HEADERS) expect(answer.body.headers[name]).toBeUndefined();
  });

  it('keeps Authorization and its own headers when the Connection header names them', async () => {
    // fetch refuses to send a Connection header; node:http does not.
    const token = tokenFor('u-1');
    const echo = await new Promise<Echo>((resolve, reject) => {
      const req = request(`${world.gateway.url}/api/orders`, {
        headers: {
          ...bearer(token),
          connection: 'authorization, x-user-id, x-correlation-id, x-forwarded-for',
        },
      });
      req.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve(JSON.parse(text) as Echo));
      });
      req.on('error', reject);
      req.end();
    });
    expect(echo.headers.authorization).toBe(`Bearer ${token}`);
    expect(echo.headers['x-user-id']).toBeUndefined();
    expect(echo.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('correlation id', () => {
  it('carries the caller id to the upstream and back', async () => {
    const answer = await call<Echo>(world.gateway.url, '/api/orders/o-1', {
      headers: { ...bearer(tokenFor('u-1')), 'x-correlation-id': 'checkout-42' },
    });
    expect(answer.body.headers['x-correlation-id']).toBe('checkout-42');
    expect(answer.headers.get('x-correlation-id')).toBe('checkout-42');
  });

  it('makes one when the caller sent none (or an unusable one) and returns it', async () => {
    for (const headers of [{}, { 'x-correlation-id': 'has spaces in it' }] as Record<string, string>[]) {
      const answer = await call<Echo>(world.gateway.url, '/api/products', { headers });
      const id = answer.headers.get('x-correlation-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.body.headers['x-correlation-id']).toBe(id);
    }
  });

  it('is returned on refusals too', async () => {
    const answer = await call(world.gateway.url, '/api/orders', {
      headers: { 'x-correlation-id': 'no-token-7' },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-correlation-id')).toBe('no-token-7');
  });
});
