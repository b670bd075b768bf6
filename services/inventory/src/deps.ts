import { randomUUID } from 'node:crypto';
import { AvroCodec, createDatabase, EventStore, MessageCatalog } from '@conveyor/events';
import { createLogger, createMetricsRegistry, type ReadinessCheck, type Registry } from '@conveyor/http';
import { schemasDir, type TopicKey, topicNames } from '@conveyor/schemas';
import { type Admin, Kafka, logLevel as kafkaLogLevel, type LogEntry } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { InventoryConfig } from './config.ts';
import type { InventoryDatabase } from './db/tables.ts';

/** Everything the inventory service's handlers, consumers and routes work with. */
export interface Deps {
  config: InventoryConfig;
  db: Kysely<InventoryDatabase>;
  store: EventStore;
  catalog: MessageCatalog;
  codec: AvroCodec;
  kafka: Kafka;
  /** Topic names under the configured namespace. */
  topics: Record<TopicKey, string>;
  clock: () => Date;
  newId: () => string;
  logger: Logger;
  metrics: Registry;
  /** What /ready checks: the database and Kafka. */
  readiness: Record<string, ReadinessCheck>;
  /** Disconnects the readiness admin client and closes the pool. */
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: () => Date;
  newId?: () => string;
  logger?: Logger;
}

export function createDeps(config: InventoryConfig, overrides: DepsOverrides = {}): Deps {
  const logger = overrides.logger ?? createLogger('inventory', config.logLevel);
  const db = createDatabase<InventoryDatabase>({ url: config.databaseUrl, applicationName: 'inventory' });
  const catalog = MessageCatalog.fromDirectories(schemasDir);
  const kafka = new Kafka({
    clientId: 'inventory',
    brokers: config.kafkaBrokers,
    logLevel: kafkaLogLevel.WARN,
    logCreator: () => kafkaLogToPino(logger.child({ component: 'kafkajs' })),
  });
  const kafkaCheck = kafkaReadiness(kafka);
  return {
    config,
    db,
    store: new EventStore(db, catalog),
    catalog,
    codec: AvroCodec.connect(config.schemaRegistryUrl, catalog),
    kafka,
    topics: topicNames(config.topicNamespace),
    clock: overrides.clock ?? (() => new Date()),
    newId: overrides.newId ?? randomUUID,
    logger,
    metrics: createMetricsRegistry('inventory'),
    readiness: {
      database: () => sql`SELECT 1`.execute(db),
      kafka: kafkaCheck.check,
    },
    async close() {
      await kafkaCheck.close();
      await db.destroy();
    },
  };
}

/**
 * A metadata request through one long-lived admin client: connecting a new client on every
 * /ready would cost a TCP and API-versions handshake per probe.
 */
function kafkaReadiness(kafka: Kafka) {
  let admin: Promise<Admin> | undefined;
  const connected = () => {
    admin ??= (async () => {
      const client = kafka.admin({ retry: { retries: 0 } });
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      admin = undefined;
      throw error;
    });
    return admin;
  };
  return {
    check: async () => (await connected()).describeCluster(),
    async close() {
      const client = await admin?.catch(() => undefined);
      admin = undefined;
      await client?.disconnect();
    },
  };
}

const PINO_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [kafkaLogLevel.ERROR]: 'error',
  [kafkaLogLevel.WARN]: 'warn',
  [kafkaLogLevel.INFO]: 'info',
  [kafkaLogLevel.DEBUG]: 'debug',
};

/** kafkajs logs as pino JSON lines, like the rest of the service. */
function kafkaLogToPino(logger: Logger) {
  return ({ level, label, log }: LogEntry) => {
    const { message, timestamp: _timestamp, ...fields } = log;
    logger[PINO_LEVELS[level] ?? 'info']({ ...fields, kafkaLevel: label }, message);
  };
}
