import { envReader, invalidEnvironment, type JwtSettings, loadJwtSettings } from '@conveyor/http';

/** Everything the inventory service reads from its environment, validated once. */
export interface InventoryConfig {
  /** The service's own database (`DATABASE_URL`). */
  databaseUrl: string;
  /** `KAFKA_BROKERS`, comma-separated host:port. */
  kafkaBrokers: string[];
  /** `SCHEMA_REGISTRY_URL`, a Confluent-compatible base URL. */
  schemaRegistryUrl: string;
  /** `CONVEYOR_TOPIC_NAMESPACE`: prefix of every topic and consumer group. @default '' */
  topicNamespace: string;
  /** @default '127.0.0.1' */
  host: string;
  /** @default 3003 */
  port: number;
  /** pino level. @default 'info' */
  logLevel: string;
  /** How callers' bearer tokens are checked (JWT_*); the development secret only on loopback. */
  jwt: JwtSettings;
}

export const DEFAULT_PORT = 3003;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const NAMESPACE = /^[A-Za-z0-9._-]*$/;

/**
 * Reads and checks every variable; the first bad one throws CONVEYOR_INVALID_ENVIRONMENT with a
 * message naming it and what was expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv): InventoryConfig {
  const read = envReader(env);
  const databaseUrl = read.url('DATABASE_URL');
  if (!/^postgres(ql)?:$/.test(new URL(databaseUrl).protocol)) {
    throw invalidEnvironment('DATABASE_URL', 'a postgres:// URL', env.DATABASE_URL);
  }
  const kafkaBrokers = read.list('KAFKA_BROKERS');
  if (kafkaBrokers.length === 0 || !kafkaBrokers.every((broker) => BROKER.test(broker))) {
    throw invalidEnvironment('KAFKA_BROKERS', 'comma-separated host:port pairs', env.KAFKA_BROKERS);
  }
  const schemaRegistryUrl = read.url('SCHEMA_REGISTRY_URL');
  const topicNamespace = env.CONVEYOR_TOPIC_NAMESPACE ?? '';
  if (!NAMESPACE.test(topicNamespace) || topicNamespace.length > 100) {
    throw invalidEnvironment(
      'CONVEYOR_TOPIC_NAMESPACE',
      'at most 100 letters, digits, dots, dashes or underscores',
      topicNamespace,
    );
  }
  const logLevel = read.string('LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw invalidEnvironment('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, logLevel);
  }
  const host = read.string('HOST', '127.0.0.1');
  return {
    databaseUrl,
    kafkaBrokers,
    schemaRegistryUrl,
    topicNamespace,
    host,
    port: read.port('PORT', DEFAULT_PORT),
    logLevel,
    jwt: loadJwtSettings(env, { host }),
  };
}
