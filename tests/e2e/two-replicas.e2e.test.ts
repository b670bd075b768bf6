import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES } from '@conveyor/devstack';
import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack } from '../support/e2e-stack.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;

const address = { street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
/** One new order every INTERVAL_MS for LOAD_MS; one replica of each service dies at KILL_AT_MS. */
const LOAD_MS = 15_000;
const INTERVAL_MS = 250;
const KILL_AT_MS = 5_000;

/**
 * Two processes of every service behind the one gateway (DevStack `replicas: 2`). One replica of
 * each service is SIGKILLed while orders keep coming: the gateway sends what the dead ones cannot
 * answer to the survivors (every POST carries an Idempotency-Key, so it may be sent twice), the
 * survivors' relays take the outbox over and their consumers the dead ones' partitions, and each
 * order still ends confirmed.
 */
describe('two replicas of every service', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startE2eStack({ gateway: { RATE_LIMIT_MAX: '1000000' } }, { replicas: 2 });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('refuses no request and confirms every order while one replica of each service is killed', async () => {
    const gateway = stack.url('gateway');
    const userId = randomUUID();
    const as = bearer(userId);
    const registered = await http(
      'POST',
      `${gateway}/api/users`,
      {
        email: 'replicas@example.com',
        profile: { firstName: 'Rep', lastName: 'Lica' },
        preferences: { language: 'en' },
      },
      as,
    );
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    await eventually('orders to know the user', async () => {
      const list = await http('GET', `${gateway}/api/users/${userId}/orders`, undefined, as);
      return list.json.user?.email === 'replicas@example.com' || undefined;
    });
    // Cheap (the fake provider declines above 1,000.00 EUR) and plentiful: every order can succeed.
    const products = (await http('GET', `${gateway}/api/products?limit=100`)).json.items as {
      id: string;
      priceCents: number;
      available: number;
    }[];
    const plenty = products.filter((p) => p.available >= 50 && p.priceCents < 100_000);
    expect(plenty.length).toBeGreaterThan(0);

    const refused: string[] = [];
    const placed: { key: string; orderId: string }[] = [];
    const place = async (n: number) => {
      const key = randomUUID();
      const product = plenty[n % plenty.length];
      const response = await http(
        'POST',
        `${gateway}/api/orders`,
        { items: [{ productId: product?.id, quantity: 1 }], shippingAddress: address },
        { ...as, 'idempotency-key': key },
      );
      if (response.status === 202) placed.push({ key, orderId: response.json.orderId });
      else refused.push(`POST #${n}: ${response.status} ${JSON.stringify(response.json)}`);
    };

    const began = Date.now();
    const load = (async () => {
      const inFlight: Promise<void>[] = [];
      for (let n = 0; Date.now() - began < LOAD_MS; n++) {
        inFlight.push(place(n));
        await sleep(INTERVAL_MS);
      }
      await Promise.all(inFlight);
    })();
    await sleep(KILL_AT_MS);
    // Replica 0 started first: it holds each service's relay lock, so a standby has to take over.
    await Promise.all(SERVICE_NAMES.map((service) => stack.process(service, 0).kill()));
    await load;

    expect(refused).toEqual([]);
    expect(placed.length).toBeGreaterThan(LOAD_MS / INTERVAL_MS / 2);
    expect(new Set(placed.map((p) => p.orderId)).size).toBe(placed.length);

    const health = await http('GET', `${gateway}/health`);
    for (const service of ['users', 'orders', 'inventory'])
      expect(health.json.services[service].instances).toMatchObject({ total: 2, up: 1 });

    const orders = await eventually(
      'every order to finish',
      async () => {
        const answers = await Promise.all(
          placed.map(({ orderId }) => http('GET', `${gateway}/api/orders/${orderId}`, undefined, as)),
        );
        for (const answer of answers)
          if (answer.status !== 200) refused.push(`GET: ${answer.status} ${JSON.stringify(answer.json)}`);
        const all = answers.map((a) => a.json);
        return all.every((o) => ['completed', 'compensated', 'failed'].includes(o.saga?.status))
          ? all
          : undefined;
      },
      60_000,
      1_000,
    );
    expect(refused).toEqual([]);
    expect(
      orders.filter((o) => o.status !== 'confirmed').map((o) => [o.orderId, o.status, o.reason]),
    ).toEqual([]);
  });
});
