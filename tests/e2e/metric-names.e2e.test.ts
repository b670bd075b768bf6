import { METRIC_NAMES, SAGA_METRIC_NAMES, SERVICE_METRIC_NAMES } from '@conveyor/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack } from '../support/e2e-stack.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;

const SERVICES = ['users', 'orders', 'inventory', 'payments'] as const;

const TYPES: Record<string, string> = {
  [METRIC_NAMES.httpRequestDuration]: 'histogram',
  [METRIC_NAMES.outboxBacklog]: 'gauge',
  [METRIC_NAMES.outboxOldestAge]: 'gauge',
  [METRIC_NAMES.consumerLag]: 'gauge',
  [METRIC_NAMES.deadLetters]: 'counter',
  [METRIC_NAMES.sagaInstances]: 'gauge',
  [METRIC_NAMES.sagaStepDuration]: 'histogram',
};

/** `# TYPE <name> <type>` lines of a Prometheus text exposition: every metric the registry has. */
function declared(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm))
    if (name && type) types.set(name, type);
  return types;
}

/** The four services' /metrics: the same names for the same things, whichever service it is. */
describe('metric names across the services', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startE2eStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const scrape = async (service: (typeof SERVICES)[number]) => {
    const response = await http('GET', `${stack.url(service)}/metrics`);
    expect(response.status).toBe(200);
    return String(response.json);
  };

  it('serves the shared names on all four, the saga names on orders, and each consumer group its lag', async () => {
    for (const service of SERVICES) {
      const types = declared(await scrape(service));
      const expected =
        service === 'orders' ? [...SERVICE_METRIC_NAMES, ...SAGA_METRIC_NAMES] : SERVICE_METRIC_NAMES;
      for (const name of expected) expect(types.get(name), `${service}: ${name}`).toBe(TYPES[name]);
      // Nothing of the old per-service spellings is left.
      expect(
        [...types.keys()].filter((name) => name.startsWith('conveyor_')),
        service,
      ).toEqual([]);
    }
    // The participants' groups and orders' consumers report their lag per topic.
    const groupsOf = async (service: (typeof SERVICES)[number]) =>
      [...(await scrape(service)).matchAll(/^consumer_lag_messages\{group="([^"]+)"/gm)].map(
        ([, group]) => group,
      );
    const ns = stack.topicNamespace;
    await eventually('every consumer group to report its lag', async () => {
      const [inventory, payments, orders] = await Promise.all([
        groupsOf('inventory'),
        groupsOf('payments'),
        groupsOf('orders'),
      ]);
      const all = [...inventory, ...payments, ...orders];
      const wanted = [
        `${ns}.inventory-participant`,
        `${ns}.payments-participant`,
        `${ns}.orders-participant`,
        `${ns}.orders-saga-orchestrator`,
      ];
      return wanted.every((group) => all.includes(group)) ? true : undefined;
    });
  });
});
