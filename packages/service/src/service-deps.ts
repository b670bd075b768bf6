import { randomUUID } from 'node:crypto';
import { AvroCodec, createDatabase, EventStore, type EventsDatabase, MessageCatalog } from '@conveyor/events';
import { createLogger, createMetricsRegistry, type Registry } from '@conveyor/http';
import { schemasDir, type TopicKey, topicNames } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { kafkaLogs } from './internal/kafka-logs.ts';
import type { ServiceConfig } from './service-config.ts';

/** What every service's code works with; a service's own deps extend it. */
export interface ServiceDeps<DB extends EventsDatabase> {
  /** The service's name: logger name, metrics label, Kafka client id, database application_name. */
  service: string;
  db: Kysely<DB>;
  store: EventStore;
  catalog: MessageCatalog;
  codec: AvroCodec;
  kafka: Kafka;
  /** Topic names under the namespace. */
  topics: Record<TopicKey, string>;
  /** The topic namespace; consumer groups are named under it too (groupName). */
  namespace: string;
  clock: () => Date;
  newId: () => string;
  logger: Logger;
  /** The registry /metrics serves. */
  metrics: Registry;
}

/** Test seams: a fixed clock, predictable ids, a quiet logger. */
export interface ServiceOverrides {
  /** @default () => new Date() */
  clock?: () => Date;
  /** @default randomUUID */
  newId?: () => string;
  /** @default createLogger(service, config.logLevel) */
  logger?: Logger;
}

/** Builds the clients; connects nothing yet (the pool connects on first query, Kafka on use). */
export function createServiceDeps<DB extends EventsDatabase>(
  service: string,
  config: ServiceConfig,
  options: ServiceOverrides = {},
): ServiceDeps<DB> {
  const logger = options.logger ?? createLogger(service, config.logLevel);
  const db = createDatabase<DB>({
    url: config.databaseUrl,
    applicationName: service,
    maxConnections: config.databasePoolMax,
  });
  const catalog = MessageCatalog.fromDirectories(schemasDir);
  return {
    service,
    db,
    store: new EventStore(db, catalog),
    catalog,
    codec: AvroCodec.connect(config.schemaRegistryUrl, catalog),
    kafka: new Kafka({
      clientId: service,
      brokers: config.kafkaBrokers,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogs(logger),
    }),
    topics: topicNames(config.topicNamespace),
    namespace: config.topicNamespace,
    clock: options.clock ?? (() => new Date()),
    newId: options.newId ?? randomUUID,
    logger,
    metrics: createMetricsRegistry(service),
  };
}
