import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import { eventually } from '@conveyor/infra-local/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneExpiredKeys } from '../src/application/idempotency-keys.ts';
import { ADMIN, address, knownUser, productA } from './support/orders-http-kit.ts';
import { createOrdersWorld, type OrdersWorld } from './support/orders-world.ts';

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

    await eventually(
      `user ${a}'s orders listed`,
      async () => (await get(`/users/${a}/orders`, bearer(a))).json().total === all.length,
    );
    const listOfA = (await get(`/users/${a}/orders?limit=100`, bearer(a))).json();
    expect(listOfA.items.map((item: { orderId: string }) => item.orderId).sort()).toEqual([...all].sort());
    expect(listOfA.items.map((item: { orderId: string }) => item.orderId)).not.toContain(ofB);
    expect((await get(`/users/${a}/orders?limit=100`, ADMIN)).json().total).toBe(all.length);
    await eventually(
      `user ${b}'s order listed`,
      async () => (await get(`/users/${b}/orders`, bearer(b))).json().total === 1,
    );

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
