import { generateKeyPairSync } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { identityOf, registerJwtAuth } from '../src/auth/jwt-auth.ts';
import type { JwtSigningKey, JwtVerificationKey } from '../src/auth/keys.ts';
import { signToken } from '../src/auth/token-signer.ts';
import { classifyFailure } from '../src/upstreams/forward.ts';

const pem = (key: { export(options: object): string | Buffer }, type: 'spki' | 'pkcs8') =>
  String(key.export({ type, format: 'pem' }));
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SECRET = 's'.repeat(32);

const pairs: [string, JwtSigningKey, JwtVerificationKey][] = [
  ['HS256', { algorithm: 'HS256', secret: SECRET }, { algorithm: 'HS256', secret: SECRET }],
  [
    'RS256',
    { algorithm: 'RS256', privateKey: pem(rsa.privateKey, 'pkcs8') },
    { algorithm: 'RS256', publicKey: pem(rsa.publicKey, 'spki') },
  ],
  [
    'ES256',
    { algorithm: 'ES256', privateKey: pem(ec.privateKey, 'pkcs8') },
    { algorithm: 'ES256', publicKey: pem(ec.publicKey, 'spki') },
  ],
];

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function verifier(key: JwtVerificationKey) {
  app = Fastify();
  await registerJwtAuth(app, key);
  await app.ready();
  return app.jwt;
}

describe('tokens minted by npm run token', () => {
  it.each(pairs)('are accepted by the gateway verifier (%s)', async (_name, signing, verification) => {
    const jwt = await verifier(verification);
    const issuedAt = Date.now();
    const token = signToken(signing, { sub: 'u-1', roles: ['user', 'admin'] }, { issuedAt, ttlSeconds: 60 });
    const iat = Math.floor(issuedAt / 1000);
    expect(jwt.verify(token)).toEqual({ sub: 'u-1', roles: ['user', 'admin'], iat, exp: iat + 60 });
  });

  it('are refused when signed with another algorithm than the configured one', async () => {
    const jwt = await verifier({ algorithm: 'RS256', publicKey: pem(rsa.publicKey, 'spki') });
    const token = signToken(
      { algorithm: 'HS256', secret: SECRET },
      { sub: 'u', roles: [] },
      {
        issuedAt: Date.now(),
        ttlSeconds: 60,
      },
    );
    expect(() => jwt.verify(token)).toThrow(expect.objectContaining({ code: 'FAST_JWT_INVALID_ALGORITHM' }));
  });
});

describe('identity from verified claims', () => {
  it('takes sub as the user id and roles as a list, without duplicates', () => {
    expect(identityOf({ sub: 'auth0|42', roles: ['user', 'user', 'admin'] })).toEqual({
      userId: 'auth0|42',
      roles: ['user', 'admin'],
    });
    expect(identityOf({ sub: 'u' })).toEqual({ userId: 'u', roles: [] });
  });

  it.each([
    [{ sub: '' }],
    [{ sub: 'has space' }],
    [{ sub: 'line\nbreak' }],
    [{ sub: 42 }],
    [{ sub: 'u', roles: 'admin' }],
    [{ sub: 'u', roles: ['a,b'] }],
    [{ sub: 'u', roles: [1] }],
  ])('refuses claims that cannot travel in headers: %j', (claims) => {
    expect(identityOf(claims)).toBeUndefined();
  });
});

describe('failed upstream attempts', () => {
  const wrapped = (code: string) => ({ code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR', cause: { code } });
  it('tell a request never sent from one that broke or timed out', () => {
    expect(classifyFailure(wrapped('ECONNREFUSED'))).toBe('connect');
    expect(classifyFailure({ code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe('connect');
    expect(
      classifyFailure({ code: 'FST_REPLY_FROM_GATEWAY_TIMEOUT', cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }),
    ).toBe('timeout');
    expect(classifyFailure({ code: 'UND_ERR_SOCKET' })).toBe('reset');
    expect(classifyFailure(wrapped('ECONNRESET'))).toBe('reset');
    expect(classifyFailure(new Error('?'))).toBe('reset');
  });
});
