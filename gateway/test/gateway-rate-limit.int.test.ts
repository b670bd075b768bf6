import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, untilReady } from '../src/http/redis-client.ts';
import { bearer, type RunningGateway, startGateway, tokenFor } from './support/gateway-under-test.ts';
import { call } from './support/http.ts';
import { freePort, startUpstream, type UpstreamProcess } from './support/upstream-process.ts';

const REDIS_URL = process.env.GATEWAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let upstream: UpstreamProcess;
const gateways: RunningGateway[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  upstream = await startUpstream('everything');
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all(clients.map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  await upstream?.kill();
});

const everywhere = () => ({ users: [upstream.url], orders: [upstream.url], inventory: [upstream.url] });

async function gateway(options: Parameters<typeof startGateway>[0], redis?: Redis) {
  const running = await startGateway({ upstreams: everywhere(), ...options }, redis ? { redis } : {});
  gateways.push(running);
  return running;
}

function expectLimited(answer: Awaited<ReturnType<typeof call>>, limit: number) {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.body).toMatchObject({
    status: 429,
    code: 'GATEWAY_RATE_LIMITED',
    details: { limit, retryAfterSeconds: retryAfter },
  });
}

describe('rate limits (in-process counters)', () => {
  let running: RunningGateway;
  beforeAll(async () => {
    running = await gateway({
      rateLimits: { products: { max: 3, windowMs: 60_000 }, orders: { max: 5, windowMs: 60_000 } },
    });
  });

  it('answers the request over the limit with 429 and Retry-After', async () => {
    const alice = bearer(tokenFor('alice'));
    for (let i = 0; i < 5; i++)
      expect((await call(running.url, `/api/orders/${i}`, { headers: alice })).status).toBe(200);
    expectLimited(await call(running.url, '/api/orders/6', { headers: alice }), 5);
    // Every route of the group shares the count.
    expectLimited(await call(running.url, '/api/users/alice/orders', { headers: alice }), 5);
  });

  it('counts per user id, whatever IP the user comes from', async () => {
    const bob = bearer(tokenFor('bob'));
    for (let i = 0; i < 5; i++)
      expect((await call(running.url, '/api/orders', { headers: bob })).status).toBe(200);
    expect((await call(running.url, '/api/orders', { headers: bob })).status).toBe(429);
    // A new token for bob is still bob.
    expect(
      (await call(running.url, '/api/orders', { headers: bearer(tokenFor('bob', ['user', 'admin'])) }))
        .status,
    ).toBe(429);
    expect((await call(running.url, '/api/orders', { headers: bearer(tokenFor('carol')) })).status).toBe(200);
  });

  it('counts anonymous callers per IP, with the limit of the route group', async () => {
    for (let i = 0; i < 3; i++) expect((await call(running.url, '/api/products')).status).toBe(200);
    expectLimited(await call(running.url, '/api/products/p-1'), 3);
    // The same IP with a valid token is a user with a count of its own.
    expect((await call(running.url, '/api/products', { headers: bearer(tokenFor('dave')) })).status).toBe(
      200,
    );
  });

  it('does not limit /health and /metrics', async () => {
    for (let i = 0; i < 5; i++) expect((await call(running.url, '/metrics')).status).toBe(200);
  });
});

describe('rate limits with REDIS_URL', () => {
  const prefix = `conveyor-test:gateway:${randomUUID()}:`;
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(admin);
  });

  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  });

  it('shares one count between two gateway instances', async () => {
    const options = {
      redisUrl: REDIS_URL,
      rateLimitKeyPrefix: prefix,
      rateLimits: { users: { max: 4, windowMs: 30_000 } },
    };
    const [one, two] = await Promise.all(
      [0, 1].map(async () => {
        const client = createRedisClient(REDIS_URL);
        clients.push(client);
        expect(await untilReady(client, 5_000)).toBe(true);
        return gateway(options, client);
      }),
    );
    if (!one || !two) throw new Error('two gateways expected');
    const erin = bearer(tokenFor('erin'));
    for (const instance of [one, two, one, two])
      expect((await call(instance.url, '/api/users/erin', { headers: erin })).status).toBe(200);
    expectLimited(await call(one.url, '/api/users/erin', { headers: erin }), 4);
    expectLimited(await call(two.url, '/api/users/erin', { headers: erin }), 4);
    expect(await admin.get(`${prefix}users:user:erin`)).toBe('6');
    const ttl = await admin.pttl(`${prefix}users:user:erin`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('lets traffic through, without waiting, while Redis cannot be reached', async () => {
    const client = createRedisClient(`redis://127.0.0.1:${await freePort()}`);
    clients.push(client);
    expect(await untilReady(client, 300)).toBe(false);
    const running = await gateway({ rateLimits: { products: { max: 1, windowMs: 60_000 } } }, client);
    for (let i = 0; i < 3; i++) {
      const answer = await call(running.url, '/api/products');
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(500);
    }
  });

  it('is required as a client when REDIS_URL is configured', async () => {
    await expect(startGateway({ upstreams: everywhere(), redisUrl: REDIS_URL })).rejects.toThrow(
      /deps\.redis/,
    );
  });
});
