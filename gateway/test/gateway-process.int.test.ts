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

describe('npm run token (gateway/src/token-cli.ts)', () => {
  let good: CliResult;
  let badFlag: CliResult;
  let badEnv: CliResult;
  let badGatewayEnv: CliResult;
  beforeAll(async () => {
    // Each run loads tsx (seconds on a busy machine): all at once.
    [good, badFlag, badEnv, badGatewayEnv] = await Promise.all([
      runEntry(TOKEN_CLI, ['--sub', 'u-1', '--roles', 'user,admin', '--ttl', '1h'], DEFAULT_JWT),
      runEntry(TOKEN_CLI, ['--sub', 'u-1', '--ttl', 'forever'], DEFAULT_JWT),
      runEntry(TOKEN_CLI, ['--sub', 'u-1'], { ...DEFAULT_JWT, JWT_ALGORITHM: 'RS256' }),
      runEntry(MAIN, [], { ...DEFAULT_JWT, GATEWAY_PORT: 'eighty' }),
    ]);
  });

  it('prints only the token on stdout', () => {
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = JSON.parse(Buffer.from(good.stdout.split('.')[1] ?? '', 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'u-1', roles: ['user', 'admin'] });
    expect(payload.exp - payload.iat).toBe(3600);
  });

  it('exits 2 naming the bad flag, with nothing on stdout', () => {
    expect(badFlag.status).toBe(2);
    expect(badFlag.stdout).toBe('');
    expect(badFlag.stderr).toContain('--ttl must be a duration');
    expect(badFlag.stderr).toContain('usage: npm run token');
  });

  it('exits 1 naming the variable that is missing', () => {
    expect(badEnv.status).toBe(1);
    expect(badEnv.stdout).toBe('');
    expect(badEnv.stderr).toContain('JWT_PRIVATE_KEY_FILE is required');
  });

  it("shares the gateway's refusal of a bad environment: the gateway exits 1 naming the variable", () => {
    expect(badGatewayEnv.status).toBe(1);
    expect(badGatewayEnv.stderr).toContain('GATEWAY_PORT must be a port number; got "eighty"');
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

  it('prints a demo token that works, and accepts tokens from npm run token', async () => {
    const demo = await gateway.waitForLog((line) => typeof line.token === 'string');
    expect(demo).toMatchObject({ userId: 'demo-user', roles: ['user'] });
    const asDemo = await call<Echo>(url, '/api/orders', { headers: bearer(String(demo.token)) });
    expect(asDemo.status).toBe(200);
    expect(asDemo.body.headers['x-user-id']).toBe('demo-user');

    const asAdmin = await call<Echo>(url, '/admin/sagas', {
      headers: { ...bearer(adminToken), 'x-correlation-id': 'main-process-1' },
    });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toMatchObject({ url: '/admin/sagas' });
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

  it('logs the requests with their correlation id and stops cleanly on SIGTERM', async () => {
    const completed = await gateway.waitForLog(
      (line) => line.msg === 'request completed' && line.correlationId === 'main-process-1',
    );
    expect(completed).toMatchObject({ service: 'gateway', res: { statusCode: 200 } });
    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});
