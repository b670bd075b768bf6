import { type Access, createTokenVerifier } from '@conveyor/http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticator, decorateIdentity } from '../src/auth/jwt-auth.ts';
import { routeGuard } from '../src/auth/route-guard.ts';
import { gatewayErrorHandler } from '../src/http/problems.ts';
import { bearer, TEST_JWT, tokenFor, tokenWithClaims } from './support/gateway-under-test.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** One route with the gateway's authentication and guard, answering with who the caller is. */
async function guarded(access: Access, jwt = TEST_JWT) {
  const instance = Fastify();
  app = instance;
  instance.setErrorHandler(gatewayErrorHandler);
  decorateIdentity(instance);
  instance.addHook('onRequest', authenticator(createTokenVerifier(jwt)));
  instance.addHook('preParsing', routeGuard(access));
  instance.get('/', async (request) => ({ identity: request.identity }));
  await instance.ready();
  return (headers: Record<string, string> = {}) => instance.inject({ url: '/', headers });
}

describe('gateway authentication with the shared verifier', () => {
  it('puts the verified sub and roles on the request', async () => {
    const get = await guarded('user');
    const answer = await get(bearer(tokenFor('auth0|42', ['user', 'user', 'admin'])));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ identity: { userId: 'auth0|42', roles: ['user', 'admin'] } });
  });

  it.each([
    ['none', {}, 'missing-token'],
    ['a Basic header', { authorization: 'Basic dTpw' }, 'malformed-header'],
    ['a bad signature', bearer(tokenFor('u', ['user'], { secret: 'x'.repeat(32) })), 'invalid-signature'],
    ['no exp', bearer(tokenWithClaims({ sub: 'u' })), 'invalid-claims'],
    ['25 h of lifetime', bearer(tokenFor('u', ['user'], { ttlSeconds: 25 * 3600 })), 'lifetime-too-long'],
  ])('answers a token with %s with the gateway 401 and the shared reason', async (_case, headers, reason) => {
    const get = await guarded('user');
    const answer = await get(headers);
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'GATEWAY_UNAUTHORIZED', details: { reason } });
    const challenge = answer.headers['www-authenticate'];
    if (reason === 'missing-token') expect(challenge).toBe('Bearer realm="conveyor"');
    else
      expect(challenge).toMatch(
        /^Bearer realm="conveyor", error="invalid_token", error_description="[^"]+"$/,
      );
  });

  it('answers a token without the role with 401: only a token with it is a credential for the route', async () => {
    const get = await guarded({ role: 'admin' });
    const answer = await get(bearer(tokenFor('u', ['user'])));
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({
      code: 'GATEWAY_UNAUTHORIZED',
      details: { reason: 'role-missing', requiredRole: 'admin' },
    });
    expect(answer.headers['www-authenticate']).toBe(
      'Bearer realm="conveyor", error="insufficient_scope", scope="admin"',
    );
  });

  it('lets anyone through a public route, identified only by a valid token', async () => {
    const get = await guarded('public');
    expect((await get()).json()).toEqual({ identity: null });
    expect((await get(bearer(tokenWithClaims({ sub: 'u' })))).json()).toEqual({ identity: null });
    expect((await get(bearer(tokenFor('u-7')))).json()).toEqual({
      identity: { userId: 'u-7', roles: ['user'] },
    });
  });

  it('enforces the configured issuer', async () => {
    const get = await guarded('user', { ...TEST_JWT, issuer: 'https://id.conveyor.dev' });
    expect((await get(bearer(tokenFor('u')))).statusCode).toBe(401);
    expect(
      (await get(bearer(tokenFor('u', ['user'], { issuer: 'https://id.conveyor.dev' })))).statusCode,
    ).toBe(200);
  });
});
