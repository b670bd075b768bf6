import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import { loadInfraConfig } from '@conveyor/infra-local';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack } from '../support/e2e-stack.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;

const address = { street: '1 Infinite Loop', city: 'Cupertino', postalCode: '95014', country: 'US' };
const root = loadInfraConfig().rootDir;
/** Each user's own token (1 h): orders and lists belong to the token's sub. */
const tokens = new Map<string, { authorization: string }>();
const as = (userId: string) => {
  const token = tokens.get(userId) ?? bearer(userId);
  tokens.set(userId, token);
  return token;
};

function replay(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/replay.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The orders.order-details read model rebuilt with `npm run replay` while orders keep coming; the
 * other services' projections listed and rebuilt by the same CLI.
 */
describe('rebuilding the orders read model without downtime', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  const users: string[] = [];
  let cheapest: string;
  beforeAll(async () => {
    stack = await startE2eStack();
    env = {
      ORDERS_DATABASE_URL: stack.databaseUrl('orders'),
      CONVEYOR_TOPIC_NAMESPACE: stack.topicNamespace,
    };
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      // A user registers itself: its record's id is its token's sub.
      const userId = randomUUID();
      const created = await http(
        'POST',
        `${stack.url('users')}/users`,
        { email, profile: { firstName: 'Rebuild', lastName: 'Tester' }, preferences: { language: 'fr' } },
        as(userId),
      );
      expect(created.status).toBe(201);
      users.push(userId);
    }
    const products = (await http('GET', `${stack.url('inventory')}/products?limit=100`)).json.items as {
      id: string;
      priceCents: number;
      available: number;
    }[];
    cheapest = products.filter((p) => p.available > 100).sort((a, b) => a.priceCents - b.priceCents)[0]!.id;
    for (const userId of users) {
      await eventually(
        'orders to know the user',
        async () =>
          (await http('GET', `${stack.url('orders')}/users/${userId}/orders`, undefined, as(userId))).json
            .user !== null || undefined,
      );
    }
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const totals = async () =>
    Promise.all(
      users.map(
        async (u) =>
          (await http('GET', `${stack.url('orders')}/users/${u}/orders?limit=1`, undefined, as(u))).json
            .total as number,
      ),
    );

  it('keeps answering from the old generation during the rebuild, then equals a recomputation from the event store', async () => {
    let placing = true;
    let placed = 0;
    const placer = (async () => {
      while (placing) {
        const userId = users[placed % users.length]!;
        const response = await http(
          'POST',
          `${stack.url('orders')}/orders`,
          {
            items: [{ productId: cheapest, quantity: 1 }],
            shippingAddress: address,
            ...(placed % 4 === 3 ? { paymentToken: 'tok_decline' } : {}),
          },
          as(userId),
        );
        expect(response.status).toBe(202);
        placed++;
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await eventually(
      'some orders in the read model',
      async () => (await totals()).some((t) => t > 5) || undefined,
    );

    // A reader during the rebuild: every user's total may only grow (never a partial table).
    const seen: number[][] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        seen.push(await totals());
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const rebuilt = await replay(['orders.order-details'], env);
    reading = false;
    await reader;
    placing = false;
    await placer;

    expect(rebuilt.stderr).toBe('');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/orders\.order-details: generation 2 is served \(was 1\)/);
    expect(rebuilt.stdout).toMatch(/\[#+\.*\] +\d+%/); // the progress bar
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) {
      for (let u = 0; u < users.length; u++) expect(seen[i]![u]).toBeGreaterThanOrEqual(seen[i - 1]![u]!);
    }

    // Once every saga ended and the live runner (now on generation 2) caught up: row for row.
    const db = new pg.Client({ connectionString: stack.databaseUrl('orders') });
    await db.connect();
    try {
      await eventually(
        'every saga to end',
        async () =>
          Number(
            (
              await db.query(
                "SELECT count(*) AS n FROM saga_instances WHERE status NOT IN ('completed', 'compensated')",
              )
            ).rows[0].n,
          ) === 0 || undefined,
        60_000,
      );
      const recompute = async () =>
        (
          await db.query(`
          SELECT (array_agg(data->>'orderId'))[1] AS order_id,
                 (array_agg(data->>'userId') FILTER (WHERE type = 'OrderPlaced'))[1] AS user_id,
                 CASE (array_agg(type ORDER BY stream_version DESC))[1]
                   WHEN 'OrderConfirmed' THEN 'confirmed' WHEN 'OrderCancelled' THEN 'cancelled' ELSE 'pending' END AS status,
                 (array_agg(data->>'totalCents') FILTER (WHERE type = 'OrderConfirmed'))[1] AS total_cents
          FROM events WHERE stream_id LIKE 'order-%' GROUP BY stream_id ORDER BY 1`)
        ).rows;
      const readModel = async () =>
        (
          await db.query(
            'SELECT order_id::text, user_id::text, status, total_cents::text FROM order_details ORDER BY 1',
          )
        ).rows;
      const expected = await recompute();
      expect(expected.length).toBe(placed);
      await eventually(
        'the read model to catch up',
        async () => JSON.stringify(await readModel()) === JSON.stringify(expected) || undefined,
        30_000,
      );
      expect(await readModel()).toEqual(expected);
      expect(expected.some((r) => r.status === 'cancelled')).toBe(true);
      expect(expected.some((r) => r.status === 'confirmed')).toBe(true);
    } finally {
      await db.end();
    }

    const status = await replay(['--status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/orders\.order-details +orders +g2 +- +0 /);
  });

  it('describes a rebuild without doing it on --dry-run, and names the flag on bad input', async () => {
    const dry = await replay(['orders.order-details', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: orders.order-details would build generation 3');
    expect((await replay(['orders.order-details', '--from', 'yesterday'], env)).stderr).toContain(
      '--from must be "earliest" or an ISO time',
    );
    const unknown = await replay(['orders.nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown projection "orders.nope"');
  });

  it("lists every service's projection on --status, and rebuilds users.directory while users serves it", async () => {
    const everywhere = {
      ...env,
      USERS_DATABASE_URL: stack.databaseUrl('users'),
      INVENTORY_DATABASE_URL: stack.databaseUrl('inventory'),
    };
    const directory = async () =>
      (
        await http(
          'GET',
          `${stack.url('users')}/directory?limit=100`,
          undefined,
          bearer(randomUUID(), ['admin']),
        )
      ).json.total as number;
    const before = await directory();
    expect(before).toBeGreaterThanOrEqual(users.length);
    const rebuilt = await replay(['users.directory'], everywhere);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/users\.directory: generation 2 is served \(was 1\)/);
    expect(await directory()).toBe(before);

    const status = await replay(['--status'], everywhere);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/orders\.order-details +orders +g2 +- +\d+ /);
    expect(status.stdout).toMatch(/users\.directory +users +g2 +- +0 +serving /);
    expect(status.stdout).toMatch(/inventory\.stock-view +inventory +g1 +- +\d+ /);
  });
});
