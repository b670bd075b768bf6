import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import { sagaView } from '@conveyor/saga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneExpiredKeys } from '../src/application/idempotency-keys.ts';
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

const ADMIN = bearer(randomUUID(), ['admin']);

/** A user orders knows, as if user.created had arrived. */
async function knownUser(world: OrdersWorld, email = 'ada@example.com'): Promise<string> {
  const userId = randomUUID();
  await world.deps.db
    .insertInto('order_users')
    .values({
      user_id: userId,
      email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      language: 'en',
      updated_at: new Date(),
    })
    .execute();
  return userId;
}

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
      async () => (await get(`/users/${otherUser}/orders`, grace)).json().user?.firstName === 'Grace',
    );
    await eventually(
      async () =>
        (await world.deps.db
          .selectFrom('order_users')
          .select('user_id')
          .where('user_id', '=', otherUser)
          .executeTakeFirst()) !== undefined,
    );
    for (let i = 0; i < 5; i++) expect((await post(order(), grace)).statusCode).toBe(202);

    await eventually(async () => (await get(`/users/${otherUser}/orders`, grace)).json().total === 5);
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

describe('orders: who may see and order what', () => {
  let world: OrdersWorld;
  let a: string;
  let b: string;
  const orderBody = {
    items: [{ productId: productA, quantity: 1 }],
    shippingAddress: address,
  };
  const place = async (userId: string, headers: Record<string, string> = {}) => {
    const response = await world.app.inject({
      method: 'POST',
      url: '/orders',
      payload: orderBody,
      headers: { ...bearer(userId), ...headers },
    });
    expect(response.statusCode, response.body).toBe(202);
    return response;
  };
  const get = (url: string, as: Record<string, string>) =>
    world.app.inject({ method: 'GET', url, headers: as });
  beforeAll(async () => {
    world = await createOrdersWorld();
    a = await knownUser(world, 'a@example.com');
    b = await knownUser(world, 'b@example.com');
  });
  afterAll(() => world.close());

  it("answers B's read of A's order with 404 exactly like a missing order; A and an admin see it", async () => {
    const { orderId } = (await place(a)).json();

    const asB = await get(`/orders/${orderId}`, bearer(b));
    const missingId = randomUUID();
    const missing = await get(`/orders/${missingId}`, bearer(b));
    expect(asB.statusCode).toBe(404);
    expect(asB.headers['content-type']).toBe(missing.headers['content-type']);
    expect(asB.body.replaceAll(orderId, 'ID')).toBe(missing.body.replaceAll(missingId, 'ID'));

    expect((await get(`/orders/${orderId}`, bearer(a))).json()).toMatchObject({ orderId, userId: a });
    expect((await get(`/orders/${orderId}`, ADMIN)).json()).toMatchObject({ orderId, userId: a });
  });

  it("shows A's list only to A and an admin (404 to B, whether or not A exists), with A's orders only", async () => {
    const ofA = [(await place(a)).json().orderId, (await place(a)).json().orderId];
    const ofB = (await place(b)).json().orderId;
    const all = (
      await world.deps.db.selectFrom('order_views').select('order_id').where('user_id', '=', a).execute()
    ).map((row) => row.order_id);
    expect(all).toEqual(expect.arrayContaining(ofA));

    await eventually(async () => (await get(`/users/${a}/orders`, bearer(a))).json().total === all.length);
    const listOfA = (await get(`/users/${a}/orders?limit=100`, bearer(a))).json();
    expect(listOfA.items.map((item: { orderId: string }) => item.orderId).sort()).toEqual([...all].sort());
    expect(listOfA.items.map((item: { orderId: string }) => item.orderId)).not.toContain(ofB);
    expect((await get(`/users/${a}/orders?limit=100`, ADMIN)).json().total).toBe(all.length);
    await eventually(async () => (await get(`/users/${b}/orders`, bearer(b))).json().total === 1);

    const asB = await get(`/users/${a}/orders`, bearer(b));
    const nobody = randomUUID();
    const ofNobody = await get(`/users/${nobody}/orders`, bearer(b));
    expect(asB.statusCode).toBe(404);
    expect(asB.json()).toMatchObject({ code: 'ORDERS_USER_NOT_FOUND' });
    expect(asB.body.replaceAll(a, 'ID')).toBe(ofNobody.body.replaceAll(nobody, 'ID'));
  });

  it('makes two orders for the same Idempotency-Key from two users, and replays a key only to its own caller', async () => {
    const key = `checkout-${randomUUID()}`;
    const before = await world.counts();
    const fromA = await place(a, { 'idempotency-key': key });
    const fromB = await place(b, { 'idempotency-key': key });
    expect(fromB.json().orderId).not.toBe(fromA.json().orderId);
    expect(fromB.headers['idempotent-replayed']).toBeUndefined();
    expect((await get(`/orders/${fromB.json().orderId}`, bearer(b))).json()).toMatchObject({ userId: b });

    const replayToA = await place(a, { 'idempotency-key': key });
    const replayToB = await place(b, { 'idempotency-key': key });
    expect(replayToA.json()).toEqual(fromA.json());
    expect(replayToA.headers['idempotent-replayed']).toBe('true');
    expect(replayToB.json()).toEqual(fromB.json());
    const after = await world.counts();
    expect(after.orders - before.orders).toBe(2);
    expect(after.keys - before.keys).toBe(2);
  });

  it('treats an expired Idempotency-Key as a fresh key, and prunes expired keys', async () => {
    const key = `later-${randomUUID()}`;
    const first = (await place(a, { 'idempotency-key': key })).json();
    world.advance(86_400_000 + 1_000); // past the default 24 h

    const again = await place(a, { 'idempotency-key': key });
    expect(again.json().orderId).not.toBe(first.orderId);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const row = await world.deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', a)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row.order_id).toBe(again.json().orderId);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(86_400_000);

    // Every key of the earlier tests has expired too; the one just taken over has not.
    const pruned = await pruneExpiredKeys(world.deps.db, world.deps.clock());
    expect(pruned).toBeGreaterThan(0);
    const left = await world.deps.db.selectFrom('idempotency_keys').select(['user_id', 'key']).execute();
    expect(left).toEqual([{ user_id: a, key }]);
  });

  it('answers 401 without a valid token on every route but health, and 403 to a user on the saga admin API', async () => {
    const orderId = (await place(a)).json().orderId;
    const routes: [string, string][] = [
      ['POST', '/orders'],
      ['GET', `/orders/${orderId}`],
      ['GET', `/users/${a}/orders`],
      ['GET', '/admin/sagas'],
      ['GET', `/admin/sagas/${randomUUID()}`],
      ['POST', `/admin/sagas/${randomUUID()}/retry`],
    ];
    const before = await world.counts();
    for (const [method, url] of routes) {
      for (const headers of [{}, { authorization: 'Bearer not.a.token' }]) {
        const response = await world.app.inject({
          method: method as 'GET' | 'POST',
          url,
          headers,
          ...(method === 'POST' ? { payload: orderBody } : {}),
        });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.json()).toMatchObject({ code: 'CONVEYOR_UNAUTHORIZED' });
      }
    }
    for (const url of ['/admin/sagas', `/admin/sagas/${randomUUID()}`]) {
      const response = await get(url, bearer(a));
      expect(response.statusCode, url).toBe(403);
    }
    expect(await world.counts()).toEqual(before);
    expect((await world.app.inject('/health')).statusCode).toBe(200);
  });
});

describe('orders: the card token is a saga secret', () => {
  let world: OrdersWorld;
  let a: string;
  const token = `tok_secret_${randomUUID().replaceAll('-', '')}`;
  beforeAll(async () => {
    world = await createOrdersWorld();
    a = await knownUser(world);
  });
  afterAll(() => world.close());

  const sagaRows = async (sagaId: string) => ({
    instance: await world.deps.db.selectFrom('saga_instances').selectAll().where('id', '=', sagaId).execute(),
    log: await world.deps.db
      .selectFrom('saga_log')
      .selectAll()
      .where('saga_id', '=', sagaId)
      .orderBy('seq')
      .execute(),
  });
  const charges = (sagaId: string) =>
    world.deps.db
      .selectFrom('outbox')
      .select('payload')
      .where('key', '=', sagaId)
      .where('message_type', '=', 'payments.charge')
      .orderBy('id')
      .execute();

  it('reaches payments in the charge command (resends too) and nowhere in the saga data, log or admin API', async () => {
    const placed = await world.app.inject({
      method: 'POST',
      url: '/orders',
      payload: {
        items: [{ productId: productA, quantity: 1 }],
        shippingAddress: address,
        paymentToken: token,
      },
      headers: bearer(a),
    });
    expect(placed.statusCode, placed.body).toBe(202);
    const { sagaId } = placed.json();
    const saga = await world.orchestrator.store.load(sagaView(world.deps.db), sagaId);
    const reserve = saga?.state.steps[0];
    await world.orchestrator.receiveReply({
      sagaId,
      step: 'reserve-inventory',
      action: 'command',
      commandId: reserve?.commandId ?? '',
      outcome: 'success',
      data: { totalCents: 1999, currency: 'EUR' },
      reason: null,
    });
    world.advance(12_001); // past the charge's first resend (10 s ± 20 %): the sweeper resends it
    expect(await world.orchestrator.sweepOnce()).toBeGreaterThan(0);

    expect(await charges(sagaId)).toEqual([
      { payload: expect.objectContaining({ userId: a, amountCents: 1999, cardToken: token }) },
      { payload: expect.objectContaining({ cardToken: token }) },
    ]);
    const { instance, log } = await sagaRows(sagaId);
    expect(instance[0]?.data).toMatchObject({ cardTokenLast4: token.slice(-4) });
    expect(JSON.stringify(instance)).not.toContain(token);
    expect(JSON.stringify(log)).not.toContain(token);
    expect(log.filter((row) => row.step === 'charge-payment' && row.action === 'command')).toEqual([
      expect.objectContaining({
        status: 'sent',
        payload: expect.objectContaining({ cardToken: '[redacted]' }),
      }),
      expect.objectContaining({
        status: 'resent (attempt 2)',
        payload: expect.objectContaining({ cardToken: '[redacted]' }),
      }),
    ]);

    const detail = await world.app.inject({ method: 'GET', url: `/admin/sagas/${sagaId}`, headers: ADMIN });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(token);
    expect(detail.json().data).toMatchObject({ cardTokenLast4: token.slice(-4) });
    const list = await world.app.inject({ method: 'GET', url: '/admin/sagas', headers: ADMIN });
    expect(list.body).not.toContain(token);
  });

  it('redacts the token in log rows written before it became a secret', async () => {
    const placed = await world.app.inject({
      method: 'POST',
      url: '/orders',
      payload: { items: [{ productId: productA, quantity: 1 }], shippingAddress: address },
      headers: bearer(a),
    });
    const { sagaId } = placed.json();
    const old = `tok_old_${randomUUID().replaceAll('-', '')}`;
    // What the saga log of a saga started before the change held: the token in its data and its charge.
    const seq = (await sagaRows(sagaId)).log.length;
    await world.deps.db
      .insertInto('saga_log')
      .values([
        {
          saga_id: sagaId,
          seq: seq + 1,
          step: null,
          action: 'saga',
          status: 'running',
          command_id: null,
          payload: JSON.stringify({ orderId: 'o', paymentToken: old }),
          error: null,
        },
        {
          saga_id: sagaId,
          seq: seq + 2,
          step: 'charge-payment',
          action: 'command',
          status: 'sent',
          command_id: null,
          payload: JSON.stringify({ orderId: 'o', cardToken: old }),
          error: null,
        },
      ])
      .execute();

    const detail = await world.app.inject({ method: 'GET', url: `/admin/sagas/${sagaId}`, headers: ADMIN });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(old);
    expect(
      detail
        .json()
        .timeline.slice(-2)
        .map((row: { payload: unknown }) => row.payload),
    ).toEqual([
      { orderId: 'o', paymentToken: '[redacted]' },
      { orderId: 'o', cardToken: '[redacted]' },
    ]);
  });
});
