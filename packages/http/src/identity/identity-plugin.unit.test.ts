import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics.ts';
import { createServiceApp } from '../service-app.ts';
import { bearer, developmentVerifier } from '../testing.ts';
import { callerOf, isAdmin, mayAccess } from './identity-plugin.ts';

let app: Awaited<ReturnType<typeof createServiceApp>>;

beforeAll(async () => {
  app = await createServiceApp({
    name: 'identity-test',
    metrics: createMetricsRegistry('identity-test'),
    readiness: {},
    verifyToken: developmentVerifier(),
  });
  app.get('/catalogue', { config: { access: 'public' } }, async (request) => ({
    identity: request.identity,
  }));
  app.get('/mine', async (request) => ({ caller: callerOf(request) }));
  app.post(
    '/mine',
    { schema: { body: Type.Object({ name: Type.String() }, { additionalProperties: false }) } },
    async (request) => ({ caller: callerOf(request), name: request.body.name }),
  );
  app.get('/admin/things', { config: { access: { role: 'admin' } } }, async (request) => ({
    caller: callerOf(request),
  }));
  await app.ready();
});
afterAll(() => app.close());

describe('registerIdentity on createServiceApp', () => {
  it('serves a public route to anyone, identifying a caller only by a valid token', async () => {
    const anonymous = await app.inject({ url: '/catalogue' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ identity: null });
    const known = await app.inject({ url: '/catalogue', headers: bearer('u-1', ['user']) });
    expect(known.json()).toEqual({ identity: { userId: 'u-1', roles: ['user'] } });
    const badToken = await app.inject({ url: '/catalogue', headers: { authorization: 'Bearer not.a.jwt' } });
    expect(badToken.statusCode).toBe(200);
    expect(badToken.json()).toEqual({ identity: null });
  });

  it('answers a user route without a token with 401 and a plain Bearer challenge', async () => {
    const answer = await app.inject({ url: '/mine' });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json()).toMatchObject({
      code: 'CONVEYOR_UNAUTHORIZED',
      details: { reason: 'missing-token' },
    });
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="conveyor"');
  });

  it('answers a user route with a bad token with 401 naming why', async () => {
    const answer = await app.inject({ url: '/mine', headers: { authorization: 'Bearer not.a.jwt' } });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ details: { reason: 'malformed-token' } });
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="conveyor", error="invalid_token"/);
  });

  it('gives a user route the caller from the token', async () => {
    const answer = await app.inject({ url: '/mine', headers: bearer('u-1', ['user']) });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ caller: { userId: 'u-1', roles: ['user'] } });
  });

  it('refuses before validating the body: a stranger learns nothing of the schema', async () => {
    const answer = await app.inject({ method: 'POST', url: '/mine', payload: { unknown: 1 } });
    expect(answer.statusCode).toBe(401);
    const caller = await app.inject({
      method: 'POST',
      url: '/mine',
      payload: { unknown: 1 },
      headers: bearer('u-1'),
    });
    expect(caller.statusCode).toBe(400);
  });

  it('answers a role route with 403 without the role, 200 with it', async () => {
    const user = await app.inject({ url: '/admin/things', headers: bearer('u-1', ['user']) });
    expect(user.statusCode).toBe(403);
    expect(user.json()).toMatchObject({ code: 'CONVEYOR_FORBIDDEN', details: { requiredRole: 'admin' } });
    expect(user.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const admin = await app.inject({ url: '/admin/things', headers: bearer('ops-1', ['user', 'admin']) });
    expect(admin.statusCode).toBe(200);
    expect((await app.inject({ url: '/admin/things' })).statusCode).toBe(401);
  });

  it('answers an unknown route with 401 to a stranger (no map of routes) and 404 to a caller', async () => {
    expect((await app.inject({ url: '/secret-route' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/secret-route', headers: bearer('u-1') })).statusCode).toBe(404);
  });

  it.each(['/health', '/ready', '/metrics', '/docs/json'])('serves %s without a token', async (url) => {
    expect((await app.inject({ url })).statusCode).toBe(200);
  });

  it('ignores a forged x-user-id and x-user-roles', async () => {
    const forged = { 'x-user-id': 'ops-1', 'x-user-roles': 'admin' };
    expect((await app.inject({ url: '/mine', headers: forged })).statusCode).toBe(401);
    expect((await app.inject({ url: '/admin/things', headers: forged })).statusCode).toBe(401);
    const asUser = { ...bearer('u-1', ['user']), ...forged };
    expect((await app.inject({ url: '/mine', headers: asUser })).json()).toEqual({
      caller: { userId: 'u-1', roles: ['user'] },
    });
    expect((await app.inject({ url: '/admin/things', headers: asUser })).statusCode).toBe(403);
  });
});

describe('ownership', () => {
  const user = { userId: 'u-1', roles: ['user'] };
  const admin = { userId: 'ops-1', roles: ['user', 'admin'] };
  it('lets the owner and an admin at a record, nobody else', () => {
    expect(mayAccess(user, 'u-1')).toBe(true);
    expect(mayAccess(user, 'u-2')).toBe(false);
    expect(mayAccess(admin, 'u-2')).toBe(true);
    expect([isAdmin(user), isAdmin(admin)]).toEqual([false, true]);
  });
});
