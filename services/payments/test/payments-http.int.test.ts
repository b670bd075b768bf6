import { randomUUID } from 'node:crypto';
import { bearer, developmentVerifier } from '@conveyor/http/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { chargePayment, refundPayment } from '../src/application/payment-commands.ts';
import { createDeps } from '../src/deps.ts';
import { TEST_CARD_TOKENS } from '../src/domain/fake-provider.ts';
import type { PaymentView } from '../src/http/payment-schemas.ts';
import { chargeData, PaymentsDbWorld, quietLogger, testConfig } from './support/payments-world.ts';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const MINUTE = 60_000;
const admin = bearer('ops-1', ['user', 'admin']);

/** The read-only routes over app.inject(), on a database seeded through the application layer. */
describe('payments HTTP API', () => {
  let world: PaymentsDbWorld;
  let app: FastifyInstance;
  const userA = randomUUID();
  const userB = randomUUID();
  const ordersOfA: string[] = [];
  const paymentIds = new Map<string, string>();

  beforeAll(async () => {
    let tick = 0;
    world = await PaymentsDbWorld.create({ clock: () => new Date(T0 + tick++ * MINUTE) });
    for (const [userId, amounts] of [
      [userA, [1_000, 2_000, 3_000, 4_000, 5_000]],
      [userB, [700, 800]],
    ] as const) {
      for (const amountCents of amounts) {
        const data = chargeData({ userId, amountCents });
        const outcome = await chargePayment(world.deps, data);
        if (outcome.outcome !== 'charged') throw new Error(`seed charge declined: ${outcome.reason}`);
        paymentIds.set(data.orderId, outcome.paymentId);
        if (userId === userA) ordersOfA.push(data.orderId);
      }
    }
    await chargePayment(world.deps, chargeData({ userId: userA, cardToken: TEST_CARD_TOKENS.decline }));
    await refundPayment(world.deps, ordersOfA[0] as string);
    app = await buildApp(world.deps, { verifyToken: developmentVerifier() });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  // As an admin unless told otherwise: the list is theirs only.
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...admin, ...headers } });
  const anonymous = (url: string) => app.inject({ method: 'GET', url });

  it("lists a user's payments newest first, page by page, with the total", async () => {
    const pages = await Promise.all(
      [1, 2, 3, 4].map((page) => get(`/payments?userId=${userA}&limit=2&page=${page}`)),
    );
    for (const page of pages) expect(page.statusCode).toBe(200);
    const bodies = pages.map(
      (p) => p.json() as { items: PaymentView[]; page: number; limit: number; total: number },
    );
    expect(bodies.map((b) => [b.page, b.limit, b.total, b.items.length])).toEqual([
      [1, 2, 5, 2],
      [2, 2, 5, 2],
      [3, 2, 5, 1],
      [4, 2, 5, 0],
    ]);
    const listed = bodies.flatMap((b) => b.items.map((i) => i.orderId));
    expect(listed).toEqual([...ordersOfA].reverse());
    expect(bodies.flatMap((b) => b.items.map((i) => i.userId))).toEqual(Array(5).fill(userA));
  });

  it('finds the payment of an order, with its full shape', async () => {
    const orderId = ordersOfA[0] as string;
    const response = await get(`/payments?orderId=${orderId}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        {
          id: paymentIds.get(orderId),
          orderId,
          userId: userA,
          amountCents: 1_000,
          currency: 'EUR',
          status: 'refunded',
          providerRef: `fake_ch_${orderId.replaceAll('-', '')}`,
          chargedAt: new Date(T0).toISOString(),
          refundedAt: expect.any(String),
        },
      ],
      page: 1,
      limit: 20,
      total: 1,
    });
  });

  it('combines filters and lists everything without one', async () => {
    const none = await get(`/payments?orderId=${ordersOfA[1]}&userId=${userB}`);
    expect(none.json()).toMatchObject({ items: [], total: 0 });
    const all = await get('/payments');
    expect(all.json()).toMatchObject({ total: 7, page: 1, limit: 20 });
  });

  it('shows one payment by id', async () => {
    const orderId = ordersOfA[2] as string;
    const id = paymentIds.get(orderId) as string;
    const response = await get(`/payments/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id,
      orderId,
      status: 'charged',
      amountCents: 3_000,
      refundedAt: null,
    });
  });

  it('shows a user their own payment, and an admin anyone’s', async () => {
    const id = paymentIds.get(ordersOfA[1] as string) as string;
    for (const headers of [bearer(userA), admin]) {
      const response = await app.inject({ url: `/payments/${id}`, headers });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id, userId: userA });
    }
  });

  it("answers another user's payment exactly like a missing one (404)", async () => {
    const id = paymentIds.get(ordersOfA[1] as string) as string;
    const missing = randomUUID();
    const asB = await app.inject({ url: `/payments/${id}`, headers: bearer(userB) });
    const forMissing = await app.inject({ url: `/payments/${missing}`, headers: bearer(userB) });
    expect(asB.statusCode).toBe(404);
    expect(forMissing.statusCode).toBe(404);
    expect(asB.body).toBe(forMissing.body.replaceAll(missing, id));
    expect(asB.body).not.toContain(userA);
  });

  it.each([
    ['all payments', '/payments'],
    ['their own payments', '/payments?userId=:user'],
    ["another user's payments", `/payments?userId=${userB}`],
  ])('refuses a user who lists %s with 403', async (_case, url) => {
    const response = await app.inject({ url: url.replace(':user', userA), headers: bearer(userA) });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json()).toMatchObject({ code: 'CONVEYOR_FORBIDDEN', details: { requiredRole: 'admin' } });
    expect(response.body).not.toContain('providerRef');
  });

  it.each(['/payments', `/payments?userId=${userA}`, '/payments/:id', '/no-such-route'])(
    'answers GET %s without a valid token with 401',
    async (url) => {
      const target = url.replace(':id', paymentIds.get(ordersOfA[1] as string) as string);
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: userA, roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 60 }),
      ).toString('base64url')}.`;
      for (const response of [
        await anonymous(target),
        await app.inject({ url: target, headers: { authorization: `Bearer ${unsigned}` } }),
        await app.inject({ url: target, headers: { 'x-user-id': userA, 'x-user-roles': 'admin' } }),
      ]) {
        expect(response.statusCode, response.body).toBe(401);
        expect(response.json()).toMatchObject({ status: 401, code: 'CONVEYOR_UNAUTHORIZED' });
        expect(response.body).not.toContain('providerRef');
      }
    },
  );

  it('answers an unknown payment with a 404 problem', async () => {
    const id = randomUUID();
    const response = await get(`/payments/${id}`, { 'x-correlation-id': 'op-7' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-correlation-id']).toBe('op-7');
    expect(response.json()).toMatchObject({
      status: 404,
      code: 'PAYMENTS_NOT_FOUND',
      detail: `payment ${id} does not exist`,
      instance: `/payments/${id}`,
      details: { paymentId: id },
    });
  });

  it.each([
    ['a payment id that is not a UUID', '/payments/pay-1', 'id'],
    ['an order id that is not a UUID', '/payments?orderId=123', 'orderId'],
    ['a user id that is not a UUID', `/payments?userId=${'x'.repeat(40)}`, 'userId'],
    ['an injected order id', "/payments?orderId=1'%20OR%201=1", 'orderId'],
    ['page 0', '/payments?page=0', 'page'],
    ['a page that is not a number', '/payments?page=abc', 'page'],
    ['a page too deep', '/payments?page=10001', 'page'],
    ['limit 1000', '/payments?limit=1000', 'limit'],
    ['limit 0', '/payments?limit=0', 'limit'],
    ['a fractional limit', '/payments?limit=2.5', 'limit'],
    ['a hexadecimal limit', '/payments?limit=0x10', 'limit'],
    ['a boolean page', '/payments?page=true', 'page'],
    ['an empty page', '/payments?page=', 'page'],
    ['a repeated page', '/payments?page=1&page=2', 'page'],
    ['an unknown query parameter', '/payments?order=1', 'order'],
  ])('answers %s with a 400 problem naming the field', async (_case, url, field) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'CONVEYOR_INVALID_REQUEST' });
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('is alive, ready with the database and Kafka up, and counts payments in /metrics, for anyone', async () => {
    expect((await anonymous('/health')).json()).toEqual({ status: 'ok' });
    const ready = await anonymous('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'up' }, kafka: { status: 'up' } },
    });
    const metrics = (await anonymous('/metrics')).body;
    expect(metrics).toContain('payments_charged_total{service="payments"} 7');
    expect(metrics).toContain('payments_declined_total{service="payments"} 1');
    expect(metrics).toContain('payments_refunded_total{service="payments"} 1');
    expect(metrics).toContain('http_request_duration_seconds_bucket');
  });

  it('documents its routes in OpenAPI at /docs', async () => {
    const openapi = (await anonymous('/docs/json')).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/payments', '/payments/{id}']));
    expect(openapi.info.title).toBe('Conveyor payments');
  });

  it('is ready with Kafka down (its writes go to the outbox) and shows Kafka down beside the database', async () => {
    const deps = createDeps(testConfig(world.infra, world.database.url, { kafkaBrokers: ['127.0.0.1:1'] }), {
      logger: quietLogger(),
    });
    const kafkaless = await buildApp(deps, { verifyToken: developmentVerifier() });
    try {
      const response = await kafkaless.inject('/ready');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'ready',
        checks: { database: { status: 'up' }, kafka: { status: 'down', required: false } },
      });
    } finally {
      await kafkaless.close();
      await deps.db.destroy();
    }
  });

  it('is not ready, within the check timeout, when the database and Kafka do not answer', async () => {
    const deps = createDeps(
      testConfig(world.infra, 'postgres://postgres:postgres@127.0.0.1:1/none', {
        kafkaBrokers: ['127.0.0.1:1'],
      }),
      { logger: quietLogger() },
    );
    const down = await buildApp(deps, { verifyToken: developmentVerifier() });
    try {
      const began = Date.now();
      const response = await down.inject('/ready');
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'not ready',
        checks: { database: { status: 'down' }, kafka: { status: 'down' } },
      });
    } finally {
      await down.close();
      await deps.db.destroy();
    }
  });
});
