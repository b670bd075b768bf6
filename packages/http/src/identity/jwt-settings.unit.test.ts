import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from './jwt-keys.ts';
import { loadJwtClaimRules, loadJwtSettings, loadSigningKey, usesDevelopmentSecret } from './jwt-settings.ts';

const pem = (key: { export(options: object): string | Buffer }, type: 'spki' | 'pkcs8') =>
  String(key.export({ type, format: 'pem' }));
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const files: Record<string, string> = {
  '/keys/rsa.pub': pem(rsa.publicKey, 'spki'),
  '/keys/rsa.key': pem(rsa.privateKey, 'pkcs8'),
  '/keys/ec.key': pem(ec.privateKey, 'pkcs8'),
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
  return text;
};
const OWN_SECRET = 'o'.repeat(32);
const load = (env: NodeJS.ProcessEnv, host = '127.0.0.1') => loadJwtSettings(env, { host }, readFile);
function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof Error && 'code' in error && 'details' in error) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('loadJwtSettings', () => {
  it('defaults to the development secret on loopback, 24 h at most, no issuer or audience', () => {
    const settings = load({});
    expect(settings).toEqual({
      key: { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
      maxLifetimeSeconds: 86_400,
    });
    expect(usesDevelopmentSecret(settings.key)).toBe(true);
  });

  it.each(['127.0.0.1', 'localhost', '::1', '[::1]'])(
    'trusts the development secret when binding %s',
    (host) => {
      expect(load({}, host).key).toEqual({ algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET });
    },
  );

  it.each([
    ['0.0.0.0 with JWT_SECRET unset', {}, '0.0.0.0', /when binding 0\.0\.0\.0/],
    ['0.0.0.0 with JWT_SECRET empty', { JWT_SECRET: '' }, '0.0.0.0', /loopback only/],
    [
      'a LAN address with JWT_SECRET set to it',
      { JWT_SECRET: DEVELOPMENT_JWT_SECRET },
      '10.0.0.5',
      /10\.0\.0\.5/,
    ],
    ['the IPv6 any address', {}, '::', /when binding ::/],
    ['NODE_ENV=production on loopback', { NODE_ENV: 'production' }, '127.0.0.1', /NODE_ENV=production/],
  ])('refuses the development secret on %s, in one line naming JWT_SECRET', (_case, env, host, message) => {
    const error = refusal(() => load(env, host));
    expect(error).toMatchObject({
      code: 'CONVEYOR_INVALID_ENVIRONMENT',
      details: { variable: 'JWT_SECRET' },
    });
    expect(error.message).toMatch(/^JWT_SECRET /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(DEVELOPMENT_JWT_SECRET);
  });

  it('binds any host with a secret of its own or a public key, in production too', () => {
    expect(load({ JWT_SECRET: OWN_SECRET, NODE_ENV: 'production' }, '0.0.0.0').key).toEqual({
      algorithm: 'HS256',
      secret: OWN_SECRET,
    });
    expect(load({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/rsa.pub' }, '0.0.0.0').key).toEqual({
      algorithm: 'RS256',
      publicKey: files['/keys/rsa.pub'],
    });
  });

  it('reads JWT_ISSUER, JWT_AUDIENCE and JWT_MAX_LIFETIME', () => {
    expect(
      load({
        JWT_SECRET: OWN_SECRET,
        JWT_ISSUER: 'https://id',
        JWT_AUDIENCE: 'api',
        JWT_MAX_LIFETIME: '3600',
      }),
    ).toEqual({
      key: { algorithm: 'HS256', secret: OWN_SECRET },
      issuer: 'https://id',
      audience: 'api',
      maxLifetimeSeconds: 3_600,
    });
    expect(load({ JWT_ISSUER: '', JWT_AUDIENCE: '', JWT_MAX_LIFETIME: '' })).toEqual(load({}));
  });

  it.each(['0', '-60', '1.5', '1h', 'a day', '9007199254740993'])(
    'refuses JWT_MAX_LIFETIME=%s naming it',
    (value) => {
      const error = refusal(() => load({ JWT_MAX_LIFETIME: value }));
      expect(error).toMatchObject({ details: { variable: 'JWT_MAX_LIFETIME' } });
      expect(error.message).toContain(
        `JWT_MAX_LIFETIME must be a whole number of seconds >= 1; got "${value}"`,
      );
    },
  );

  it.each([
    [{ JWT_ALGORITHM: 'HS512' }, 'JWT_ALGORITHM', /one of HS256, RS256, ES256/],
    [{ JWT_SECRET: 'hunter2' }, 'JWT_SECRET', /at least 32 characters/],
    [{ JWT_ALGORITHM: 'RS256' }, 'JWT_PUBLIC_KEY_FILE', /required/],
    [{ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/none' }, 'JWT_PUBLIC_KEY_FILE', /readable file/],
    [{ JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY_FILE: '/keys/rsa.pub' }, 'JWT_PUBLIC_KEY_FILE', /P-256/],
  ])('refuses %j naming %s', (env, variable, message) => {
    const error = refusal(() => load(env));
    expect(error).toMatchObject({ details: { variable } });
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('loadJwtClaimRules and loadSigningKey (npm run token)', () => {
  it('reads the claim rules without any key', () => {
    expect(loadJwtClaimRules({ JWT_ALGORITHM: 'RS256', JWT_ISSUER: 'https://id' })).toEqual({
      issuer: 'https://id',
      maxLifetimeSeconds: 86_400,
    });
  });

  it('signs with JWT_SECRET, or the private key from JWT_PRIVATE_KEY_FILE', () => {
    expect(loadSigningKey({}, readFile)).toEqual({ algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET });
    expect(
      loadSigningKey({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: '/keys/ec.key' }, readFile),
    ).toEqual({
      algorithm: 'ES256',
      privateKey: files['/keys/ec.key'],
    });
    expect(() =>
      loadSigningKey({ JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: '/keys/rsa.pub' }, readFile),
    ).toThrow(/JWT_PRIVATE_KEY_FILE/);
  });
});
