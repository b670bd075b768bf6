import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeadLetterEvent,
  defineProjection,
  generationSchema,
  ProjectionHost,
  rebuildProjection,
} from '../src/index.ts';
import { type ItemAdded, itemMessage, produce } from './support/consumer-kit.ts';
import { type ItemCountsTables, itemCountsProjection } from './support/item-counts.projection.ts';
import { eventually } from './support/processes.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

type TestMessages = { 'test.item-added': ItemAdded };

/** item counts with a batch handler: each call's size is recorded, and a call holding the poison item throws. */
const batchedCounts = (name: string, topic: string, calls: number[]) =>
  itemCountsProjection(topic, name, {
    batched: true,
    onBatch: (messages) => {
      calls.push(messages.length);
      if (messages.some((m) => m.data.poison)) throw new Error('a poisoned item');
    },
  });

describe('projection batch handlers', () => {
  let world: EventsWorld;
  const aggregates = ['agg-a', 'agg-b', 'agg-c'];
  const perAggregate = 100;

  beforeAll(async () => {
    world = await createEventsWorld({ partitions: 1 });
    const messages = [];
    for (let version = 1; version <= perAggregate; version++) {
      for (const aggregateId of aggregates) {
        const item = { aggregateId, version, note: 'n', poison: false };
        messages.push(await itemMessage(world, item, `${aggregateId}-${version}`));
      }
    }
    await produce(world.kafka, world.topic, messages);
  });
  afterAll(async () => {
    await world?.close();
  });

  const countsIn = async (schema: string) => {
    const { rows } = await sql<{ aggregate_id: string; items: number; last_version: number }>`
      SELECT aggregate_id, items, last_version FROM ${sql.id(schema, 'item_counts')} ORDER BY aggregate_id`.execute(
      world.db,
    );
    return rows;
  };

  it('rebuilds from runs of messages handed over together, in partition order', async () => {
    const calls: number[] = [];
    const definition = batchedCounts('test.batched-counts', world.topic, calls);
    const result = await rebuildProjection({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition,
    });

    expect(result.applied).toBe(aggregates.length * perAggregate);
    expect(await countsIn(generationSchema(definition.name, result.generation))).toEqual(
      aggregates.map((aggregate_id) => ({ aggregate_id, items: perAggregate, last_version: perAggregate })),
    );
    // 300 messages in far fewer calls: a fetch's run goes to the handler whole.
    expect(calls.reduce((sum, n) => sum + n, 0)).toBe(aggregates.length * perAggregate);
    expect(calls.length).toBeLessThan(30);
  });

  it('applies a run that fails again one message at a time, and dead-letters only the poison one', async () => {
    const poisoned = { aggregateId: 'agg-a', version: perAggregate + 1, note: 'n', poison: true };
    const after = { aggregateId: 'agg-b', version: perAggregate + 1, note: 'n', poison: false };
    await produce(world.kafka, world.topic, [
      await itemMessage(world, poisoned, 'agg-a-poison'),
      await itemMessage(world, after, `agg-b-${perAggregate + 1}`),
    ]);
    const calls: number[] = [];
    const deadLetters: DeadLetterEvent[] = [];
    const definition = batchedCounts('test.batched-poison', world.topic, calls);
    const host = new ProjectionHost({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition,
      retry: { attempts: 2, initialBackoffMs: 20, maxBackoffMs: 50 },
      onDeadLetter: (event) => deadLetters.push(event),
    });
    let schema = '';
    try {
      await host.start();
      if (host.generation === undefined) throw new Error('the host serves no generation');
      schema = generationSchema(definition.name, host.generation);
      await eventually('the poison item dead-lettered', async () => deadLetters.length === 1 || undefined);
      await eventually('the item after it applied', async () => {
        const rows = await countsIn(schema);
        return rows.find((r) => r.aggregate_id === 'agg-b')?.items === perAggregate + 1 || undefined;
      });
    } finally {
      await host.stop();
    }
    expect(deadLetters.map((d) => d.messageType)).toEqual(['test.item-added']);
    expect(await countsIn(schema)).toEqual([
      { aggregate_id: 'agg-a', items: perAggregate, last_version: perAggregate },
      { aggregate_id: 'agg-b', items: perAggregate + 1, last_version: perAggregate + 1 },
      { aggregate_id: 'agg-c', items: perAggregate, last_version: perAggregate },
    ]);
    // After the failed call, the poison item was handed over alone: once, then once per retry.
    expect(calls.filter((n) => n === 1).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a type with both a handler and a batch handler', () => {
    const both = () =>
      defineProjection<ItemCountsTables, TestMessages>({
        name: 'test.both',
        topics: [world.topic],
        tables: ['item_counts'],
        createTables: async () => undefined,
        handlers: { 'test.item-added': async () => undefined },
        batchHandlers: { 'test.item-added': async () => undefined },
      });
    expect(both).toThrow(/test.item-added has both a handler and a batch handler/);
  });
});
