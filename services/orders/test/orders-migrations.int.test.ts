import { randomUUID } from 'node:crypto';
import { createDatabase, migrate } from '@conveyor/events';
import { createTestDatabase, type TestDatabase } from '@conveyor/infra-local/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ordersMigrations } from '../src/db/migrations.ts';
import type { OrdersDatabase } from '../src/db/tables.ts';

const NEW = [
  '1001_conveyor_saga_secrets',
  '1001_orders_idempotency_keys_per_caller',
  '1002_orders_card_tokens_out_of_saga_data',
];

/** A database migrated as the service was before keys per caller and saga secrets, with its data. */
describe('orders migrations on a database of the previous version', () => {
  let database: TestDatabase;
  let db: Kysely<OrdersDatabase>;
  const user = randomUUID();
  const order = randomUUID();
  const running = randomUUID();
  const completed = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase(inject('infra').databaseUrl, 'orders_migrations');
    db = createDatabase<OrdersDatabase>({ url: database.url });
    const previous = Object.fromEntries(
      Object.entries(ordersMigrations).filter(([name]) => !NEW.includes(name)),
    );
    await migrate(db, previous);

    await sql`INSERT INTO order_views (order_id, user_id, saga_id, status, items, shipping_address, created_at, updated_at)
      VALUES (${order}, ${user}, ${running}, 'pending', '[]', '{}', now(), now())`.execute(db);
    await sql`INSERT INTO idempotency_keys (key, request_hash, order_id, saga_id, created_at) VALUES
      ('k-1', 'h', ${order}, ${running}, '2026-01-01T00:00:00Z'),
      ('orphan', 'h', ${randomUUID()}, ${randomUUID()}, '2026-01-01T00:00:00Z')`.execute(db);
    for (const [id, status, token] of [
      [running, 'running', 'tok_visa'],
      [completed, 'completed', 'tok_mastercard'],
    ] as const) {
      await sql`INSERT INTO saga_instances (id, type, status, current_step, data, steps, correlation_id, version)
        VALUES (${id}, 'create-order', ${status}, 1,
          ${JSON.stringify({ orderId: order, userId: user, items: [], paymentToken: token })}, '[]', ${id}, 3)`.execute(
        db,
      );
    }
    await migrate(db, ordersMigrations);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it("gives each Idempotency-Key its order's user and a 24 h expiry, drops keys without an order, and keys them per user", async () => {
    const keys = await db.selectFrom('idempotency_keys').selectAll().execute();
    expect(keys).toEqual([
      expect.objectContaining({
        user_id: user,
        key: 'k-1',
        order_id: order,
        expires_at: new Date('2026-01-02T00:00:00Z'),
      }),
    ]);
    const another = randomUUID();
    await db
      .insertInto('idempotency_keys')
      .values({
        user_id: another,
        key: 'k-1',
        request_hash: 'h',
        order_id: randomUUID(),
        saga_id: randomUUID(),
        expires_at: new Date(),
      })
      .execute();
    await expect(
      db
        .insertInto('idempotency_keys')
        .values({
          user_id: another,
          key: 'k-1',
          request_hash: 'h',
          order_id: randomUUID(),
          saga_id: randomUUID(),
          expires_at: new Date(),
        })
        .execute(),
    ).rejects.toThrow(/duplicate key/);
  });

  it('moves the card token of a saga under way to its secrets, and out of every saga’s data', async () => {
    const sagas = await db
      .selectFrom('saga_instances')
      .select(['id', 'data', 'version'])
      .orderBy('status', 'desc')
      .execute();
    expect(sagas).toEqual([
      { id: running, data: { orderId: order, userId: user, items: [], cardTokenLast4: 'visa' }, version: 4 },
      {
        id: completed,
        data: { orderId: order, userId: user, items: [], cardTokenLast4: 'card' },
        version: 4,
      },
    ]);
    expect(await db.selectFrom('saga_secrets').selectAll().execute()).toEqual([
      { saga_id: running, secrets: { cardToken: 'tok_visa' } },
    ]);
  });
});
