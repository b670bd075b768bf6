import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  type InfraEndpoints,
  type TestDatabase,
  uniqueName,
} from '@conveyor/infra-local/testing';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { type AvroCodec, EventStore, type EventsDatabase, type MessageCatalog } from '../../src/index.ts';
import { connectEventsClients } from '../../src/testing/index.ts';

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
  const clients = await connectEventsClients({
    ...infra,
    databaseUrl: database.url,
    schemasDir: testSchemasDir,
    topic: uniqueName('test.items'),
    partitions: options.partitions ?? 3,
    clientId: 'events-test',
  });
  return {
    ...clients,
    database,
    store: new EventStore(clients.db, clients.catalog),
    infra,
    async close() {
      await clients.destroy();
      await database.drop();
    },
  };
}
