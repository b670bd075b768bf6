import { Readable } from 'node:stream';
import { createMetricsRegistry } from '@conveyor/http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayErrorHandler } from '../src/http/problems.ts';
import { type GatewayOptions, gatewayConfig } from '../src/options.ts';
import { forward, type ReplyFromOptions } from '../src/upstreams/forward.ts';
import { mayRepeat, retriesAfter } from '../src/upstreams/retry-policy.ts';
import { createServicePools } from '../src/upstreams/service-pool.ts';
import { createUpstreamMetrics } from '../src/upstreams/upstream-metrics.ts';

type UpstreamResponse = Parameters<NonNullable<ReplyFromOptions['onResponse']>>[2];

const reset = { code: 'FST_REPLY_FROM_UND_ERR_SOCKET', cause: { code: 'UND_ERR_SOCKET' } };
const refused = { code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR', cause: { code: 'ECONNREFUSED' } };
const timedOut = { code: 'FST_REPLY_FROM_GATEWAY_TIMEOUT' };

/** What an instance does with an attempt: answer with a status, fail with an error, or hang. */
type Behaviour = number | object | 'hang';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * A gateway route to `instances` whose attempts behave as told (reply.from stands in for
 * reply-from, setting the answer's headers and status before onResponse as it does). Health
 * never ejects an instance, so each test sees the retry rules alone.
 */
async function route(instances: Record<string, Behaviour>, options: GatewayOptions = {}) {
  const urls = Object.keys(instances);
  const config = gatewayConfig({
    upstreams: { orders: urls },
    ejectAfterFailures: 1_000,
    ...options,
  });
  const pools = createServicePools(config, Date.now);
  const registry = createMetricsRegistry('gateway');
  const metrics = createUpstreamMetrics(registry, pools);
  const attempts: { instance: string; timeout: number | undefined }[] = [];
  const hanging: (() => void)[] = [];
  const instance = Fastify();
  app = instance;
  instance.setErrorHandler(gatewayErrorHandler);
  instance.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) =>
    done(null, body),
  );
  instance.decorateReply('from', function (_source?: string, options?: ReplyFromOptions) {
    const upstream = options?.getUpstream?.(this.request, '') ?? '';
    attempts.push({ instance: upstream, timeout: options?.timeout });
    const behaviour = instances[upstream];
    const answer = (status: number) => {
      this.header('x-answered-by', upstream).code(status);
      const stream = Readable.from([JSON.stringify({ answeredBy: upstream })]);
      const response = { statusCode: status, headers: {}, stream } as unknown as UpstreamResponse;
      options?.onResponse?.(this.request, this, response);
    };
    if (typeof behaviour === 'number') answer(behaviour);
    else if (behaviour === 'hang') hanging.push(() => answer(200));
    else options?.onError?.(this, { error: Object.assign(new Error(), behaviour) });
    return this;
  });
  instance.all('/orders', (request, reply) =>
    forward(
      {
        pool: pools.orders,
        timeoutMs: config.upstreamTimeoutMs,
        attemptTimeoutMs: config.upstreamAttemptTimeoutMs,
        clock: Date.now,
        metrics,
      },
      request,
      reply,
      '/orders',
      {},
    ),
  );
  await instance.ready();
  const send = (method: 'GET' | 'POST', headers: Record<string, string> = {}) =>
    instance.inject({
      method,
      url: '/orders',
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'POST' ? { payload: '{}' } : {}),
    });
  return { send, attempts, hanging, pool: pools.orders, metrics: () => registry.metrics() };
}

describe('which requests may be repeated', () => {
  it('GET and HEAD, and any method carrying an Idempotency-Key', () => {
    expect(mayRepeat('GET', {})).toBe(true);
    expect(mayRepeat('HEAD', {})).toBe(true);
    expect(mayRepeat('POST', {})).toBe(false);
    expect(mayRepeat('POST', { 'idempotency-key': 'k-1' })).toBe(true);
    expect(mayRepeat('POST', { 'idempotency-key': ' ' })).toBe(false);
    expect(mayRepeat('DELETE', {})).toBe(false);
  });

  it('once, after anything but a request the client could not encode', () => {
    for (const end of ['connect', 'reset', 'timeout', 'refused'] as const) {
      expect(retriesAfter(end, true, 1)).toBe(true);
      expect(retriesAfter(end, true, 2)).toBe(false);
      expect(retriesAfter(end, false, 1)).toBe(false);
    }
    expect(retriesAfter('unsendable', true, 1)).toBe(false);
  });
});

describe('forward: failover', () => {
  it('sends a POST with an Idempotency-Key to the other instance when the connection broke', async () => {
    const { send, attempts, metrics } = await route({ 'http://a:1': reset, 'http://b:1': 201 });
    const answer = await send('POST', { 'idempotency-key': 'k-1' });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toEqual({ answeredBy: 'http://b:1' });
    expect(attempts.map((a) => a.instance)).toEqual(['http://a:1', 'http://b:1']);
    expect(await metrics()).toMatch(/gateway_upstream_retries_total\{service="orders",after="reset"\} 1/);
  });

  it('never repeats a POST without a key: not after a broken connection, not even after a refused one', async () => {
    for (const failure of [reset, refused]) {
      const { send, attempts } = await route({ 'http://a:1': failure, 'http://b:1': 201 });
      const answer = await send('POST');
      expect(answer.statusCode).toBe(failure === reset ? 502 : 503);
      expect(attempts).toHaveLength(1);
      await app?.close();
    }
  });

  it('tries a GET on one other instance only', async () => {
    const { send, attempts } = await route({
      'http://a:1': refused,
      'http://b:1': refused,
      'http://c:1': 200,
    });
    const answer = await send('GET');
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ details: { service: 'orders', reason: 'connect-failed' } });
    expect(attempts).toHaveLength(2);
  });

  it('takes a 503 as the instance refusing, and answers from the other one with its headers only', async () => {
    const { send, attempts } = await route({ 'http://a:1': 503, 'http://b:1': 200 });
    const answer = await send('GET');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-answered-by']).toBe('http://b:1');
    expect(answer.json()).toEqual({ answeredBy: 'http://b:1' });
    expect(attempts).toHaveLength(2);
  });

  it('passes the 503 on when no other instance could take the request', async () => {
    const { send } = await route({ 'http://a:1': 503 });
    const answer = await send('GET');
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({ answeredBy: 'http://a:1' });
  });

  it('gives a repeatable first attempt part of the budget, and the rest to the second', async () => {
    const { send, attempts } = await route(
      { 'http://a:1': timedOut, 'http://b:1': 200 },
      { upstreamTimeoutMs: 4_000, upstreamAttemptTimeoutMs: 1_000 },
    );
    expect((await send('GET')).statusCode).toBe(200);
    expect(attempts[0]?.timeout).toBe(1_000);
    expect(attempts[1]?.timeout).toBeGreaterThan(2_900);
    expect(attempts[1]?.timeout).toBeLessThanOrEqual(4_000);
  });

  it('gives the whole budget to an attempt nothing may follow', async () => {
    const options = { upstreamTimeoutMs: 4_000, upstreamAttemptTimeoutMs: 1_000 };
    const single = await route({ 'http://a:1': timedOut }, options);
    expect((await single.send('GET')).statusCode).toBe(504);
    expect(single.attempts[0]?.timeout).toBeGreaterThan(3_900);
    await app?.close();
    const keyless = await route({ 'http://a:1': timedOut, 'http://b:1': 200 }, options);
    expect((await keyless.send('POST')).statusCode).toBe(504);
    expect(keyless.attempts).toHaveLength(1);
    expect(keyless.attempts[0]?.timeout).toBeGreaterThan(3_900);
  });
});

describe('forward: bulkhead', () => {
  it('refuses at once past the limit with 503 and Retry-After, and takes requests again when one ends', async () => {
    const { send, hanging, pool, metrics } = await route(
      { 'http://a:1': 'hang' },
      { upstreamMaxInFlight: { orders: 2 } },
    );
    const held = [send('GET'), send('GET')];
    await expect.poll(() => hanging.length).toBe(2);
    expect(pool.bulkhead.inFlight).toBe(2);

    const refusedAtOnce = await send('GET');
    expect(refusedAtOnce.statusCode).toBe(503);
    expect(refusedAtOnce.headers['retry-after']).toBe('1');
    expect(refusedAtOnce.json()).toMatchObject({
      code: 'GATEWAY_UPSTREAM_BUSY',
      details: { service: 'orders', maxInFlight: 2 },
    });
    expect(await metrics()).toMatch(/gateway_bulkhead_rejected_total\{service="orders"\} 1/);
    expect(await metrics()).toMatch(/gateway_upstream_in_flight\{service="orders",kind="in_flight"\} 2/);

    hanging.shift()?.();
    expect((await held[0])?.statusCode).toBe(200);
    await expect.poll(() => pool.bulkhead.inFlight).toBe(1);
    const next = send('GET');
    await expect.poll(() => hanging.length).toBe(2);
    for (const answer of hanging.splice(0)) answer();
    expect((await next).statusCode).toBe(200);
    expect((await held[1])?.statusCode).toBe(200);
    await expect.poll(() => pool.bulkhead.inFlight).toBe(0);
  });

  it('counts a refusal by the bulkhead against nobody', async () => {
    const { send, pool } = await route({ 'http://a:1': 'hang' }, { upstreamMaxInFlight: { orders: 1 } });
    void send('GET');
    await expect.poll(() => pool.bulkhead.inFlight).toBe(1);
    expect((await send('GET')).statusCode).toBe(503);
    expect(pool.balancer.snapshot()[0]).toMatchObject({ consecutiveFailures: 0 });
  });
});
