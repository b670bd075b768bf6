import { randomUUID } from 'node:crypto';
import {
  AvroCodec,
  createDatabase,
  EventStore,
  type Logger,
  MessageCatalog,
  silentLogger,
} from '@conveyor/events';
import { schemasDir, type TopicKey, topicNames } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { OrdersConfig } from './config.ts';
import type { OrdersDatabase } from './db/tables.ts';

/** Everything the orders code needs from the outside world, passed as one object. */
export interface OrdersDeps {
  db: Kysely<OrdersDatabase>;
  store: EventStore;
  catalog: MessageCatalog;
  codec: AvroCodec;
  kafka: Kafka;
  topics: Record<TopicKey, string>;
  /** The topic namespace; consumer groups are named under it too. */
  namespace: string;
  clock: () => Date;
  newId: () => string;
  logger: Logger;
}

export function createDeps(config: OrdersConfig, logger: Logger = silentLogger): OrdersDeps {
  const db = createDatabase<OrdersDatabase>({
    url: config.databaseUrl,
    applicationName: 'orders',
    maxConnections: 20,
  });
  const catalog = MessageCatalog.fromDirectories(schemasDir);
  return {
    db,
    store: new EventStore(db, catalog),
    catalog,
    codec: AvroCodec.connect(config.schemaRegistryUrl, catalog),
    kafka: new Kafka({ clientId: 'orders', brokers: config.kafkaBrokers, logLevel: logLevel.ERROR }),
    topics: topicNames(config.topicNamespace),
    namespace: config.topicNamespace,
    clock: () => new Date(),
    newId: randomUUID,
    logger,
  };
}
