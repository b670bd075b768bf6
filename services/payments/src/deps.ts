import { randomUUID } from 'node:crypto';
import { AvroCodec, createDatabase, EventStore, MessageCatalog } from '@conveyor/events';
import { createLogger, createMetricsRegistry, type Registry } from '@conveyor/http';
import { schemasDir, type TopicKey, topicNames } from '@conveyor/schemas';
import { Kafka, type logCreator, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createPaymentCounters, type PaymentCounters } from './application/payment-metrics.ts';
import type { PaymentsConfig } from './config.ts';
import type { PaymentsDatabase } from './db/tables.ts';
import { createFakeProvider, type PaymentProvider } from './domain/fake-provider.ts';

/** What every part of the service is built from: one object, passed to plain factories. */
export interface Deps {
  config: PaymentsConfig;
  db: Kysely<PaymentsDatabase>;
  catalog: MessageCatalog;
  codec: AvroCodec;
  store: EventStore;
  kafka: Kafka;
  /** Topic names under the configured namespace. */
  topics: Record<TopicKey, string>;
  clock: () => Date;
  newId: () => string;
  provider: PaymentProvider;
  /** The service's metrics registry (served at /metrics). */
  metrics: Registry;
  counters: PaymentCounters;
  logger: Logger;
}

/** Test seams: a fixed clock, predictable ids, a quiet logger. */
export type DepsOverrides = Partial<Pick<Deps, 'clock' | 'newId' | 'logger' | 'provider'>>;

/** Builds the dependencies; nothing connects yet (the pool and Kafka clients connect on first use). */
export function createDeps(config: PaymentsConfig, overrides: DepsOverrides = {}): Deps {
  const logger = overrides.logger ?? createLogger('payments', config.logLevel);
  const db = createDatabase<PaymentsDatabase>({ url: config.databaseUrl, applicationName: 'payments' });
  const catalog = MessageCatalog.fromDirectories(schemasDir);
  const metrics = createMetricsRegistry('payments');
  return {
    config,
    db,
    catalog,
    codec: AvroCodec.connect(config.schemaRegistryUrl, catalog),
    store: new EventStore(db, catalog),
    kafka: new Kafka({
      clientId: 'payments',
      brokers: config.kafkaBrokers,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogs(logger),
    }),
    topics: topicNames(config.topicNamespace),
    clock: overrides.clock ?? (() => new Date()),
    newId: overrides.newId ?? randomUUID,
    provider: overrides.provider ?? createFakeProvider({ userLimitCents: config.userLimitCents }),
    metrics,
    counters: createPaymentCounters(metrics),
    logger,
  };
}

/** kafkajs' own log lines, as pino JSON like every other line of the service. */
function kafkaLogs(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...rest } = log;
      if (level === logLevel.ERROR) child.error(rest, message);
      else if (level === logLevel.WARN) child.warn(rest, message);
      else if (level === logLevel.INFO) child.info(rest, message);
      else child.debug(rest, message);
    };
}
