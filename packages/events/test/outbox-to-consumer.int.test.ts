import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerRunner, OutboxRelay, type OutgoingMessage } from '../src/index.ts';
import { createEffectsTable, type EffectsDatabase, type ItemAdded } from './support/consumer-kit.ts';
import { eventually, startFixture } from './support/processes.ts';
import { createEventsWorld, type EventsWorld, testSchemasDir } from './support/world.ts';

const relayFixture = fileURLToPath(new URL('./fixtures/relay-process.ts', import.meta.url));

/** Outbox → relay → Kafka → consumer with inbox, end to end on the real servers. */
describe('delivery from the outbox to an idempotent consumer', () => {
  let world: EventsWorld;
  beforeAll(async () => {
    world = await createEventsWorld({ partitions: 3 });
    await createEffectsTable(world);
  });
  afterAll(() => world.close());

  const message = (aggregateId: string, version: number): OutgoingMessage => ({
    topic: world.topic,
    key: aggregateId,
    type: 'test.item-added',
    data: { aggregateId, version, note: `v${version}`, poison: false },
  });

  function consumer(name: string) {
    return new ConsumerRunner<EffectsDatabase>({
      kafka: world.kafka,
      db: world.db as never,
      codec: world.codec,
      name,
      topics: [world.topic],
      handlers: {
        'test.item-added': async (m, trx) => {
          const item = m.data as ItemAdded;
          await trx
            .insertInto('effects')
            .values({ message_id: m.messageId, aggregate_id: item.aggregateId, version: item.version })
            .execute();
        },
      },
    });
  }

  const effects = (prefix: string) =>
    world.db
      .selectFrom(
        sql<{ seq: string; message_id: string; aggregate_id: string; version: number }>`effects`.as('e'),
      )
      .selectAll()
      .where('aggregate_id', 'like', `${prefix}-%`)
      .orderBy('seq')
      .execute();

  it('applies 1,000 events across 50 aggregates exactly once each and in version order per aggregate', async () => {
    const runner = consumer('thousand');
    const relay = new OutboxRelay({
      db: world.db,
      databaseUrl: world.database.url,
      kafka: world.kafka,
      codec: world.codec,
    });
    await runner.start();
    relay.start();
    try {
      // 20 appends per aggregate, interleaved across aggregates, each with its event and its message.
      const writes: Promise<unknown>[] = [];
      for (let a = 0; a < 50; a++) {
        writes.push(
          (async () => {
            for (let v = 1; v <= 20; v++) {
              await world.store.append({
                streamId: `agg-${a}`,
                expectedVersion: v - 1,
                events: [{ type: 'ItemAdded', data: { v } }],
                messages: [message(`agg-${a}`, v)],
              });
            }
          })(),
        );
      }
      await Promise.all(writes);
      await eventually(
        '1,000 effects',
        async () => (await effects('agg')).length >= 1_000 || undefined,
        60_000,
        200,
      );

      const rows = await effects('agg');
      expect(rows).toHaveLength(1_000);
      expect(new Set(rows.map((r) => r.message_id)).size).toBe(1_000);
      for (let a = 0; a < 50; a++) {
        const versions = rows.filter((r) => r.aggregate_id === `agg-${a}`).map((r) => r.version);
        expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
    } finally {
      await relay.stop();
      await runner.stop();
    }
  });

  it('absorbs the duplicates re-sent after the relay was SIGKILLed between send and mark', async () => {
    const runner = consumer('after-crash');
    await runner.start();
    try {
      for (let a = 0; a < 5; a++) {
        for (let v = 1; v <= 10; v++) {
          await world.store.append({
            streamId: `crash-${a}`,
            expectedVersion: v - 1,
            events: [{ type: 'ItemAdded', data: { v } }],
            messages: [message(`crash-${a}`, v)],
          });
        }
      }
      const env = {
        DATABASE_URL: world.database.url,
        KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: world.infra.schemaRegistryUrl,
        SCHEMAS_DIR: testSchemasDir,
      };
      const crashing = startFixture(relayFixture, {
        ...env,
        RELAY_CRASH_AFTER_SEND: '1',
        RELAY_NAME: 'crashing',
      });
      await crashing.exited;
      expect(crashing.child.signalCode).toBe('SIGKILL');
      const sentBeforeCrash = crashing.events.find((e) => e.event === 'sent')?.count;
      expect(sentBeforeCrash).toBe(50);

      const survivor = startFixture(relayFixture, { ...env, RELAY_NAME: 'survivor' });
      try {
        await eventually(
          'the survivor re-sent the batch',
          () => survivor.events.some((e) => e.event === 'sent') || undefined,
        );
        // A sentinel per aggregate, sent after the re-sent batch: once it is applied, every copy
        // before it on its partition has been consumed.
        for (let a = 0; a < 5; a++) {
          await world.store.append({
            streamId: `crash-${a}`,
            expectedVersion: 10,
            events: [{ type: 'ItemAdded', data: { v: 11 } }],
            messages: [message(`crash-${a}`, 11)],
          });
        }
        await eventually(
          'the sentinels',
          async () => (await effects('crash')).filter((r) => r.version === 11).length === 5 || undefined,
          30_000,
          100,
        );
      } finally {
        await survivor.kill('SIGTERM');
      }

      const rows = await effects('crash');
      expect(rows).toHaveLength(55); // 50 delivered twice and 5 sentinels: one effect each
      expect(new Set(rows.map((r) => r.message_id)).size).toBe(55);
    } finally {
      await runner.stop();
    }
  });
});
