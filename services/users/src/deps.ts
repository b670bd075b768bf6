import {
  AvroCodec,
  createDatabase,
  EventStore,
  type Logger,
  MessageCatalog,
  silentLogger,
} from '@conveyor/events';
import { schemasDir, type TopicKey, topicNames } from '@conveyor/schemas';
import { Kafka, type logCreator, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { UsersConfig } from './config.ts';
import type { UsersDatabase } from './db/tables.ts';

/** Everything the users code needs from the outside world, passed around as one object. */
export interface UsersDeps {
  db: Kysely<UsersDatabase>;
  store: EventStore;
  catalog: MessageCatalog;
  codec: AvroCodec;
  kafka: Kafka;
  topics: Record<TopicKey, string>;
  clock: () => Date;
  logger: Logger;
}

/** Builds the clients; connects nothing yet (the pool connects on first query, Kafka on use). */
export function createDeps(config: UsersConfig, logger: Logger = silentLogger): UsersDeps {
  const db = createDatabase<UsersDatabase>({ url: config.databaseUrl, applicationName: 'users' });
  const catalog = MessageCatalog.fromDirectories(schemasDir);
  return {
    db,
    store: new EventStore(db, catalog),
    catalog,
    codec: AvroCodec.connect(config.schemaRegistryUrl, catalog),
    kafka: new Kafka({
      clientId: 'users',
      brokers: config.kafkaBrokers,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogs(logger),
    }),
    topics: topicNames(config.topicNamespace),
    clock: () => new Date(),
    logger,
  };
}

/** kafkajs logs through the service logger, so every line on stdout is the same JSON. */
function kafkaLogs(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const entry = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else logger.info(entry, message);
    };
}
