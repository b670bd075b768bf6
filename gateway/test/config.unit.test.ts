import { generateKeyPairSync } from 'node:crypto';
import { DEVELOPMENT_JWT_SECRET, usesDevelopmentSecret } from '@conveyor/http';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const pem = (key: { export(options: object): string | Buffer }, type: 'spki' | 'pkcs8') =>
  String(key.export({ type, format: 'pem' }));
const files: Record<string, string> = {
  '/keys/rsa.pub': pem(rsa.publicKey, 'spki'),
  '/keys/rsa.key': pem(rsa.privateKey, 'pkcs8'),
  '/keys/ec.pub': pem(ec.publicKey, 'spki'),
  '/keys/ec.key': pem(ec.privateKey, 'pkcs8'),
  '/keys/ec384.pub': pem(ecP384.publicKey, 'spki'),
  '/keys/garbage': 'not a key',
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
  return text;
};
const load = (env: NodeJS.ProcessEnv) => loadGatewayConfig(env, readFile);
const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    load(env);
  } catch (error) {
    return error as Error & { code: string; details: { variable: string } };
  }
  throw new Error('accepted');
};

describe('gateway configuration from the environment', () => {
  it('has working defaults: 127.0.0.1:3000, HS256 with the development secret, one local instance each', () => {
    const config = load({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      jwt: { key: { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET }, maxLifetimeSeconds: 86_400 },
      upstreams: {
        users: ['http://127.0.0.1:3001'],
        orders: ['http://127.0.0.1:3002'],
        inventory: ['http://127.0.0.1:3003'],
      },
      upstreamTimeoutMs: 5_000,
      upstreamAttemptTimeoutMs: 2_500,
      upstreamMaxInFlight: { users: 100, orders: 100, inventory: 100 },
      ejectAfterFailures: 3,
      readinessProbeIntervalMs: 1_000,
      redisUrl: undefined,
      bodyLimitBytes: 65_536,
    });
    expect(config.rateLimits.products).toEqual({ max: 100, windowMs: 60_000 });
    expect(config.jwt).not.toHaveProperty('issuer');
    expect(config.jwt).not.toHaveProperty('audience');
    expect(usesDevelopmentSecret(config.jwt.key)).toBe(true);
  });

  it('reads every variable', () => {
    const config = load({
      GATEWAY_HOST: '0.0.0.0',
      GATEWAY_PORT: '8080',
      JWT_SECRET: 'x'.repeat(40),
      JWT_ISSUER: 'https://id.conveyor.dev',
      JWT_AUDIENCE: 'conveyor-api',
      JWT_MAX_LIFETIME: '3600',
      UPSTREAM_ORDERS: 'http://10.0.0.1:3002, http://10.0.0.2:3002/',
      UPSTREAM_TIMEOUT_MS: '1500',
      UPSTREAM_ATTEMPT_TIMEOUT_MS: '400',
      UPSTREAM_MAX_IN_FLIGHT: '20',
      UPSTREAM_INVENTORY_MAX_IN_FLIGHT: '5',
      UPSTREAM_HEALTH_TIMEOUT_MS: '300',
      EJECT_AFTER_FAILURES: '2',
      EJECT_COOLDOWN_MS: '500',
      READINESS_PROBE_INTERVAL_MS: '700',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RATE_LIMIT_KEY_PREFIX: 'test:',
      RATE_LIMIT_MAX: '10',
      RATE_LIMIT_WINDOW_MS: '1000',
      RATE_LIMIT_ADMIN_MAX: '2',
      RATE_LIMIT_PRODUCTS_WINDOW_MS: '5000',
      GATEWAY_BODY_LIMIT_BYTES: '1024',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      jwt: {
        key: { algorithm: 'HS256', secret: 'x'.repeat(40) },
        issuer: 'https://id.conveyor.dev',
        audience: 'conveyor-api',
        maxLifetimeSeconds: 3_600,
      },
      upstreams: { orders: ['http://10.0.0.1:3002', 'http://10.0.0.2:3002'] },
      upstreamTimeoutMs: 1_500,
      upstreamAttemptTimeoutMs: 400,
      upstreamMaxInFlight: { users: 20, orders: 20, inventory: 5 },
      healthTimeoutMs: 300,
      ejectAfterFailures: 2,
      ejectCooldownMs: 500,
      readinessProbeIntervalMs: 700,
      redisUrl: 'redis://127.0.0.1:6379',
      rateLimitKeyPrefix: 'test:',
      bodyLimitBytes: 1_024,
    });
    expect(config.rateLimits).toEqual({
      users: { max: 10, windowMs: 1_000 },
      orders: { max: 10, windowMs: 1_000 },
      products: { max: 10, windowMs: 5_000 },
      admin: { max: 2, windowMs: 1_000 },
    });
    expect(usesDevelopmentSecret(config.jwt.key)).toBe(false);
  });

  it('splits the request budget in two for a first attempt unless told otherwise', () => {
    expect(load({ UPSTREAM_TIMEOUT_MS: '1501' }).upstreamAttemptTimeoutMs).toBe(751);
  });

  it.each([
    ['UPSTREAM_MAX_IN_FLIGHT', '0'],
    ['UPSTREAM_ORDERS_MAX_IN_FLIGHT', 'many'],
    ['UPSTREAM_USERS_MAX_IN_FLIGHT', '1.5'],
    ['UPSTREAM_ATTEMPT_TIMEOUT_MS', '-5'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(refusal({ [name]: value }).message).toContain(name);
  });

  it('verifies RS256 and ES256 with the public key from JWT_PUBLIC_KEY_FILE', () => {
    expect(load({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/rsa.pub' }).jwt.key).toEqual({
      algorithm: 'RS256',
      publicKey: files['/keys/rsa.pub'],
    });
    expect(load({ JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY_FILE: '/keys/ec.pub' }).jwt.key.algorithm).toBe(
      'ES256',
    );
  });

  it.each([
    [{ GATEWAY_PORT: '70000' }, 'GATEWAY_PORT', /port number; got "70000"/],
    [{ JWT_ALGORITHM: 'HS512' }, 'JWT_ALGORITHM', /one of HS256, RS256, ES256/],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET', /at least 32 characters/],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET', /secret of your own when NODE_ENV=production/],
    [{ GATEWAY_HOST: '0.0.0.0' }, 'JWT_SECRET', /secret of your own when binding 0\.0\.0\.0/],
    [{ GATEWAY_HOST: '10.1.2.3', JWT_SECRET: DEVELOPMENT_JWT_SECRET }, 'JWT_SECRET', /loopback only/],
    [{ JWT_MAX_LIFETIME: '1d' }, 'JWT_MAX_LIFETIME', /whole number of seconds/],
    [{ JWT_ALGORITHM: 'RS256' }, 'JWT_PUBLIC_KEY_FILE', /required/],
    [
      { JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/missing' },
      'JWT_PUBLIC_KEY_FILE',
      /readable file/,
    ],
    [{ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/garbage' }, 'JWT_PUBLIC_KEY_FILE', /not a PEM/],
    [{ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/ec.pub' }, 'JWT_PUBLIC_KEY_FILE', /RSA key/],
    [{ JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY_FILE: '/keys/ec384.pub' }, 'JWT_PUBLIC_KEY_FILE', /P-256/],
    [{ UPSTREAM_USERS: 'localhost:3001' }, 'UPSTREAM_USERS', /http\(s\) base URLs/],
    [{ UPSTREAM_ORDERS: 'http://a:1/orders' }, 'UPSTREAM_ORDERS', /without a path/],
    [{ UPSTREAM_INVENTORY: ' , ' }, 'UPSTREAM_INVENTORY', /at least one/],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS', /integer >= 1; got "0"/],
    [{ EJECT_AFTER_FAILURES: 'three' }, 'EJECT_AFTER_FAILURES', /integer/],
    [{ READINESS_PROBE_INTERVAL_MS: '10' }, 'READINESS_PROBE_INTERVAL_MS', /integer >= 50/],
    [{ RATE_LIMIT_ORDERS_MAX: '1.5' }, 'RATE_LIMIT_ORDERS_MAX', /integer/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL', /a URL/],
  ])('refuses %j naming %s', (env, variable, message) => {
    const error = refusal(env);
    expect(error.code).toBe('CONVEYOR_INVALID_ENVIRONMENT');
    expect(error.details.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(message);
  });

  it('never echoes a refused secret', () => {
    expect(refusal({ JWT_SECRET: 'hunter2' }).message).not.toContain('hunter2');
  });

  it.each(['127.0.0.1', 'localhost', '::1'])('trusts the development secret on loopback (%s)', (host) => {
    expect(load({ GATEWAY_HOST: host }).jwt.key).toEqual({
      algorithm: 'HS256',
      secret: DEVELOPMENT_JWT_SECRET,
    });
  });

  it('binds any host with a secret of its own or a public key', () => {
    expect(load({ GATEWAY_HOST: '0.0.0.0', JWT_SECRET: 'y'.repeat(32) }).host).toBe('0.0.0.0');
    expect(
      load({ GATEWAY_HOST: '0.0.0.0', JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/keys/rsa.pub' }).host,
    ).toBe('0.0.0.0');
  });

  it('says in one line what to set when it refuses the development secret', () => {
    const message = refusal({ GATEWAY_HOST: '0.0.0.0' }).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^JWT_SECRET /);
  });
});
