import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, TEST_SECRET, tokenFor } from './support/gateway-under-test.ts';
import { call, eventually } from './support/http.ts';
import { type ServiceProcess, startEntry } from './support/processes.ts';
import { freePort, startUpstream, type UpstreamProcess } from './support/upstream-process.ts';

const MAX_IN_FLIGHT = 10;
const FLOOD = 150;
const auth = bearer(tokenFor('u-1'));

/**
 * The gateway as a process, in front of real upstream processes: both inventory instances are
 * frozen (SIGSTOP: the kernel still accepts their connections, nobody answers) while a flood of
 * product requests comes in. Inventory's bulkhead holds at most MAX_IN_FLIGHT of them; the rest
 * are refused at once, and the users routes answer as fast as before.
 */
describe('bulkheads', () => {
  let users: UpstreamProcess;
  let inventory: UpstreamProcess[];
  let gateway: ServiceProcess;
  let url: string;

  beforeAll(async () => {
    let port: number;
    [users, inventory, port] = await Promise.all([
      startUpstream('users'),
      Promise.all([startUpstream('inventory-a'), startUpstream('inventory-b')]),
      freePort(),
    ]);
    url = `http://127.0.0.1:${port}`;
    gateway = startEntry('gateway/src/main.ts', {
      JWT_SECRET: TEST_SECRET,
      JWT_ALGORITHM: '',
      JWT_PRIVATE_KEY_FILE: '',
      JWT_PUBLIC_KEY_FILE: '',
      GATEWAY_PORT: String(port),
      UPSTREAM_USERS: users.url,
      UPSTREAM_ORDERS: users.url,
      UPSTREAM_INVENTORY: inventory.map((i) => i.url).join(','),
      UPSTREAM_INVENTORY_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      UPSTREAM_TIMEOUT_MS: '3000',
      EJECT_COOLDOWN_MS: '500',
      BREAKER_OPEN_MS: '500',
      RATE_LIMIT_MAX: '1000000',
      REDIS_URL: '',
      LOG_LEVEL: 'info',
    });
    await gateway.waitForLog((line) => line.msg === 'listening');
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await Promise.all([users, ...(inventory ?? [])].map((u) => u?.kill()));
  });

  const getUser = () => call(url, '/api/users/u-1', { headers: auth });
  const getProducts = () => call(url, '/api/products?limit=5');

  it('keeps a frozen service to its share, answers the rest at once, and other routes as usual', async () => {
    for (let i = 0; i < 5; i++) await getUser(); // warm: connections, JIT
    const usual = Math.max(...(await Promise.all(Array.from({ length: 10 }, getUser))).map((a) => a.ms));
    expect((await getProducts()).status).toBe(200);

    for (const instance of inventory) instance.signal('SIGSTOP');
    try {
      const flood = Promise.all(Array.from({ length: FLOOD }, getProducts));
      // While inventory holds its share of requests, users answers within its usual time.
      const during = [];
      for (let i = 0; i < 10; i++) during.push(await getUser());
      expect(during.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(Math.max(250, 5 * usual));

      const answers = await flood;
      const busy = answers.filter((a) => a.body.code === 'GATEWAY_UPSTREAM_BUSY');
      expect(busy.length).toBeGreaterThanOrEqual(FLOOD - MAX_IN_FLIGHT);
      for (const answer of busy) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(answer.body).toMatchObject({ details: { service: 'inventory', maxInFlight: MAX_IN_FLIGHT } });
      }
      // Refused at once: well before the held ones time out (3 s).
      expect(busy.filter((a) => a.ms < 1_500).length).toBe(busy.length);
      // The held ones end as the gateway's own timeout, or are refused once the instances that
      // timed out are ejected.
      const held = answers.filter((a) => a.body.code !== 'GATEWAY_UPSTREAM_BUSY');
      expect(held.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      for (const answer of held)
        expect(['GATEWAY_UPSTREAM_TIMEOUT', 'GATEWAY_UPSTREAM_UNAVAILABLE']).toContain(answer.body.code);

      const metrics = (await call<string>(url, '/metrics')).body;
      const rejected = Number(
        /gateway_bulkhead_rejected_total\{service="inventory"\} (\d+)/.exec(metrics)?.[1],
      );
      expect(rejected).toBe(busy.length);
    } finally {
      for (const instance of inventory) instance.signal('SIGCONT');
    }

    await eventually('products to answer again', async () =>
      (await getProducts()).status === 200 ? true : undefined,
    );
    const after = await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, getProducts));
    expect(after.map((a) => a.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    const metrics = (await call<string>(url, '/metrics')).body;
    expect(metrics).toMatch(/gateway_upstream_in_flight\{service="inventory",kind="in_flight"\} 0/);
  });
});
