import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import { eventually } from '@conveyor/infra-local/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, knownUser, productA, productB } from './support/orders-http-kit.ts';
import { createOrdersWorld, type OrdersWorld } from './support/orders-world.ts';

describe('orders HTTP API', () => {
  let world: OrdersWorld;
  let userId: string;
  let ada: { authorization: string };
  beforeAll(async () => {
    world = await createOrdersWorld();
    userId = await knownUser(world);
    ada = bearer(userId);
  });
  afterAll(() => world.close());

  const order = (overrides: Record<string, unknown> = {}) => ({
    items: [
      { productId: productA, quantity: 2 },
      { productId: productB, quantity: 1 },
    ],
    shippingAddress: address,
    ...overrides,
  });
  /** POST /orders as Ada unless another token is given. */
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    world.app.inject({
      method: 'POST',
      url: '/orders',
      payload: payload as object,
      headers: { ...ada, ...headers },
    });
  const get = (url: string, as: Record<string, string> = ada) =>
    world.app.inject({ method: 'GET', url, headers: as });

  it('accepts an order for the caller with 202, starts its saga, and shows it pending with the saga at its first step', async () => {
    const response = await post(order(), { 'x-correlation-id': 'checkout-1' });

    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toEqual({
      orderId: expect.any(String),
      sagaId: expect.any(String),
      status: 'pending',
      statusUrl: `/orders/${body.orderId}`,
    });
    expect(response.headers.location).toBe(body.statusUrl);
    const shown = (await get(body.statusUrl)).json();
    expect(shown).toMatchObject({
      orderId: body.orderId,
      userId,
      status: 'pending',
      items: order().items,
      shippingAddress: address,
      saga: { id: body.sagaId, status: 'running', currentStep: 'reserve-inventory' },
    });
    const outbox = await world.deps.db.selectFrom('outbox').selectAll().orderBy('id').execute();
    expect(outbox.map((r) => r.message_type)).toEqual(['order.placed', 'inventory.reserve-stock']);
    expect(outbox[0]?.payload).toMatchObject({ orderId: body.orderId, userId });
    expect(outbox.every((r) => r.headers['correlation-id'] === 'checkout-1')).toBe(true);
  });

  it('creates one order for the same Idempotency-Key sent twice, and refuses the key for another body', async () => {
    const before = await world.counts();
    const first = await post(order(), { 'idempotency-key': 'key-123' });
    const second = await post(order(), { 'idempotency-key': 'key-123' });

    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    const after = await world.counts();
    expect(after.orders - before.orders).toBe(1);
    expect(after.sagas - before.sagas).toBe(1);

    const reused = await post(order({ items: [{ productId: productA, quantity: 9 }] }), {
      'idempotency-key': 'key-123',
    });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ code: 'ORDERS_IDEMPOTENCY_KEY_REUSED' });
    expect(await world.counts()).toEqual(after);
  });

  it('creates one order when the same Idempotency-Key arrives twice at the same time', async () => {
    const before = await world.counts();
    const [a, b] = await Promise.all([
      post(order(), { 'idempotency-key': 'race' }),
      post(order(), { 'idempotency-key': 'race' }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json().orderId).toBe(b.json().orderId);
    expect((await world.counts()).orders - before.orders).toBe(1);
  });

  it('answers 404 to a caller it does not know (or whose sub is no user id), and for an order it does not know, writing nothing', async () => {
    const before = await world.counts();
    for (const stranger of [randomUUID(), 'not-a-uuid', randomUUID().toUpperCase()]) {
      const unknownUser = await post(order(), bearer(stranger));
      expect(unknownUser.statusCode, stranger).toBe(404);
      expect(unknownUser.json()).toMatchObject({
        code: 'ORDERS_USER_NOT_FOUND',
        details: { userId: stranger },
      });
    }
    const unknownOrder = await get(`/orders/${randomUUID()}`);
    expect(unknownOrder.statusCode).toBe(404);
    expect(unknownOrder.json()).toMatchObject({ code: 'ORDERS_NOT_FOUND' });
    expect(await world.counts()).toEqual(before);
  });

  it("pages the user's orders from the read model, with the profile from users.events", async () => {
    const otherUser = randomUUID();
    await world.publishUser({
      userId: otherUser,
      email: 'grace@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
    });
    const grace = bearer(otherUser);
    await eventually(
      'the user profile in the orders list',
      async () => (await get(`/users/${otherUser}/orders`, grace)).json().user?.firstName === 'Grace',
    );
    await eventually(
      'the order_users row',
      async () =>
        (await world.deps.db
          .selectFrom('order_users')
          .select('user_id')
          .where('user_id', '=', otherUser)
          .executeTakeFirst()) !== undefined,
    );
    for (let i = 0; i < 5; i++) expect((await post(order(), grace)).statusCode).toBe(202);

    await eventually(
      'five orders listed',
      async () => (await get(`/users/${otherUser}/orders`, grace)).json().total === 5,
    );
    const page1 = (await get(`/users/${otherUser}/orders?page=1&limit=2`, grace)).json();
    const page3 = (await get(`/users/${otherUser}/orders?page=3&limit=2`, grace)).json();

    expect(page1).toMatchObject({
      page: 1,
      limit: 2,
      total: 5,
      totalPages: 3,
      user: { firstName: 'Grace', email: 'grace@example.com' },
    });
    expect(page1.items).toHaveLength(2);
    expect(page1.items[0]).toMatchObject({ status: 'pending', lines: 2 });
    expect(page3.items).toHaveLength(1);
    const defaults = (await get(`/users/${otherUser}/orders`, grace)).json();
    expect(defaults).toMatchObject({ page: 1, limit: 20, total: 5 });
  });

  describe('refuses bad input with a 4xx naming the field, and writes nothing', () => {
    const cases: [
      string,
      () => Promise<{ statusCode: number; json: () => { errors?: { field: string }[]; code: string } }>,
      number,
      string,
    ][] = [
      ["a userId in the body, even the caller's own", () => post(order({ userId })), 400, 'userId'],
      ["another user's userId in the body", () => post(order({ userId: randomUUID() })), 400, 'userId'],
      ['no items', () => post(order({ items: [] })), 400, 'items'],
      [
        'negative quantity',
        () => post(order({ items: [{ productId: productA, quantity: -1 }] })),
        400,
        'items.0.quantity',
      ],
      [
        'quantity not an integer',
        () => post(order({ items: [{ productId: productA, quantity: 1.5 }] })),
        400,
        'items.0.quantity',
      ],
      [
        'quantity as a string',
        () => post(order({ items: [{ productId: productA, quantity: 'two' }] })),
        400,
        'items.0.quantity',
      ],
      [
        'productId not a UUID',
        () => post(order({ items: [{ productId: 'p-1', quantity: 1 }] })),
        400,
        'items.0.productId',
      ],
      [
        'repeated product',
        () =>
          post(
            order({
              items: [
                { productId: productA, quantity: 1 },
                { productId: productA, quantity: 1 },
              ],
            }),
          ),
        400,
        'items.1.productId',
      ],
      ['missing address', () => post(order({ shippingAddress: undefined })), 400, 'shippingAddress'],
      [
        'blank city',
        () => post(order({ shippingAddress: { ...address, city: '   ' } })),
        400,
        'shippingAddress.city',
      ],
      [
        'bad country',
        () => post(order({ shippingAddress: { ...address, country: 'France' } })),
        400,
        'shippingAddress.country',
      ],
      ['unknown field', () => post(order({ coupon: 'FREE' })), 400, 'coupon'],
      ['bad payment token', () => post(order({ paymentToken: 'visa' })), 400, 'paymentToken'],
      [
        'bad Idempotency-Key',
        () => post(order(), { 'idempotency-key': 'has spaces' }),
        400,
        'idempotency-key',
      ],
      [
        'malformed JSON',
        () =>
          world.app.inject({
            method: 'POST',
            url: '/orders',
            payload: '{"items":',
            headers: { ...ada, 'content-type': 'application/json' },
          }),
        400,
        'body',
      ],
      [
        'oversize body',
        () => post(order({ shippingAddress: { ...address, street: 'x'.repeat(70_000) } })),
        413,
        '',
      ],
      ['order id not a UUID', () => get('/orders/42'), 400, 'id'],
      ['user id not a UUID', () => get('/users/42/orders'), 400, 'userId'],
      ['page 0', () => get(`/users/${userId}/orders?page=0`), 400, 'page'],
      ['limit too large', () => get(`/users/${userId}/orders?limit=1000`), 400, 'limit'],
      ['limit not a number', () => get(`/users/${userId}/orders?limit=ten`), 400, 'limit'],
    ];
    it.each(cases)('%s', async (_name, send, status, field) => {
      const before = await world.counts();
      const response = await send();
      expect(response.statusCode).toBe(status);
      if (field) expect(response.json().errors?.map((e) => e.field)).toContain(field);
      expect(await world.counts()).toEqual(before);
    });
  });
});
