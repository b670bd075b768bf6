import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import { AvroCodec } from '../codec/avro-codec.ts';
import { MessageCatalog } from '../codec/message-catalog.ts';
import { createDatabase, migrate } from '../db/database.ts';
import { eventsMigrations } from '../db/migrations.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { ensureTopics } from '../topics/topic-admin.ts';

export interface EventsClientsOptions {
  /** A database of the caller's (a fresh one per test): the events tables are migrated into it. */
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** Where the .avsc files of the messages on `topic` are. */
  schemasDir: string;
  /** The topic to create (with `partitions`), e.g. a unique name per test. */
  topic: string;
  partitions: number;
  /** Kafka client id and Postgres application name. */
  clientId: string;
  /** @default 10 (createDatabase's) */
  maxConnections?: number;
  /** @default logLevel.ERROR */
  kafkaLogLevel?: logLevel;
}

/** What a test (or a benchmark) of the events machinery works with; `destroy()` closes the pool. */
export interface EventsClients {
  db: Kysely<EventsDatabase>;
  kafka: Kafka;
  catalog: MessageCatalog;
  codec: AvroCodec;
  topic: string;
  destroy(): Promise<void>;
}

/**
 * The clients of a world for the events package on servers the caller provides: its database
 * migrated with the events tables, its topic created, the catalogue of its schemas and a codec on
 * the registry. Creating and dropping the database (and the topic) stay the caller's.
 */
export async function connectEventsClients(options: EventsClientsOptions): Promise<EventsClients> {
  const db = createDatabase<EventsDatabase>({
    url: options.databaseUrl,
    applicationName: options.clientId,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
  });
  await migrate(db, eventsMigrations);
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.kafkaBrokers,
    logLevel: options.kafkaLogLevel ?? logLevel.ERROR,
  });
  await ensureTopics(kafka, [{ topic: options.topic, partitions: options.partitions }]);
  const catalog = MessageCatalog.fromDirectories(options.schemasDir);
  const codec = AvroCodec.connect(options.schemaRegistryUrl, catalog);
  return { db, kafka, catalog, codec, topic: options.topic, destroy: () => db.destroy() };
}
