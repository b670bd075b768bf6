import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack } from '../support/e2e-stack.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;
type Token = { authorization: string };

/** Reads stock and every user's charges: the payments list is for admins. */
const ADMIN = bearer(randomUUID(), ['admin']);

const address = { street: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' };

/** The create-order flow across the four services, each a real process, on the real servers. */
describe('placing orders across users, orders, inventory and payments', () => {
  let stack: Stack;
  let products: { id: string; name: string; priceCents: number; available: number }[];
  beforeAll(async () => {
    stack = await startE2eStack();
    products = (await http('GET', `${stack.url('inventory')}/products?limit=100`)).json.items;
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const stockOf = async (productId: string) =>
    (await http('GET', `${stack.url('inventory')}/products/${productId}/stock`, undefined, ADMIN)).json;
  const chargesOf = async (orderId: string) =>
    (await http('GET', `${stack.url('payments')}/payments?orderId=${orderId}`, undefined, ADMIN)).json;
  const listOf = async (userId: string, as: Token) =>
    (await http('GET', `${stack.url('orders')}/users/${userId}/orders`, undefined, as)).json;

  /** A user registers itself: its record's id is its token's sub. */
  async function newUser(email: string, firstName = 'Ada'): Promise<{ userId: string; as: Token }> {
    const userId = randomUUID();
    const as = bearer(userId);
    const created = await http(
      'POST',
      `${stack.url('users')}/users`,
      { email, profile: { firstName, lastName: 'Lovelace' }, preferences: { language: 'en' } },
      as,
    );
    expect(created.status).toBe(201);
    expect(created.json.id).toBe(userId);
    // user.created travels users → Kafka → orders; orders knows the user once its list answers with the profile.
    await eventually(
      'orders to know the user',
      async () => (await listOf(userId, as)).user?.email === email || undefined,
    );
    return { userId, as };
  }

  /** Places an order for the caller of `as` (the body names no user). */
  async function placeOrder(as: Token, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await http(
      'POST',
      `${stack.url('orders')}/orders`,
      { shippingAddress: address, ...body },
      { ...as, ...headers },
    );
    expect(response.status, JSON.stringify(response.json)).toBe(202);
    return response.json as { orderId: string; sagaId: string };
  }

  async function finalOrder(orderId: string, as: Token) {
    return eventually(`order ${orderId} to finish`, async () => {
      const order = (await http('GET', `${stack.url('orders')}/orders/${orderId}`, undefined, as)).json;
      return order.status !== 'pending' && ['completed', 'compensated'].includes(order.saga.status)
        ? order
        : undefined;
    });
  }

  it('completes an order for products in stock: stock decreased, one charge, and the order in the user list', async () => {
    const { userId, as } = await newUser('buyer@example.com');
    // The cheapest two: the fake provider declines charges above 1,000.00 EUR.
    const [first, second] = products
      .filter((p) => p.available >= 10)
      .sort((a, b) => a.priceCents - b.priceCents);
    const before = [await stockOf(first!.id), await stockOf(second!.id)] as const;

    const { orderId, sagaId } = await placeOrder(as, {
      items: [
        { productId: first!.id, quantity: 2 },
        { productId: second!.id, quantity: 1 },
      ],
    });
    const order = await finalOrder(orderId, as);

    expect(order, String(order.reason)).toMatchObject({
      status: 'confirmed',
      saga: { id: sagaId, status: 'completed', currentStep: null },
    });
    expect(order.totalCents).toBe(2 * first!.priceCents + second!.priceCents);
    const after = [await stockOf(first!.id), await stockOf(second!.id)] as const;
    expect(after[0].available).toBe(before[0].available - 2);
    expect(after[1].available).toBe(before[1].available - 1);
    await eventually('the reservation to become a sale', async () =>
      (await stockOf(first!.id)).sold === before[0].sold + 2 ? true : undefined,
    );
    const charges = await chargesOf(orderId);
    expect(charges.items).toHaveLength(1);
    expect(charges.items[0]).toMatchObject({ orderId, status: 'charged', amountCents: order.totalCents });
    const list = await listOf(userId, as);
    expect(list.items).toEqual([
      expect.objectContaining({ orderId, status: 'confirmed', totalCents: order.totalCents }),
    ]);
  });

  it('compensates an order without enough stock: nothing charged, stock unchanged', async () => {
    const { as } = await newUser('unlucky@example.com');
    const scarce = products.reduce((a, b) => (b.available < a.available ? b : a));
    const before = await stockOf(scarce.id);

    const { orderId } = await placeOrder(as, {
      items: [{ productId: scarce.id, quantity: before.available + 1 }],
    });
    const order = await finalOrder(orderId, as);

    expect(order).toMatchObject({ status: 'cancelled', saga: { status: 'compensated' } });
    expect(order.reason).toMatch(/insufficient stock/);
    expect(order.reason).toContain(scarce.id);
    expect((await chargesOf(orderId)).items).toEqual([]);
    expect(await stockOf(scarce.id)).toEqual(before);
  });

  it('compensates an order whose payment is declined: the reservation is released', async () => {
    const { as } = await newUser('declined@example.com');
    const product = products.find((p) => p.available >= 10)!;
    const before = await stockOf(product.id);

    const { orderId } = await placeOrder(as, {
      items: [{ productId: product.id, quantity: 3 }],
      paymentToken: 'tok_decline',
    });
    const order = await finalOrder(orderId, as);

    expect(order).toMatchObject({ status: 'cancelled', saga: { status: 'compensated' } });
    expect(order.reason).toMatch(/declined/);
    expect(await stockOf(product.id)).toEqual(before);
    expect(
      (await chargesOf(orderId)).items.filter((c: { status: string }) => c.status === 'charged'),
    ).toEqual([]);
  });

  it("creates one order for the same Idempotency-Key sent twice by one user, another for another user's same key", async () => {
    const { userId, as } = await newUser('twice@example.com');
    const other = await newUser('twice-too@example.com');
    const product = products.filter((p) => p.available >= 10).sort((a, b) => a.priceCents - b.priceCents)[0]!;
    const body = { items: [{ productId: product.id, quantity: 1 }] };

    const first = await placeOrder(as, body, { 'idempotency-key': 'e2e-twice' });
    const second = await placeOrder(as, body, { 'idempotency-key': 'e2e-twice' });
    const others = await placeOrder(other.as, body, { 'idempotency-key': 'e2e-twice' });

    expect(second.orderId).toBe(first.orderId);
    expect(others.orderId).not.toBe(first.orderId);
    await finalOrder(first.orderId, as);
    await finalOrder(others.orderId, other.as);
    expect((await listOf(userId, as)).total).toBe(1);
    expect((await chargesOf(first.orderId)).items).toHaveLength(1);
    expect((await chargesOf(others.orderId)).items).toHaveLength(1);
  });

  it('shows the profile changed by user.updated in the order list', async () => {
    const { userId, as } = await newUser('renamed@example.com', 'Augusta');

    const patched = await http(
      'PATCH',
      `${stack.url('users')}/users/${userId}`,
      { profile: { firstName: 'Ada' } },
      as,
    );

    expect(patched.status).toBe(200);
    await eventually(
      'orders to see the new first name',
      async () => (await listOf(userId, as)).user?.firstName === 'Ada' || undefined,
    );
  });

  it('refuses bad input on every service with a 4xx naming the field', async () => {
    const caller = bearer(randomUUID());
    const cases: [string, string, unknown, number, string][] = [
      [
        'POST',
        `${stack.url('users')}/users`,
        {
          email: 'not-an-email',
          profile: { firstName: 'A', lastName: 'B' },
          preferences: { language: 'en' },
        },
        400,
        'email',
      ],
      [
        'POST',
        `${stack.url('users')}/users`,
        {
          email: 'x@example.com',
          profile: { firstName: 'A', lastName: 'B' },
          preferences: { language: 'de' },
        },
        400,
        'preferences.language',
      ],
      ['GET', `${stack.url('users')}/users/not-a-uuid`, undefined, 400, 'id'],
      // The user is the caller: a userId in the body is an unknown field.
      [
        'POST',
        `${stack.url('orders')}/orders`,
        { userId: randomUUID(), items: [{ productId: randomUUID(), quantity: 1 }], shippingAddress: address },
        400,
        'userId',
      ],
      ['POST', `${stack.url('orders')}/orders`, { items: [], shippingAddress: address }, 400, 'items'],
      ['POST', `${stack.url('orders')}/orders`, '{"items":', 400, 'body'],
      ['GET', `${stack.url('inventory')}/products/not-a-uuid`, undefined, 400, 'id'],
      ['GET', `${stack.url('payments')}/payments?orderId=nope`, undefined, 400, 'orderId'],
    ];
    for (const [method, url, body, status, field] of cases) {
      const response = await http(method, url, body, url.startsWith(stack.url('payments')) ? ADMIN : caller);
      expect(response.status, `${method} ${url}`).toBe(status);
      expect(response.headers.get('content-type'), `${method} ${url}`).toContain('application/problem+json');
      expect(JSON.stringify(response.json.errors ?? response.json), `${method} ${url}`).toContain(field);
    }
  });
});
