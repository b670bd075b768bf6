import { createMetricsRegistry } from '@conveyor/http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayErrorHandler } from '../src/http/problems.ts';
import { gatewayConfig } from '../src/options.ts';
import { forward, type ReplyFromOptions } from '../src/upstreams/forward.ts';
import { createServicePools, type ServicePool } from '../src/upstreams/service-pool.ts';
import { createUpstreamMetrics } from '../src/upstreams/upstream-metrics.ts';

// What undici reports, wrapped by @fastify/reply-from, when it refuses to encode a header.
const refusedHeader = {
  code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR',
  message: 'invalid keep-alive header',
  cause: { code: 'UND_ERR_INVALID_ARG', message: 'invalid keep-alive header' },
};
const brokenConnection = { code: 'FST_REPLY_FROM_UND_ERR_SOCKET', cause: { code: 'UND_ERR_SOCKET' } };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * A gateway route whose every attempt fails as `error` says (reply.from stands in for reply-from,
 * which is where the network would be), with one instance that one failure ejects: any failure
 * counted against the upstream shows at once.
 */
async function failingWith(error: object) {
  const now = 1_000_000;
  const config = gatewayConfig({
    upstreams: { orders: ['http://orders-1:3002'] },
    ejectAfterFailures: 1,
    ejectCooldownMs: 10_000,
  });
  const pools = createServicePools(config, () => now);
  const pool: ServicePool = pools.orders;
  const metrics = createUpstreamMetrics(createMetricsRegistry('gateway'), pools);
  const instance = Fastify();
  app = instance;
  instance.setErrorHandler(gatewayErrorHandler);
  instance.decorateReply('from', function (_source?: string, options?: ReplyFromOptions) {
    options?.onError?.(this, { error: Object.assign(new Error(), error) });
    return this;
  });
  instance.get('/orders', (request, reply) =>
    forward(
      { pool, timeoutMs: 5_000, attemptTimeoutMs: 2_500, clock: () => now, metrics },
      request,
      reply,
      '/orders',
      {},
    ),
  );
  await instance.ready();
  return {
    pool,
    get: () => instance.inject({ url: '/orders' }),
  };
}

describe('forward', () => {
  it('answers a request the client cannot encode with 400, and counts nothing against the upstream', async () => {
    const { pool, get } = await failingWith(refusedHeader);
    for (let i = 0; i < 7; i++) {
      const answer = await get();
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({
        code: 'GATEWAY_BAD_REQUEST',
        details: { service: 'orders', problem: 'invalid keep-alive header' },
      });
    }
    expect(pool.balancer.snapshot()).toEqual([
      expect.objectContaining({ available: true, consecutiveFailures: 0, ejections: 0 }),
    ]);
  });

  it('counts a broken connection against the instance (the contrast)', async () => {
    const { pool, get } = await failingWith(brokenConnection);
    expect((await get()).statusCode).toBe(502);
    expect(pool.balancer.snapshot()[0]).toMatchObject({ available: false, ejections: 1 });
  });
});
