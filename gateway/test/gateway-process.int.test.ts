import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Echo } from './support/gateway-under-test.ts';
import { call } from './support/http.ts';
import { type CliResult, runEntry, type ServiceProcess, startEntry } from './support/processes.ts';
import { freePort, startUpstream, type UpstreamProcess } from './support/upstream-process.ts';

const MAIN = 'gateway/src/main.ts';
const TOKEN_CLI = 'gateway/src/token-cli.ts';
const REDIS_URL = process.env.GATEWAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// The tests' environment must not leak into the processes: they use the documented defaults.
const DEFAULT_JWT = { JWT_SECRET: '', JWT_ALGORITHM: '', JWT_PRIVATE_KEY_FILE: '', JWT_PUBLIC_KEY_FILE: '' };

const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('npm run token (gateway/src/token-cli.ts)', () => {
  let good: CliResult;
  let badFlag: CliResult;
  let tooLong: CliResult;
  let badEnv: CliResult;
  let claimed: CliResult;
  let longer: CliResult;
  let badLifetime: CliResult;
  beforeAll(async () => {
    // Each run loads tsx (seconds on a busy machine): all at once.
    [good, badFlag, tooLong, badEnv, claimed, longer, badLifetime] = await Promise.all([
      runEntry(TOKEN_CLI, ['--sub', 'u-1', '--roles', 'user,admin'], DEFAULT_JWT),
      runEntry(TOKEN_CLI, ['--sub', 'u-1', '--ttl', 'forever'], DEFAULT_JWT),
      runEntry(TOKEN_CLI, ['--sub', 'u-1', '--ttl', '25h'], DEFAULT_JWT),
      runEntry(TOKEN_CLI, ['--sub', 'u-1'], { ...DEFAULT_JWT, JWT_ALGORITHM: 'RS256' }),
      runEntry(TOKEN_CLI, ['--sub', 'u-1'], {
        ...DEFAULT_JWT,
        JWT_ISSUER: 'https://id.conveyor.dev',
        JWT_AUDIENCE: 'conveyor-api',
      }),
      runEntry(TOKEN_CLI, ['--sub', 'u-1', '--ttl', '2d'], { ...DEFAULT_JWT, JWT_MAX_LIFETIME: '172800' }),
      runEntry(TOKEN_CLI, ['--sub', 'u-1'], { ...DEFAULT_JWT, JWT_MAX_LIFETIME: 'a day' }),
    ]);
  });

  it('prints only the token on stdout, valid one hour by default', () => {
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = payloadOf(good.stdout);
    expect(payload).toMatchObject({ sub: 'u-1', roles: ['user', 'admin'] });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(payload).not.toHaveProperty('iss');
    expect(payload).not.toHaveProperty('aud');
  });

  it('exits 2 naming the bad flag, with nothing on stdout', () => {
    expect(badFlag.status).toBe(2);
    expect(badFlag.stdout).toBe('');
    expect(badFlag.stderr).toContain('--ttl must be a duration');
    expect(badFlag.stderr).toContain('usage: npm run token');
    expect(badFlag.stderr).not.toMatch(/x-user/i);
  });

  it('refuses a lifetime above JWT_MAX_LIFETIME (24 h by default), and follows it when set', () => {
    expect(tooLong.status).toBe(2);
    expect(tooLong.stderr).toContain('at most 24h (JWT_MAX_LIFETIME)');
    expect(longer.status).toBe(0);
    const payload = payloadOf(longer.stdout);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(172_800);
  });

  it('adds iss and aud from JWT_ISSUER and JWT_AUDIENCE', () => {
    expect(claimed.status).toBe(0);
    expect(payloadOf(claimed.stdout)).toMatchObject({ iss: 'https://id.conveyor.dev', aud: 'conveyor-api' });
  });

  it('exits 1 naming the variable that is missing or bad', () => {
    expect(badEnv.status).toBe(1);
    expect(badEnv.stdout).toBe('');
    expect(badEnv.stderr).toContain('JWT_PRIVATE_KEY_FILE is required');
    expect(badLifetime.status).toBe(1);
    expect(badLifetime.stderr).toContain('JWT_MAX_LIFETIME must be a whole number of seconds');
  });
});

describe('the gateway refusing its environment (gateway/src/main.ts)', () => {
  let reachable: CliResult;
  let production: CliResult;
  let badPort: CliResult;
  beforeAll(async () => {
    [reachable, production, badPort] = await Promise.all([
      runEntry(MAIN, [], { ...DEFAULT_JWT, GATEWAY_HOST: '0.0.0.0', GATEWAY_PORT: '0' }),
      runEntry(MAIN, [], { ...DEFAULT_JWT, NODE_ENV: 'production', GATEWAY_PORT: '0' }),
      runEntry(MAIN, [], { ...DEFAULT_JWT, GATEWAY_PORT: 'eighty' }),
    ]);
  });

  const oneLine = (result: CliResult) => result.stderr.trimEnd().split('\n');

  it('exits 1 with one line naming JWT_SECRET when the development secret would face a reachable host', () => {
    expect(reachable.status).toBe(1);
    expect(reachable.stdout).toBe('');
    expect(oneLine(reachable)).toEqual([expect.stringMatching(/^error: JWT_SECRET .*0\.0\.0\.0/)]);
  });

  it('exits 1 with one line naming JWT_SECRET under NODE_ENV=production', () => {
    expect(production.status).toBe(1);
    expect(oneLine(production)).toEqual([expect.stringMatching(/^error: JWT_SECRET .*NODE_ENV=production/)]);
  });

  it('exits 1 naming any other bad variable the same way', () => {
    expect(badPort.status).toBe(1);
    expect(oneLine(badPort)).toEqual(['error: GATEWAY_PORT must be a port number; got "eighty"']);
  });
});

describe('the gateway process (gateway/src/main.ts)', () => {
  let upstream: UpstreamProcess;
  let gateway: ServiceProcess;
  let url: string;
  let redis: Redis;
  let adminToken: string;
  const prefix = `conveyor-test:gateway-main:${randomUUID()}:`;

  beforeAll(async () => {
    let port: number;
    let minted: CliResult;
    [upstream, port, minted] = await Promise.all([
      startUpstream('all-services'),
      freePort(),
      runEntry(TOKEN_CLI, ['--sub', 'ops-1', '--roles', 'admin'], DEFAULT_JWT),
    ]);
    adminToken = minted.stdout.trim();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    url = `http://127.0.0.1:${port}`;
    gateway = startEntry(MAIN, {
      ...DEFAULT_JWT,
      GATEWAY_PORT: String(port),
      UPSTREAM_USERS: upstream.url,
      UPSTREAM_ORDERS: upstream.url,
      UPSTREAM_INVENTORY: upstream.url,
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_PRODUCTS_MAX: '2',
      LOG_LEVEL: 'info',
    });
    await gateway.waitForLog((line) => line.msg === 'listening');
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.kill();
    const keys = (await redis?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await redis.del(...keys);
    await redis?.quit();
  });

  it('accepts tokens from npm run token and forwards them to the upstream', async () => {
    const asAdmin = await call<Echo>(url, '/admin/sagas', {
      headers: { ...bearer(adminToken), 'x-correlation-id': 'main-process-1' },
    });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toMatchObject({ url: '/admin/sagas' });
    expect(asAdmin.body.headers.authorization).toBe(`Bearer ${adminToken}`);
    expect(asAdmin.body.headers['x-correlation-id']).toBe('main-process-1');
    expect(asAdmin.headers.get('x-correlation-id')).toBe('main-process-1');
  });

  it('keeps its rate-limit counts in Redis', async () => {
    expect((await call(url, '/api/products')).status).toBe(200);
    expect((await call(url, '/api/products')).status).toBe(200);
    const limited = await call(url, '/api/products');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await redis.keys(`${prefix}products:ip:*`)).toHaveLength(1);
  });

  it('logs the requests with their correlation id, never a token, and stops cleanly on SIGTERM', async () => {
    const completed = await gateway.waitForLog(
      (line) => line.msg === 'request completed' && line.correlationId === 'main-process-1',
    );
    expect(completed).toMatchObject({ service: 'gateway', res: { statusCode: 200 } });
    const refused = await call(url, '/api/orders', {
      headers: { ...bearer(`${adminToken}x`), 'x-correlation-id': 'bad-sig-1' },
    });
    expect(refused.status).toBe(401);
    await gateway.waitForLog(
      (line) => line.msg === 'request completed' && line.correlationId === 'bad-sig-1',
    );
    expect(
      gateway.logs.some((line) => typeof line.msg === 'string' && line.msg.includes('npm run token')),
    ).toBe(true);
    const signature = adminToken.split('.')[2] ?? adminToken;
    expect(gateway.output()).not.toContain(signature);
    expect(gateway.output()).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(gateway.output().toLowerCase()).not.toContain('authorization');
    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});
