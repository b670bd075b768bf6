import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JwtSigningKey, JwtVerificationKey } from './jwt-keys.ts';
import type { JwtSettings } from './jwt-settings.ts';
import { signToken } from './token-signer.ts';
import { createTokenVerifier, type TokenFailureReason } from './token-verifier.ts';

const pem = (key: { export(options: object): string | Buffer }, type: 'spki' | 'pkcs8') =>
  String(key.export({ type, format: 'pem' }));
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SECRET = 's'.repeat(32);

// HS256 signs and verifies with the same key.
const HS = { algorithm: 'HS256', secret: SECRET } as const satisfies JwtSigningKey & JwtVerificationKey;
const RS: JwtSigningKey = { algorithm: 'RS256', privateKey: pem(rsa.privateKey, 'pkcs8') };
const RS_PUBLIC: JwtVerificationKey = { algorithm: 'RS256', publicKey: pem(rsa.publicKey, 'spki') };
const settings = (key: JwtVerificationKey = HS, more: Partial<JwtSettings> = {}): JwtSettings => ({
  key,
  maxLifetimeSeconds: 86_400,
  ...more,
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token with exactly this header and these claims, HMAC-signed with `secret`. */
function crafted(
  claims: unknown,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
  secret = SECRET,
) {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const minted = (key: JwtSigningKey, ttlSeconds = 600, extra: { issuer?: string; audience?: string } = {}) =>
  signToken(key, { sub: 'u-1', roles: ['user'], ...extra }, { issuedAt: Date.now(), ttlSeconds });
const valid = () => ({ sub: 'u-1', iat: nowSeconds(), exp: nowSeconds() + 600 });

describe('createTokenVerifier accepts', () => {
  it.each([
    ['HS256', HS, settings()],
    ['RS256', RS, settings(RS_PUBLIC)],
    [
      'ES256',
      { algorithm: 'ES256', privateKey: pem(ec.privateKey, 'pkcs8') } satisfies JwtSigningKey,
      settings({ algorithm: 'ES256', publicKey: pem(ec.publicKey, 'spki') }),
    ],
  ] as const)('a %s token from signToken, as sub and roles', (_name, signing, verifying) => {
    const check = createTokenVerifier(verifying)(`Bearer ${minted(signing)}`);
    expect(check).toEqual({ ok: true, identity: { userId: 'u-1', roles: ['user'] } });
  });

  it('roles without duplicates, none when the claim is absent, and a lower-case scheme', () => {
    const verify = createTokenVerifier(settings());
    expect(verify(`Bearer ${crafted({ ...valid(), roles: ['user', 'admin', 'user'] })}`)).toEqual({
      ok: true,
      identity: { userId: 'u-1', roles: ['user', 'admin'] },
    });
    expect(verify(`bearer ${crafted(valid())}`)).toEqual({
      ok: true,
      identity: { userId: 'u-1', roles: [] },
    });
  });

  it('the configured issuer and audience, the audience also in a list', () => {
    const verify = createTokenVerifier(settings(HS, { issuer: 'https://id', audience: 'api' }));
    expect(verify(`Bearer ${minted(HS, 600, { issuer: 'https://id', audience: 'api' })}`).ok).toBe(true);
    expect(verify(`Bearer ${crafted({ ...valid(), iss: 'https://id', aud: ['web', 'api'] })}`).ok).toBe(true);
  });

  it('a lifetime of exactly the maximum', () => {
    expect(createTokenVerifier(settings())(`Bearer ${minted(HS, 86_400)}`).ok).toBe(true);
  });
});

describe('createTokenVerifier refuses, with the reason', () => {
  const strict = settings(HS, { issuer: 'https://id', audience: 'api' });
  const cases: [string, string | undefined, TokenFailureReason, JwtSettings?][] = [
    ['no header', undefined, 'missing-token'],
    ['an empty header', '', 'missing-token'],
    ['another scheme', 'Basic dTpw', 'malformed-header'],
    ['a scheme without a token', 'Bearer', 'malformed-header'],
    ['two tokens', 'Bearer a.b.c d.e.f', 'malformed-header'],
    ['a token that is not a JWT', 'Bearer not-a-jwt', 'malformed-token'],
    ['a payload that is not JSON', `Bearer ${b64({ alg: 'HS256' })}.bm90IGpzb24.sig`, 'malformed-token'],
    ['a payload that is a list', `Bearer ${crafted([1, 2])}`, 'malformed-token'],
    [
      'another secret',
      `Bearer ${minted({ algorithm: 'HS256', secret: 'x'.repeat(32) })}`,
      'invalid-signature',
    ],
    [
      'another RSA key',
      `Bearer ${minted({ algorithm: 'RS256', privateKey: pem(otherRsa.privateKey, 'pkcs8') })}`,
      'invalid-signature',
      settings(RS_PUBLIC),
    ],
    [
      'an HS256 token on an RS256 configuration',
      `Bearer ${minted(HS)}`,
      'unsupported-algorithm',
      settings(RS_PUBLIC),
    ],
    ['an RS256 token on an HS256 configuration', `Bearer ${minted(RS)}`, 'unsupported-algorithm'],
    ['an HS512 header', `Bearer ${crafted(valid(), { alg: 'HS512' })}`, 'unsupported-algorithm'],
    ['alg none', `Bearer ${b64({ alg: 'none' })}.${b64(valid())}.`, 'unsigned-token'],
    [
      'an expired token',
      `Bearer ${crafted({ sub: 'u-1', iat: nowSeconds() - 700, exp: nowSeconds() - 100 })}`,
      'expired',
    ],
    ['nbf in the future', `Bearer ${crafted({ ...valid(), nbf: nowSeconds() + 300 })}`, 'not-yet-valid'],
    ['25 h of lifetime', `Bearer ${minted(HS, 25 * 3600)}`, 'lifetime-too-long'],
    [
      'no iat and exp in 30 days',
      `Bearer ${crafted({ sub: 'u-1', exp: nowSeconds() + 30 * 86_400 })}`,
      'lifetime-too-long',
    ],
    ['no exp', `Bearer ${crafted({ sub: 'u-1', iat: nowSeconds() })}`, 'invalid-claims'],
    [
      'exp as a string',
      `Bearer ${crafted({ sub: 'u-1', exp: String(nowSeconds() + 60) })}`,
      'invalid-claims',
    ],
    ['no sub', `Bearer ${crafted({ iat: nowSeconds(), exp: nowSeconds() + 60 })}`, 'invalid-claims'],
    ['a sub with a space', `Bearer ${crafted({ ...valid(), sub: 'a b' })}`, 'invalid-claims'],
    ['a sub that is a number', `Bearer ${crafted({ ...valid(), sub: 42 })}`, 'invalid-claims'],
    ['roles that are not a list', `Bearer ${crafted({ ...valid(), roles: 'admin' })}`, 'invalid-claims'],
    ['a role with a comma', `Bearer ${crafted({ ...valid(), roles: ['user,admin'] })}`, 'invalid-claims'],
    ['a role that is a number', `Bearer ${crafted({ ...valid(), roles: [1] })}`, 'invalid-claims'],
    ['no iss or aud when both are configured', `Bearer ${minted(HS)}`, 'invalid-claims', strict],
    [
      'another issuer',
      `Bearer ${minted(HS, 600, { issuer: 'https://evil', audience: 'api' })}`,
      'invalid-claims',
      strict,
    ],
    [
      'another audience',
      `Bearer ${minted(HS, 600, { issuer: 'https://id', audience: 'web' })}`,
      'invalid-claims',
      strict,
    ],
    [
      'an unknown critical header',
      `Bearer ${crafted(valid(), { alg: 'HS256', crit: ['x-magic'], 'x-magic': 1 })}`,
      'invalid-token',
    ],
  ];

  it.each(cases)('%s', (_case, header, reason, configured = settings()) => {
    const check = createTokenVerifier(configured)(header);
    expect(check).toMatchObject({ ok: false, reason });
    if (!check.ok) expect(check.description).toMatch(/\S/);
  });

  it('measures a lifetime without iat from the injected clock', () => {
    const exp = nowSeconds() + 3600;
    const token = `Bearer ${crafted({ sub: 'u-1', exp })}`;
    expect(createTokenVerifier(settings())(token).ok).toBe(true);
    const earlier = () => (exp - 86_401) * 1000;
    expect(createTokenVerifier(settings(), earlier)(token)).toMatchObject({ reason: 'lifetime-too-long' });
    expect(createTokenVerifier(settings(HS, { maxLifetimeSeconds: 60 }))(token)).toMatchObject({
      reason: 'lifetime-too-long',
    });
  });
});
