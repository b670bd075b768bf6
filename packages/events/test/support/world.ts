import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  type InfraEndpoints,
  type TestDatabase,
  uniqueName,
} from '@conveyor/infra-local/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import {
  AvroCodec,
  createDatabase,
  EventStore,
  type EventsDatabase,
  ensureTopics,
  eventsMigrations,
  MessageCatalog,
  migrate,
} from '../../src/index.ts';

export const testSchemasDir = fileURLToPath(new URL('../schemas', import.meta.url));

/** A fresh database with the events tables, a fresh topic (and its .dlq), and clients for both. */
export interface EventsWorld {
  database: TestDatabase;
  db: Kysely<EventsDatabase>;
  kafka: Kafka;
  catalog: MessageCatalog;
  codec: AvroCodec;
  store: EventStore;
  topic: string;
  infra: InfraEndpoints;
  close(): Promise<void>;
}

export async function createEventsWorld(options: { partitions?: number } = {}): Promise<EventsWorld> {
  const infra = inject('infra');
  const database = await createTestDatabase(infra.databaseUrl, 'events_test');
  const db = createDatabase<EventsDatabase>({ url: database.url });
  await migrate(db, eventsMigrations);
  const kafka = new Kafka({ clientId: 'events-test', brokers: infra.kafkaBrokers, logLevel: logLevel.ERROR });
  const topic = uniqueName('test.items');
  await ensureTopics(kafka, [{ topic, partitions: options.partitions ?? 3 }]);
  const catalog = MessageCatalog.fromDirectories(testSchemasDir);
  const codec = AvroCodec.connect(infra.schemaRegistryUrl, catalog);
  return {
    database,
    db,
    kafka,
    catalog,
    codec,
    store: new EventStore(db, catalog),
    topic,
    infra,
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}
