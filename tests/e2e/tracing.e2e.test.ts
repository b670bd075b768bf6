import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer } from '@conveyor/http/testing';
import {
  down,
  findZipkinTrace,
  loadInfraConfig,
  up,
  type ZipkinSpan,
  zipkinTrace,
  zipkinTraceUrl,
  zipkinUrlOf,
} from '@conveyor/infra-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack } from '../support/e2e-stack.ts';
import { orphanSpans, renderSpanTree, spanTree } from '../support/span-tree.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;

const address = { street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
/** Where the span trees are written for a reader (ignored by git, like the rest of .infra). */
const OUTPUT_DIR = join(loadInfraConfig().cacheDir, 'output', 'tracing');

/** A span of one service by name, as Zipkin spells it (lower case). */
type Hop = readonly [service: string, name: string];

/**
 * One order's hops: the saga's steps by name, each command and reply through Kafka, and the
 * confirmation's readers (inventory's sale, users' directory counting the user's orders).
 */
const ORDER_HOPS: readonly Hop[] = [
  ['gateway', 'post /api/orders'],
  ['orders', 'post /orders'],
  ['orders', 'saga create-order start'],
  ['orders', 'saga create-order reserve-inventory command'],
  ['orders', 'send inventory.reserve-stock'],
  ['inventory', 'consume inventory.reserve-stock'],
  ['inventory', 'send inventory.reserve-stock.reply'],
  ['orders', 'saga create-order reserve-inventory success'],
  ['orders', 'saga create-order charge-payment command'],
  ['payments', 'consume payments.charge'],
  ['payments', 'send payments.charge.reply'],
  ['orders', 'saga create-order charge-payment success'],
  ['orders', 'saga create-order confirm-order command'],
  ['orders', 'consume orders.confirm-order'],
  ['orders', 'saga create-order confirm-order success'],
  ['inventory', 'consume order.confirmed'],
  ['users', 'consume order.confirmed'],
];

/** A registration's hops: users' append, and user.created consumed by orders and users' directory. */
const REGISTRATION_HOPS: readonly Hop[] = [
  ['gateway', 'post /api/users'],
  ['users', 'send user.created'],
  ['users', 'consume user.created'],
  ['orders', 'consume user.created'],
];

const has = (spans: readonly ZipkinSpan[], [service, name]: Hop) =>
  spans.some((span) => span.name === name && span.localEndpoint?.serviceName === service);

const servicesOf = (spans: readonly ZipkinSpan[]) =>
  new Set(spans.map((span) => span.localEndpoint?.serviceName ?? '?'));

/**
 * Tracing on across the whole stack (CONVEYOR_TRACING=1, Zipkin started here): a request through
 * the gateway is one trace across the processes and Kafka hops it causes, read back from Zipkin.
 */
describe('one trace per request across the processes and Kafka', () => {
  const config = loadInfraConfig();
  const zipkinUrl = zipkinUrlOf(config);
  let stack: Stack;
  let startedZipkin = false;

  beforeAll(async () => {
    const tracing = { CONVEYOR_TRACING: '1', ZIPKIN_URL: zipkinUrl };
    // Zipkin's JVM and the five processes start side by side: no span is sent before a request.
    const [infra, started] = await Promise.all([
      up(config, { tracing: true }),
      startE2eStack({
        gateway: tracing,
        users: tracing,
        orders: tracing,
        inventory: tracing,
        payments: tracing,
      }),
    ]);
    startedZipkin = infra.startedNow.includes('zipkin');
    stack = started;
    mkdirSync(OUTPUT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await stack?.teardown();
    if (startedZipkin) await down(config, ['zipkin']);
  });

  /** The trace holding a span of `serviceName` tagged `tag=value`, once `complete` holds for its spans. */
  async function traceOf(
    query: { serviceName: string; tag: string; value: string },
    complete: (spans: ZipkinSpan[]) => boolean,
  ) {
    const { tag, value } = query;
    const traceId = await findZipkinTrace(zipkinUrl, query, 20_000);
    expect(traceId, `a trace with ${tag}=${value}`).toBeDefined();
    const spans = await eventually(`trace ${traceId} to be complete`, async () => {
      const found = await zipkinTrace(zipkinUrl, String(traceId));
      return complete(found) ? found : undefined;
    });
    return { traceId: String(traceId), spans };
  }

  function expectOneRootAtTheGateway(spans: readonly ZipkinSpan[]) {
    expect(orphanSpans(spans).map((s) => `${s.localEndpoint?.serviceName}: ${s.name}`)).toEqual([]);
    const roots = spans.filter((span) => span.parentId === undefined);
    expect(roots.map((s) => [s.localEndpoint?.serviceName, s.kind])).toEqual([['gateway', 'SERVER']]);
    // Every Kafka hop continues from the relay's send: a consumer span's parent is a producer span.
    const byId = new Map(spans.map((span) => [span.id, span]));
    for (const consumer of spans.filter((span) => span.kind === 'CONSUMER'))
      expect(byId.get(consumer.parentId ?? '')?.kind, consumer.name).toBe('PRODUCER');
  }

  function write(name: string, traceId: string, spans: readonly ZipkinSpan[]) {
    const text = `${zipkinTraceUrl(zipkinUrl, traceId)}\n\n${renderSpanTree(spanTree(spans))}\n`;
    writeFileSync(join(OUTPUT_DIR, `${name}.txt`), text);
  }

  it('follows an order from the gateway through the saga, both participants and the confirmation into inventory and users', async () => {
    const userId = crypto.randomUUID();
    const as = bearer(userId);
    const gateway = stack.url('gateway');
    const registered = await http(
      'POST',
      `${gateway}/api/users`,
      {
        email: 'traced@example.com',
        profile: { firstName: 'Tracy', lastName: 'Span' },
        preferences: { language: 'en' },
      },
      as,
    );
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    const products = (await http('GET', `${gateway}/api/products?limit=100`)).json.items;
    const product = products.find((p: { available: number }) => p.available >= 1);
    await eventually('orders to know the user', async () => {
      const list = await http('GET', `${gateway}/api/users/${userId}/orders`, undefined, as);
      return list.status === 200 && list.json.user ? true : undefined;
    });

    const placed = await http(
      'POST',
      `${gateway}/api/orders`,
      { items: [{ productId: product.id, quantity: 1 }], shippingAddress: address },
      as,
    );
    expect(placed.status, JSON.stringify(placed.json)).toBe(202);
    const { sagaId } = placed.json;

    // Each process sends its spans on its own schedule: wait until every hop is in Zipkin.
    const { traceId, spans } = await traceOf(
      { serviceName: 'orders', tag: 'saga.id', value: sagaId },
      (found) => ORDER_HOPS.every((hop) => has(found, hop)),
    );
    write('order', traceId, spans);

    expect([...servicesOf(spans)].sort()).toEqual(['gateway', 'inventory', 'orders', 'payments', 'users']);
    expectOneRootAtTheGateway(spans);
    // The users span is the directory counting the order, so the directory shows it.
    const entry = await eventually('the directory to count the order', async () => {
      const page = await http(
        'GET',
        `${stack.url('users')}/directory?q=traced@`,
        undefined,
        bearer(crypto.randomUUID(), ['admin']),
      );
      const found = page.json.items?.find((item: { id: string }) => item.id === userId);
      return found?.orders.confirmed === 1 ? found : undefined;
    });
    expect(entry.orders.totals).toHaveLength(1);
  });

  it('follows a registration from the gateway through users into the consumers of user.created', async () => {
    const userId = crypto.randomUUID();
    const registered = await http(
      'POST',
      `${stack.url('gateway')}/api/users`,
      {
        email: 'registered@example.com',
        profile: { firstName: 'Reg', lastName: 'Istered' },
        preferences: { language: 'en' },
      },
      bearer(userId),
    );
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    const query = { serviceName: 'users', tag: 'conveyor.stream_id', value: `user-${userId}` };
    const { traceId, spans } = await traceOf(query, (found) =>
      REGISTRATION_HOPS.every((hop) => has(found, hop)),
    );
    write('registration', traceId, spans);
    expect([...servicesOf(spans)].sort()).toEqual(['gateway', 'orders', 'users']);
    expectOneRootAtTheGateway(spans);
  });
});
