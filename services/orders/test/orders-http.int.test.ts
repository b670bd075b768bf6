import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersWorld, type OrdersWorld } from './support/orders-world.ts';

const address = { street: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' };
const productA = '2f6c1f0e-3a39-4c1a-9d1e-6a5b2f9b0a01';
const productB = '2f6c1f0e-3a39-4c1a-9d1e-6a5b2f9b0a02';

/** Polls a condition for up to 20 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('orders HTTP API', () => {
  let world: OrdersWorld;
  const userId = randomUUID();
  beforeAll(async () => {
    world = await createOrdersWorld();
    await world.deps.db
      .insertInto('order_users')
      .values({
        user_id: userId,
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        language: 'en',
        updated_at: new Date(),
      })
      .execute();
  });
  afterAll(() => world.close());

  const order = (overrides: Record<string, unknown> = {}) => ({
    userId,
    items: [
      { productId: productA, quantity: 2 },
      { productId: productB, quantity: 1 },
    ],
    shippingAddress: address,
    ...overrides,
  });
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    world.app.inject({ method: 'POST', url: '/orders', payload: payload as object, headers });

  it('accepts an order with 202, starts its saga, and shows it pending with the saga at its first step', async () => {
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
    const shown = (await world.app.inject(body.statusUrl)).json();
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

  it('answers 404 for an order or a user it does not know, and writes nothing', async () => {
    const before = await world.counts();
    const unknownUser = await post(order({ userId: randomUUID() }));
    expect(unknownUser.statusCode).toBe(404);
    expect(unknownUser.json()).toMatchObject({
      code: 'ORDERS_USER_NOT_FOUND',
      errors: [{ field: 'userId' }],
    });
    const unknownOrder = await world.app.inject(`/orders/${randomUUID()}`);
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
    await eventually(
      async () => (await world.app.inject(`/users/${otherUser}/orders`)).json().user?.firstName === 'Grace',
    );
    for (let i = 0; i < 5; i++) await post(order({ userId: otherUser }));

    await eventually(async () => (await world.app.inject(`/users/${otherUser}/orders`)).json().total === 5);
    const page1 = (await world.app.inject(`/users/${otherUser}/orders?page=1&limit=2`)).json();
    const page3 = (await world.app.inject(`/users/${otherUser}/orders?page=3&limit=2`)).json();

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
    const defaults = (await world.app.inject(`/users/${otherUser}/orders`)).json();
    expect(defaults).toMatchObject({ page: 1, limit: 20, total: 5 });
  });

  describe('refuses bad input with a 4xx naming the field, and writes nothing', () => {
    const cases: [
      string,
      () => Promise<{ statusCode: number; json: () => { errors?: { field: string }[]; code: string } }>,
      number,
      string,
    ][] = [
      ['missing userId', () => post(order({ userId: undefined })), 400, 'userId'],
      ['userId not a UUID', () => post(order({ userId: 'ada' })), 400, 'userId'],
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
            payload: '{"userId":',
            headers: { 'content-type': 'application/json' },
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
      ['order id not a UUID', () => world.app.inject('/orders/42'), 400, 'id'],
      ['user id not a UUID', () => world.app.inject('/users/42/orders'), 400, 'userId'],
      ['page 0', () => world.app.inject(`/users/${userId}/orders?page=0`), 400, 'page'],
      ['limit too large', () => world.app.inject(`/users/${userId}/orders?limit=1000`), 400, 'limit'],
      ['limit not a number', () => world.app.inject(`/users/${userId}/orders?limit=ten`), 400, 'limit'],
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
