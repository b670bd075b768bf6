import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError, isConveyorError, type OutgoingMessage } from '../src/index.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

describe('event store with the transactional outbox', () => {
  let world: EventsWorld;
  beforeAll(async () => {
    world = await createEventsWorld();
  });
  afterAll(() => world.close());

  const itemAdded = (aggregateId: string, version: number): OutgoingMessage => ({
    topic: world.topic,
    key: aggregateId,
    type: 'test.item-added',
    data: { aggregateId, version, note: `item ${version}`, poison: false },
  });
  const event = (version: number) => ({ type: 'ItemAdded', data: { version } });
  const counts = async (streamId: string) => {
    const events = await world.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('stream_id', '=', streamId)
      .executeTakeFirstOrThrow();
    const outbox = await world.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('key', '=', streamId)
      .executeTakeFirstOrThrow();
    return { events: Number(events.n), outbox: Number(outbox.n) };
  };

  it('appends events and their messages in one call, and reads and folds the stream back', async () => {
    const first = await world.store.append({
      streamId: 'cart-1',
      expectedVersion: 0,
      events: [event(1), event(2)],
      messages: [itemAdded('cart-1', 1), itemAdded('cart-1', 2)],
    });
    const second = await world.store.append({
      streamId: 'cart-1',
      expectedVersion: 2,
      events: [event(3)],
      messages: [itemAdded('cart-1', 3)],
    });

    expect(first.nextVersion).toBe(2);
    expect(second.nextVersion).toBe(3);
    expect(second.messageIds).toHaveLength(1);
    const stream = await world.store.readStream('cart-1');
    expect(stream.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'ItemAdded', { version: 1 }],
      [2, 'ItemAdded', { version: 2 }],
      [3, 'ItemAdded', { version: 3 }],
    ]);
    const folded = await world.store.aggregateStream('cart-1', {
      initialState: () => [] as number[],
      evolve: (state, e) => [...state, (e.data as { version: number }).version],
    });
    expect(folded).toEqual({ state: [1, 2, 3], version: 3 });
    const outbox = await world.db
      .selectFrom('outbox')
      .selectAll()
      .where('key', '=', 'cart-1')
      .orderBy('id')
      .execute();
    expect(outbox.map((r) => (r.payload as { version: number }).version)).toEqual([1, 2, 3]);
    expect(outbox[0]?.headers).toMatchObject({
      'message-type': 'test.item-added',
      'message-id': outbox[0]?.message_id,
    });
    expect(outbox.every((r) => r.published_at === null)).toBe(true);
  });

  it('refuses a stale expected version with the concurrency error and writes nothing', async () => {
    await world.store.append({
      streamId: 'cart-2',
      expectedVersion: 0,
      events: [event(1)],
      messages: [itemAdded('cart-2', 1)],
    });

    const stale = world.store.append({
      streamId: 'cart-2',
      expectedVersion: 0,
      events: [event(2)],
      messages: [itemAdded('cart-2', 2)],
    });

    await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(stale).rejects.toMatchObject({
      code: 'CONVEYOR_CONCURRENCY_CONFLICT',
      statusCode: 409,
      details: { streamId: 'cart-2', expectedVersion: 0, actualVersion: 1 },
    });
    expect(await counts('cart-2')).toEqual({ events: 1, outbox: 1 });
  });

  it('lets exactly one of two concurrent writers with the same expected version win', async () => {
    const attempts = await Promise.allSettled(
      [1, 2, 3, 4].map((n) =>
        world.store.append({
          streamId: 'cart-3',
          expectedVersion: 0,
          events: [event(n)],
          messages: [itemAdded('cart-3', n)],
        }),
      ),
    );

    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const failed of attempts.filter((a) => a.status === 'rejected')) {
      expect(isConveyorError(failed.reason, 'CONVEYOR_CONCURRENCY_CONFLICT')).toBe(true);
    }
    expect(await counts('cart-3')).toEqual({ events: 1, outbox: 1 });
  });

  it('refuses an expected version ahead of the stream instead of leaving a gap', async () => {
    await world.store.append({ streamId: 'cart-ahead', expectedVersion: 0, events: [event(1)] });
    const ahead = world.store.append({
      streamId: 'cart-ahead',
      expectedVersion: 3,
      events: [event(4)],
      messages: [itemAdded('cart-ahead', 4)],
    });
    await expect(ahead).rejects.toMatchObject({
      code: 'CONVEYOR_CONCURRENCY_CONFLICT',
      details: { streamId: 'cart-ahead', expectedVersion: 3, actualVersion: 1 },
    });
    expect(await counts('cart-ahead')).toEqual({ events: 1, outbox: 0 });
  });

  it("appends after whatever the stream holds with any, and inside the caller's transaction", async () => {
    await world.store.append({ streamId: 'cart-any', expectedVersion: 'any', events: [event(1)] });
    const second = await world.store.append({
      streamId: 'cart-any',
      expectedVersion: 'any',
      events: [event(2)],
    });
    expect(second.nextVersion).toBe(2);

    // Rolled back with the caller's transaction: neither the event nor its message stays.
    await expect(
      world.db.transaction().execute(async (trx) => {
        await world.store.append(
          {
            streamId: 'cart-any',
            expectedVersion: 2,
            events: [event(3)],
            messages: [itemAdded('cart-any', 3)],
          },
          trx,
        );
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');
    expect(await counts('cart-any')).toEqual({ events: 2, outbox: 0 });
  });

  it('refuses a message that does not match its schema, naming the field, before writing anything', async () => {
    const bad = world.store.append({
      streamId: 'cart-4',
      expectedVersion: 0,
      events: [event(1)],
      messages: [{ ...itemAdded('cart-4', 1), data: { aggregateId: 'cart-4', version: 'one', note: 'x' } }],
    });

    await expect(bad).rejects.toMatchObject({ code: 'CONVEYOR_INVALID_PAYLOAD', statusCode: 400 });
    await expect(bad).rejects.toThrow(/version: expected int, got "one"/);
    expect(await counts('cart-4')).toEqual({ events: 0, outbox: 0 });
  });

  it('refuses an unknown message type before writing anything', async () => {
    const unknown = world.store.append({
      streamId: 'cart-5',
      expectedVersion: 0,
      events: [event(1)],
      messages: [{ ...itemAdded('cart-5', 1), type: 'test.item-teleported' }],
    });

    await expect(unknown).rejects.toMatchObject({ code: 'CONVEYOR_UNKNOWN_MESSAGE_TYPE' });
    await expect(unknown).rejects.toThrow(/test\.item-teleported/);
    expect(await counts('cart-5')).toEqual({ events: 0, outbox: 0 });
  });
});
