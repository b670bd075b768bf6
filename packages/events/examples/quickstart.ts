/**
 * A runnable tour of @conveyor/events: append events with their outbox messages, relay them to
 * Kafka as Avro, and apply them once in an idempotent consumer.
 *
 *   npm run infra -- up        # then export the three variables it prints
 *   npx tsx packages/events/examples/quickstart.ts
 */
import { randomUUID } from 'node:crypto';
import { ensureDatabase } from '@conveyor/infra-local';
import { schemasDir } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import {
  AvroCodec,
  ConsumerRunner,
  createDatabase,
  EventStore,
  type EventsDatabase,
  ensureTopics,
  eventsMigrations,
  MessageCatalog,
  migrate,
  OutboxRelay,
} from '../src/index.ts';

const { DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL } = process.env;
if (!DATABASE_URL || !KAFKA_BROKERS || !SCHEMA_REGISTRY_URL) {
  console.error('Set DATABASE_URL, KAFKA_BROKERS and SCHEMA_REGISTRY_URL (npm run infra -- up prints them).');
  process.exit(2);
}

// 1. A database with the events, outbox and inbox tables.
const url = await ensureDatabase(DATABASE_URL, 'conveyor_quickstart');
const db = createDatabase<EventsDatabase>({ url });
await migrate(db, eventsMigrations);

// 2. Message types come from schemas/*.avsc; topics are created with an explicit partition count.
const catalog = MessageCatalog.fromDirectories(schemasDir);
const codec = AvroCodec.connect(SCHEMA_REGISTRY_URL, catalog);
const kafka = new Kafka({
  clientId: 'quickstart',
  brokers: KAFKA_BROKERS.split(','),
  logLevel: logLevel.ERROR,
});
await ensureTopics(kafka, [{ topic: 'users.events', partitions: 3 }]);

// 3. Append an event and its message in one transaction (expected version 0: a new stream).
const store = new EventStore(db, catalog);
const userId = randomUUID();
const createdAt = new Date().toISOString();
await store.append({
  streamId: `user-${userId}`,
  expectedVersion: 0,
  events: [{ type: 'UserCreated', data: { email: 'ada@example.com' } }],
  messages: [
    {
      topic: 'users.events',
      key: userId,
      type: 'user.created',
      data: {
        userId,
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        language: 'en',
        createdAt,
      },
    },
  ],
});

// 4. The relay publishes the outbox; the consumer applies each message once (inbox) and commits after.
const relay = new OutboxRelay({ db, databaseUrl: url, kafka, codec });
relay.start();
const seen = new Promise<void>((resolve) => {
  // The handlers' payload types: services pass schemas' MessageTypes here.
  const consumer = new ConsumerRunner<EventsDatabase, { 'user.created': { userId: string; email: string } }>({
    kafka,
    db,
    codec,
    name: `quickstart-${userId}`,
    topics: ['users.events'],
    handlers: {
      'user.created': async (message) => {
        const user = message.data;
        if (user.userId !== userId) return;
        console.log(`consumed ${message.type} for ${user.email} (message ${message.messageId})`);
        setTimeout(async () => {
          await consumer.stop();
          resolve();
        }, 0);
      },
    },
  });
  void consumer.start();
});
await seen;
await relay.stop();
await db.destroy();
