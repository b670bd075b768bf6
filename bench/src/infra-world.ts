import { fileURLToPath } from 'node:url';
import type { AvroCodec, EventsDatabase, MessageCatalog } from '@conveyor/events';
import { connectEventsClients } from '@conveyor/events/testing';
import type { InfraEndpoints } from '@conveyor/infra-local';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { type Kafka, logLevel, type Message } from 'kafkajs';
import type { Kysely } from 'kysely';

export const benchSchemasDir = fileURLToPath(new URL('../schemas', import.meta.url));
export const BENCH_ITEM = 'bench.item';

/** The payload of `bench.item`. */
export interface BenchItem {
  aggregateId: string;
  version: number;
  note: string;
}

/** Three partitions, as every service topic has (schemas' DEFAULT_PARTITIONS). */
export const BENCH_PARTITIONS = 3;

/** A scenario's own database (events tables migrated), topic, and clients; `close()` removes them. */
export interface InfraWorld {
  database: TestDatabase;
  db: Kysely<EventsDatabase>;
  kafka: Kafka;
  catalog: MessageCatalog;
  codec: AvroCodec;
  topic: string;
  close(): Promise<void>;
}

export async function createInfraWorld(
  infra: InfraEndpoints,
  scenario: string,
  options: { maxConnections?: number } = {},
): Promise<InfraWorld> {
  const prefix = `bench_${scenario.replace(/\W/g, '_')}`;
  const database = await createTestDatabase(infra.databaseUrl, prefix);
  const clients = await connectEventsClients({
    ...infra,
    databaseUrl: database.url,
    schemasDir: benchSchemasDir,
    topic: uniqueName(`bench.${scenario}`),
    partitions: BENCH_PARTITIONS,
    clientId: prefix,
    kafkaLogLevel: logLevel.NOTHING,
    ...options,
  });
  const { kafka, topic } = clients;
  return {
    ...clients,
    database,
    async close() {
      await clients.destroy();
      await database.drop();
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Items spread over `aggregates` keys, versions counting up per key. */
export function benchItems(count: number, aggregates: number): BenchItem[] {
  return Array.from({ length: count }, (_, i) => ({
    aggregateId: `agg-${i % aggregates}`,
    version: Math.floor(i / aggregates) + 1,
    note: `item ${i}`,
  }));
}

/** Encodes items as `bench.item` with Conveyor's headers, as the relay would send them. */
export async function encodeItems(world: InfraWorld, items: readonly BenchItem[]): Promise<Message[]> {
  const messages: Message[] = [];
  for (const [i, item] of items.entries()) {
    const messageId = `m-${i}-${item.aggregateId}-${item.version}`;
    messages.push({
      key: item.aggregateId,
      value: await world.codec.encode(world.topic, BENCH_ITEM, item),
      headers: { 'message-id': messageId, 'message-type': BENCH_ITEM, 'correlation-id': messageId },
    });
  }
  return messages;
}

/** Fills the topic as fast as kafkajs goes (setup, not measured), acknowledged by all replicas. */
export async function fillTopic(world: InfraWorld, messages: readonly Message[]): Promise<void> {
  const producer = world.kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2_000) {
      await producer.send({ topic: world.topic, acks: -1, messages: messages.slice(i, i + 2_000) });
    }
  } finally {
    await producer.disconnect();
  }
}
