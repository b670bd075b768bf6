import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decider, handleCommand, isConveyorError, messageFactory } from '../src/index.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

/** A counter that only grows by the amount it is told, refusing to go past a limit. */
type Add = { type: 'Add'; data: { amount: number; limit: number } };
type Added = { type: 'Added'; data: { amount: number } };
const counter: Decider<Add, Added, number> = {
  initialState: () => 0,
  decide: (command, total) => {
    if (total + command.data.amount > command.data.limit) throw new Error('past the limit');
    return command.data.amount === 0 ? [] : [{ type: 'Added', data: { amount: command.data.amount } }];
  },
  evolve: (total, event) => total + event.data.amount,
};

type TestMessages = {
  'test.item-added': { aggregateId: string; version: number; note: string; poison: boolean };
};
const message = messageFactory<TestMessages>();

describe('the shared command handler', () => {
  let world: EventsWorld;
  beforeAll(async () => {
    world = await createEventsWorld();
  });
  afterAll(() => world.close());

  const add = (
    streamId: string,
    amount: number,
    options: { expectedVersion?: number; limit?: number } = {},
  ) =>
    handleCommand(world.store, world.db, {
      streamId,
      decider: counter,
      command: () => ({ type: 'Add', data: { amount, limit: options.limit ?? 1_000 } }),
      expectedVersion: options.expectedVersion,
      metadata: { correlationId: 'corr-1' },
      messages: (_, total) => [
        message(
          'test.item-added',
          { aggregateId: streamId, version: total, note: 'added', poison: false },
          { topic: world.topic, key: streamId },
        ),
      ],
      project: async (trx, outcome) => {
        const outbox = await trx.selectFrom('outbox').select('id').where('key', '=', streamId).execute();
        return { ...outcome, outboxInTransaction: outbox.length };
      },
    });

  it('loads, decides, appends with the messages and projects in the same transaction', async () => {
    const first = await add('counter-1', 2);
    const second = await add('counter-1', 3);

    expect(first).toMatchObject({ previous: 0, state: 2, version: 1, outboxInTransaction: 1 });
    expect(second).toMatchObject({ previous: 2, state: 5, version: 2, outboxInTransaction: 2 });
    const stream = await world.store.readStream('counter-1');
    expect(stream.map((e) => [e.type, e.data, e.metadata])).toEqual([
      ['Added', { amount: 2 }, { correlationId: 'corr-1' }],
      ['Added', { amount: 3 }, { correlationId: 'corr-1' }],
    ]);
  });

  it('projects without appending when the command changes nothing', async () => {
    await add('counter-2', 1);
    const unchanged = await add('counter-2', 0);
    expect(unchanged).toMatchObject({ events: [], state: 1, version: 1, outboxInTransaction: 1 });
  });

  it('decides again on the new state after losing a race, so concurrent commands all land', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => add('counter-3', 1)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await add('counter-3', 0)).toMatchObject({ state: 3, version: 3 });
  });

  it('refuses a stale expected version with CONVEYOR_CONCURRENCY_CONFLICT and writes nothing', async () => {
    await add('counter-4', 1);
    const error = await add('counter-4', 1, { expectedVersion: 0 }).catch((e: unknown) => e);
    expect(isConveyorError(error, 'CONVEYOR_CONCURRENCY_CONFLICT')).toBe(true);
    expect(await world.store.readStream('counter-4')).toHaveLength(1);
  });

  it('rolls everything back when the decider refuses', async () => {
    await expect(add('counter-5', 5, { limit: 4 })).rejects.toThrow('past the limit');
    expect(await world.store.readStream('counter-5')).toHaveLength(0);
  });

  it("runs in the caller's transaction, which commits or rolls back the command with it", async () => {
    await world.db
      .transaction()
      .execute(async (trx) => {
        await handleCommand(world.store, trx, {
          streamId: 'counter-6',
          decider: counter,
          command: () => ({ type: 'Add', data: { amount: 1, limit: 10 } }),
          project: async () => undefined,
        });
        throw new Error('the caller fails after the command');
      })
      .catch(() => undefined);
    expect(await world.store.readStream('counter-6')).toHaveLength(0);
  });
});
