import { envReader } from '@conveyor/http';

export interface OrdersConfig {
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** Prefix of every topic name. @default '' */
  topicNamespace: string;
  host: string;
  port: number;
  /** How long a saga step waits for its participant before resending. @default 10000 */
  sagaStepTimeoutMs: number;
}

/** Reads and checks the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  const read = envReader(env);
  return {
    databaseUrl: read.url('DATABASE_URL'),
    kafkaBrokers: read.list('KAFKA_BROKERS'),
    schemaRegistryUrl: read.url('SCHEMA_REGISTRY_URL'),
    topicNamespace: env.CONVEYOR_TOPIC_NAMESPACE ?? '',
    host: read.string('HOST', '127.0.0.1'),
    port: read.port('PORT', 3002),
    sagaStepTimeoutMs: read.port('ORDERS_SAGA_STEP_TIMEOUT_MS', 10_000),
  };
}
