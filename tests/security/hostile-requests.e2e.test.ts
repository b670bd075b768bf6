import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startE2eStack } from '../support/e2e-stack.ts';
import { goodToken, SECURITY_JWT_ENV } from './crafted-tokens.ts';
import { hostileCases, type SecurityWorld } from './hostile-cases.ts';
import { type RawRequest, rawRequest } from './raw-http.ts';
import { rowCounts } from './row-counts.ts';
import { type Outcome, securityReport } from './security-report.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;
const SERVICES = ['users', 'orders', 'inventory', 'payments'] as const;

/**
 * Hundreds of malformed and hostile requests through the gateway (and straight to the services),
 * on real processes: each gets the 4xx its row says, nothing is written anywhere, and the gateway
 * holds none of it against an upstream.
 */
describe('hostile requests', () => {
  let stack: Stack;
  let world: SecurityWorld;

  const send = (target: 'gateway' | (typeof SERVICES)[number], request: RawRequest) =>
    rawRequest(stack.url(target), request);
  const json = async (target: 'gateway' | (typeof SERVICES)[number], request: RawRequest) => {
    const response = await send(target, request);
    return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
  };
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  async function registeredUser(name: string) {
    const id = randomUUID();
    const token = goodToken(id);
    const created = await json('gateway', {
      method: 'POST',
      target: '/api/users',
      headers: auth(token),
      body: {
        email: `${name}-${id.slice(0, 8)}@example.com`,
        profile: { firstName: name, lastName: 'Tester' },
        preferences: { language: 'en' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.id).toBe(id);
    await eventually(`orders to know ${name}`, async () => {
      const list = await json('gateway', {
        method: 'GET',
        target: `/api/users/${id}/orders`,
        headers: auth(token),
      });
      return list.status === 200 && list.body.user !== null ? true : undefined;
    });
    return { id, token };
  }

  async function finishedOrder(user: { token: string }, productId: string) {
    const placed = await json('gateway', {
      method: 'POST',
      target: '/api/orders',
      headers: auth(user.token),
      body: {
        items: [{ productId, quantity: 1 }],
        shippingAddress: { street: '1 Main Street', city: 'Lyon', postalCode: '69001', country: 'FR' },
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const { orderId, sagaId } = placed.body as { orderId: string; sagaId: string };
    await eventually(`order ${orderId} to finish`, async () => {
      const order = await json('gateway', {
        method: 'GET',
        target: `/api/orders/${orderId}`,
        headers: auth(user.token),
      });
      return order.body?.status === 'confirmed' ? true : undefined;
    });
    return { orderId, sagaId };
  }

  /** Counts of every table of every service, once two readings a second apart agree. */
  async function settledCounts() {
    const read = async () =>
      Object.fromEntries(
        await Promise.all(SERVICES.map(async (s) => [s, await rowCounts(stack.databaseUrl(s))] as const)),
      );
    let previous = await read();
    return eventually('row counts to settle', async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      const current = await read();
      const same = JSON.stringify(current) === JSON.stringify(previous);
      previous = current;
      return same ? current : undefined;
    });
  }

  beforeAll(async () => {
    const env = { ...SECURITY_JWT_ENV };
    stack = await startE2eStack({
      users: env,
      orders: env,
      inventory: env,
      payments: env,
      // Hundreds of requests from one address in a few seconds: the rate limit is not what is tested here.
      gateway: { ...env, RATE_LIMIT_MAX: '1000000' },
    });
    const products = await json('gateway', { method: 'GET', target: '/api/products?limit=100' });
    const product = (products.body.items as { id: string; priceCents: number; available: number }[])
      .filter((p) => p.available >= 10)
      .sort((x, y) => x.priceCents - y.priceCents)[0];
    if (!product) throw new Error('no product in stock');
    const a = await registeredUser('alice');
    const b = await registeredUser('bob');
    const adminToken = goodToken(randomUUID(), ['user', 'admin']);
    const [orderOfA, orderOfB] = [await finishedOrder(a, product.id), await finishedOrder(b, product.id)];
    const payments = await json('payments', {
      method: 'GET',
      target: `/payments?orderId=${orderOfB.orderId}`,
      headers: auth(adminToken),
    });
    const paymentOfB = payments.body?.items?.[0]?.id as string;
    expect(paymentOfB, JSON.stringify(payments.body)).toBeTruthy();
    const newcomer = randomUUID();
    world = {
      a: { ...a, ...orderOfA },
      b: { ...b, ...orderOfB },
      newcomer: { id: newcomer, token: goodToken(newcomer) },
      adminToken,
      productId: product.id,
      paymentOfB,
    };
  }, 300_000);
  afterAll(async () => {
    await stack?.teardown();
  });

  it('refuses every hostile request with the expected 4xx and writes nothing', async () => {
    const cases = hostileCases(world);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const names = cases.map((c) => `${c.category}: ${c.name}`);
    expect(new Set(names).size, 'case names are unique').toBe(names.length);

    const before = await settledCounts();
    const outcomes: (Outcome & { body: string })[] = [];
    for (const c of cases) {
      const response = await send(c.target, c.request);
      outcomes.push({ case: c, status: response.status, body: response.body.slice(0, 300) });
    }
    console.log(`\n${securityReport(outcomes)}\n`);
    const wrong = outcomes
      .filter((o) => !o.case.expect.includes(o.status))
      .map(
        (o) =>
          `${o.case.category}: ${o.case.name} → ${o.status} (expected ${o.case.expect.join('/')}) ${o.body}`,
      );
    expect(wrong).toEqual([]);
    // Nothing any of them asked for was written, in any service.
    expect(await settledCounts()).toEqual(before);
  });

  it('takes 50 requests with Keep-Alive, Upgrade or Expect without ejecting the upstream, then serves a normal one', async () => {
    const variants: Record<string, string>[] = [
      { connection: 'keep-alive', 'keep-alive': 'timeout=5' },
      { connection: 'Upgrade', upgrade: 'h2c' },
      { expect: '100-continue' },
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) {
      const response = await send('gateway', {
        method: 'GET',
        target: '/api/products?limit=1',
        headers: variants[i % variants.length] ?? {},
      });
      statuses.push(response.status);
    }
    expect(statuses.filter((s) => s !== 200 && s !== 400)).toEqual([]);
    const normal = await send('gateway', { method: 'GET', target: '/api/products?limit=1' });
    expect(normal.status).toBe(200);
    const health = await json('gateway', { method: 'GET', target: '/health' });
    for (const [service, report] of Object.entries(
      health.body.services as Record<string, { instances: { ejected: number } }>,
    )) {
      expect({ service, ejected: report.instances.ejected }).toEqual({ service, ejected: 0 });
    }
  });
});
