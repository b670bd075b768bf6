import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import type { OrderConfirmed } from '@conveyor/schemas';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryEntry, DirectoryPage } from '../src/application/directory-queries.ts';
import type { UsersService } from '../src/service.ts';
import { waitFor } from './support/service-process.ts';
import { type DirectoryWorld, newUser, startDirectoryWorld, uniqueEmail } from './support/users-world.ts';

const admin = bearer('ops-1', ['user', 'admin']);

/**
 * orders.events' order.confirmed → the users.directory projection → each user's confirmed orders in
 * GET /directory. The confirmations are produced straight to the topic, as the orders service's
 * relay would send them (no orders service runs here).
 */
describe("the user directory's confirmed orders, projected from orders.events", () => {
  let world: DirectoryWorld;
  let service: UsersService;

  beforeAll(async () => {
    world = await startDirectoryWorld('users-directory-orders');
    service = world.service;
  });
  afterAll(() => world?.close());

  const register = async (id = randomUUID()) => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/users',
      payload: newUser(uniqueEmail('buyer')),
      headers: bearer(id),
    });
    expect(response.statusCode, response.body).toBe(201);
    return id;
  };

  const confirmation = (userId: string, totalCents: number, currency: string, confirmedAt: string) => ({
    orderId: randomUUID(),
    userId,
    totalCents,
    currency,
    paymentId: randomUUID(),
    confirmedAt,
  });

  /** Sends each confirmation as the relay does (key = order id), with its own message id unless given. */
  async function publish(
    confirmations: OrderConfirmed[],
    options: { partition?: number; messageId?: string } = {},
  ): Promise<void> {
    const { kafka, codec, topics } = service.deps;
    const messages = [];
    for (const data of confirmations)
      messages.push({
        key: data.orderId,
        ...(options.partition === undefined ? {} : { partition: options.partition }),
        value: await codec.encode(topics.ordersEvents, 'order.confirmed', data),
        headers: { 'message-id': options.messageId ?? randomUUID(), 'message-type': 'order.confirmed' },
      });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      await producer.send({ topic: topics.ordersEvents, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
  }

  const entryOf = async (userId: string): Promise<DirectoryEntry | undefined> => {
    const response = await service.app.inject({ url: '/directory?limit=100', headers: admin });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as DirectoryPage).items.find((entry) => entry.id === userId);
  };
  const ordersWhen = (userId: string, confirmed: number) =>
    waitFor(
      `user ${userId} to show ${confirmed} confirmed orders`,
      async () => {
        const entry = await entryOf(userId);
        return entry?.orders.confirmed === confirmed ? entry.orders : undefined;
      },
      20_000,
    );
  const totalsRows = async () =>
    (
      await sql<{
        user_id: string;
        currency: string;
      }>`SELECT user_id, currency, confirmed_orders, total_cents::text, last_confirmed_at
                FROM user_order_totals ORDER BY user_id, currency`.execute(service.deps.db)
    ).rows;

  it("shows each user's confirmed orders, the latest confirmation and the total per currency", async () => {
    const buyer = await register();
    const idle = await register();
    await publish([
      confirmation(buyer, 1250, 'USD', '2026-11-30T10:00:00.000Z'),
      // Confirmations of one user land on several partitions (keyed by order): the latest wins
      // whatever order they are applied in.
      confirmation(buyer, 999, 'EUR', '2026-11-30T12:30:00.000Z'),
      confirmation(buyer, 750, 'USD', '2026-11-30T11:00:00.000Z'),
    ]);

    expect(await ordersWhen(buyer, 3)).toEqual({
      confirmed: 3,
      lastConfirmedAt: '2026-11-30T12:30:00.000Z',
      totals: [
        { currency: 'EUR', totalCents: 999 },
        { currency: 'USD', totalCents: 2000 },
      ],
    });
    expect((await entryOf(idle))?.orders).toEqual({ confirmed: 0, lastConfirmedAt: null, totals: [] });
  });

  it('counts a confirmation delivered twice at different offsets (a relay re-sending its batch) once', async () => {
    const buyer = await register();
    const once = confirmation(buyer, 500, 'USD', '2026-11-30T09:00:00.000Z');
    // The relay re-sends the very message: same message id, a new offset the checkpoint has not passed.
    const messageId = randomUUID();
    await publish([once], { partition: 0, messageId });
    await publish([once], { partition: 0, messageId });
    // On the same partition after the copy, so once it shows the copy has been applied too.
    await publish([confirmation(buyer, 100, 'USD', '2026-11-30T09:30:00.000Z')], { partition: 0 });

    expect(await ordersWhen(buyer, 2)).toEqual({
      confirmed: 2,
      lastConfirmedAt: '2026-11-30T09:30:00.000Z',
      totals: [{ currency: 'USD', totalCents: 600 }],
    });
  });

  it('keeps a confirmation that comes before its user, and shows it once user.created is applied', async () => {
    const early = randomUUID();
    await publish([confirmation(early, 4200, 'GBP', '2026-11-30T08:00:00.000Z')]);
    await waitFor(
      'the early confirmation to be applied',
      async () => ((await totalsRows()).some((row) => row.user_id === early) ? true : undefined),
      20_000,
    );
    // No directory entry without a user: the totals wait for user.created.
    expect(await entryOf(early)).toBeUndefined();

    await register(early);
    expect(await ordersWhen(early, 1)).toEqual({
      confirmed: 1,
      lastConfirmedAt: '2026-11-30T08:00:00.000Z',
      totals: [{ currency: 'GBP', totalCents: 4200 }],
    });
  });

  it('counts nothing again when the projection restarts from its checkpoints', async () => {
    const before = await totalsRows();
    const [host] = service.projections;
    await host?.stop();
    await host?.start();
    const buyer = await register();
    await publish([confirmation(buyer, 1, 'USD', '2026-11-30T13:00:00.000Z')]);
    await ordersWhen(buyer, 1);
    expect((await totalsRows()).filter((row) => row.user_id !== buyer)).toEqual(before);
  });

  it('rebuilds into a new generation with the very same totals, the duplicate counted once again', async () => {
    const before = await totalsRows();
    const result = await world.rebuild();
    expect(result).toMatchObject({ previousGeneration: 1, generation: 2, deadLettered: 0 });
    expect(await totalsRows()).toEqual(before);
  });
});
