import type { Message } from 'kafkajs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeadLetterEvent,
  deadLetterTopic,
  listDeadLetters,
  type ProjectionDefinition,
  ProjectionHost,
  ProjectionStore,
  projectionLag,
  rebuildProjection,
  redriveDeadLetters,
} from '../src/index.ts';
import { type ItemAdded, itemMessage, produce } from './support/consumer-kit.ts';
import { eventually } from './support/processes.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

interface CountTables {
  [table: string]: { aggregate_id: string; items: number };
}

/**
 * Items per aggregate into `table`, from test.item-added. With `poisonable`, the handler throws
 * for a poison item until `fixed` says the bug is fixed; every run is counted by message id.
 */
function countsProjection(
  name: string,
  table: string,
  topic: string,
  behaviour: { poisonable: boolean; fixed?: () => boolean; runs?: Map<string, number> },
): ProjectionDefinition<CountTables> {
  return {
    name,
    topics: [topic],
    tables: [table],
    async createTables(db, schema) {
      await sql`CREATE TABLE ${sql.id(schema, table)} (aggregate_id text PRIMARY KEY, items int NOT NULL)`.execute(
        db,
      );
    },
    handlers: {
      'test.item-added': async (message, { db }) => {
        behaviour.runs?.set(message.messageId, (behaviour.runs.get(message.messageId) ?? 0) + 1);
        const item = message.data as ItemAdded;
        if (behaviour.poisonable && item.poison && !behaviour.fixed?.()) {
          throw new Error(`item ${item.version} is poisoned`);
        }
        await db
          .insertInto(table)
          .values({ aggregate_id: item.aggregateId, items: 1 })
          .onConflict((oc) =>
            oc.column('aggregate_id').doUpdateSet((eb) => ({ items: eb(`${table}.items`, '+', 1) })),
          )
          .execute();
      },
    },
  };
}

describe('projections do not stall on poison messages', () => {
  let world: EventsWorld;
  let fixed = false;
  const runs = new Map<string, number>();
  const deadLetters: DeadLetterEvent[] = [];
  const retry = { attempts: 3, initialBackoffMs: 20, maxBackoffMs: 100 };
  const definition = () =>
    countsProjection('test.poisoned-counts', 'poisoned_counts', world.topic, {
      poisonable: true,
      fixed: () => fixed,
      runs,
    });
  let host: ProjectionHost;
  let offsets: string[];

  beforeAll(async () => {
    world = await createEventsWorld({ partitions: 1 });
  });
  afterAll(async () => {
    await host?.stop();
    await world?.close();
  });

  const item = (version: number, poison = false): ItemAdded => ({
    aggregateId: 'agg-a',
    version,
    note: 'n',
    poison,
  });
  const undecodable = (messageId: string): Message => ({
    key: 'agg-a',
    value: Buffer.from('not avro at all'),
    headers: { 'message-id': messageId, 'message-type': 'test.item-added' },
  });
  const counts = async (table: string) => {
    const { rows } = await sql<{
      items: number;
    }>`SELECT items FROM ${sql.id(table)} WHERE aggregate_id = 'agg-a'`.execute(world.db);
    return rows[0]?.items ?? 0;
  };
  /** The generation's checkpoint is at the end of the topic: it has handled every message. */
  const caughtUp = async (projection: string, generation: number) => {
    const checkpoints = await new ProjectionStore(world.db).checkpoints(projection, generation);
    return (await projectionLag(world.kafka, [world.topic], checkpoints)).lag === 0n;
  };
  const dlq = () => deadLetterTopic(world.topic);
  const lettersOf = async (consumer: string) =>
    (await listDeadLetters({ kafka: world.kafka, topic: dlq(), timeoutMs: 20_000 })).filter(
      (l) => l.consumer === consumer,
    );

  it('retries a handler that throws, dead-letters it and an undecodable message, and keeps applying the later ones', async () => {
    const [sent] = await produce(world.kafka, world.topic, [
      await itemMessage(world, item(1), 'm-1'),
      await itemMessage(world, item(2, true), 'm-poison'),
      undecodable('m-garbage'),
      await itemMessage(world, item(3), 'm-3'),
    ]);
    const base = BigInt(sent?.baseOffset ?? '0');
    offsets = [0n, 1n, 2n, 3n].map((i) => String(base + i));

    host = new ProjectionHost({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: definition(),
      retry,
      onDeadLetter: (event) => deadLetters.push(event),
    });
    await host.start();
    await eventually(
      'the messages after the poison ones',
      async () => (await counts('poisoned_counts')) === 2 || undefined,
    );
    expect(runs.get('m-poison')).toBe(3);
    expect(runs.get('m-3')).toBe(1);

    const checkpoint = await world.db
      .selectFrom('projection_checkpoints')
      .select('next_offset')
      .where('projection', '=', 'test.poisoned-counts')
      .executeTakeFirstOrThrow();
    expect(checkpoint.next_offset).toBe(String(base + 4n));

    // In the consumers' format, on <topic>.dlq: what `npm run dlq -- list` shows.
    const letters = await eventually('two dead letters', async () => {
      const found = await lettersOf('test.poisoned-counts');
      return found.length === 2 ? found : undefined;
    });
    expect(letters).toMatchObject([
      {
        messageId: 'm-poison',
        messageType: 'test.item-added',
        originalTopic: world.topic,
        originalPartition: 0,
        originalOffset: offsets[1],
        attempts: 3,
        error: 'item 2 is poisoned',
        errorCode: 'CONVEYOR_HANDLER_FAILED',
        redriven: false,
      },
      {
        messageId: 'm-garbage',
        originalOffset: offsets[2],
        attempts: 1,
        errorCode: 'CONVEYOR_DECODE_FAILED',
      },
    ]);
    expect(deadLetters.map((d) => [d.consumer, d.offset, d.attempts, d.errorCode])).toEqual([
      ['test.poisoned-counts', offsets[1], 3, 'CONVEYOR_HANDLER_FAILED'],
      ['test.poisoned-counts', offsets[2], 1, 'CONVEYOR_DECODE_FAILED'],
    ]);
    const rows = await world.db
      .selectFrom('projection_dead_letters')
      .select(['generation', 'offset', 'message_id', 'error_code', 'redriven_at'])
      .orderBy('offset')
      .execute();
    expect(rows).toEqual([
      {
        generation: 1,
        offset: offsets[1],
        message_id: 'm-poison',
        error_code: 'CONVEYOR_HANDLER_FAILED',
        redriven_at: null,
      },
      {
        generation: 1,
        offset: offsets[2],
        message_id: 'm-garbage',
        error_code: 'CONVEYOR_DECODE_FAILED',
        redriven_at: null,
      },
    ]);

    await produce(world.kafka, world.topic, [await itemMessage(world, item(4), 'm-4')]);
    await eventually(
      'a message produced afterwards',
      async () => (await counts('poisoned_counts')) === 3 || undefined,
    );
  });

  it('rebuilds the same way: the new generation dead-letters the same messages and ends equal to the live one', async () => {
    const result = await rebuildProjection({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: definition(),
      retry,
      onDeadLetter: (event) => deadLetters.push(event),
      pollMs: 100,
    });
    expect(result).toMatchObject({ previousGeneration: 1, generation: 2, applied: 3, deadLettered: 2 });
    expect(await counts('poisoned_counts')).toBe(3);
    await eventually('the host to follow generation 2', async () => host.generation === 2 || undefined);
    expect(await lettersOf('test.poisoned-counts')).toHaveLength(4);
    // The rows of the dropped generation went with it.
    const generations = await world.db
      .selectFrom('projection_dead_letters')
      .select('generation')
      .distinct()
      .execute();
    expect(generations).toEqual([{ generation: 2 }]);
  });

  it('applies a re-driven copy once, in the generation that dead-lettered it; other readers of the topic skip it', async () => {
    // Another projection of the same topic applied the poison item (its handler has no such bug).
    const other = new ProjectionHost({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: countsProjection('test.plain-counts', 'plain_counts', world.topic, { poisonable: false }),
      retry,
    });
    await other.start();
    try {
      await eventually('the other projection', async () => (await counts('plain_counts')) === 4 || undefined);

      // The bug is fixed; the operator re-drives every dead letter: two copies of the poison item, three of the garbage.
      fixed = true;
      const redrive = await redriveDeadLetters({ kafka: world.kafka, topic: dlq(), timeoutMs: 20_000 });
      // Five: each generation's two, and the other projection's undecodable one.
      expect(redrive.redriven).toBe(5);
      await eventually(
        'the poison item applied',
        async () => (await counts('poisoned_counts')) === 4 || undefined,
      );
      await produce(world.kafka, world.topic, [await itemMessage(world, item(5), 'm-5')]);
      await eventually('both projections at the end of the topic', async () =>
        (await caughtUp('test.poisoned-counts', 2)) && (await caughtUp('test.plain-counts', 1))
          ? true
          : undefined,
      );

      // Once: the second copy of the poison item found its dead letter claimed.
      expect(await counts('poisoned_counts')).toBe(5);
      expect(await counts('plain_counts')).toBe(5);
      const claimed = await world.db
        .selectFrom('projection_dead_letters')
        .select(['message_id', 'offset'])
        .where('projection', '=', 'test.poisoned-counts')
        .where('redriven_at', 'is not', null)
        .orderBy('offset')
        .execute();
      expect(claimed.map((r) => r.message_id)).toEqual(['m-poison', 'm-garbage']);
      // The undecodable copy failed again: a fresh dead letter of the copy, for the next re-drive.
      const again = await eventually('the garbage copy dead-lettered again', async () => {
        const found = (await lettersOf('test.poisoned-counts')).filter(
          (l) => l.messageId === 'm-garbage' && l.originalOffset !== offsets[2],
        );
        return found.length > 0 ? found : undefined;
      });
      expect(again).toHaveLength(1);
      expect(again[0]?.headers['redriven-from']).toBe(`${world.topic}:0:${offsets[2]}`);
    } finally {
      await other.stop();
    }
  });
});
