import { envReader, invalidEnvironment, type JwtSettings, loadJwtSettings } from '@conveyor/http';
import { DEFAULT_USER_LIMIT_CENTS } from './domain/fake-provider.ts';

/** Everything the payments service reads from its environment, validated once at start. */
export interface PaymentsConfig {
  /** The service's own database (`DATABASE_URL`). */
  databaseUrl: string;
  /** `KAFKA_BROKERS`, comma-separated host:port. */
  kafkaBrokers: string[];
  /** Confluent-compatible base URL (`SCHEMA_REGISTRY_URL`). */
  schemaRegistryUrl: string;
  /** Prefix of every topic name (`CONVEYOR_TOPIC_NAMESPACE`). @default '' */
  topicNamespace: string;
  /** Largest amount one charge may have (`PAYMENTS_USER_LIMIT_CENTS`). @default 100000 */
  userLimitCents: number;
  /** @default '127.0.0.1' */
  host: string;
  /** @default 3004 */
  port: number;
  /** pino level (`LOG_LEVEL`). @default 'info' */
  logLevel: string;
  /** How callers' bearer tokens are checked (JWT_*); the development secret only on loopback. */
  jwt: JwtSettings;
}

const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
// Kafka's legal topic characters; the namespace is followed by a dot and the topic's own name.
const NAMESPACE = /^[A-Za-z0-9._-]{0,200}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks every variable; a bad or missing one throws CONVEYOR_INVALID_ENVIRONMENT naming it. */
export function loadConfig(env: NodeJS.ProcessEnv): PaymentsConfig {
  const read = envReader(env);
  const kafkaBrokers = read.list('KAFKA_BROKERS');
  for (const broker of kafkaBrokers) {
    if (!BROKER.test(broker)) {
      throw invalidEnvironment('KAFKA_BROKERS', 'a comma-separated list of host:port', env.KAFKA_BROKERS);
    }
  }
  const topicNamespace = env.CONVEYOR_TOPIC_NAMESPACE ?? '';
  if (!NAMESPACE.test(topicNamespace)) {
    throw invalidEnvironment(
      'CONVEYOR_TOPIC_NAMESPACE',
      'letters, digits, ".", "_" or "-" (at most 200)',
      topicNamespace,
    );
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw invalidEnvironment('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, logLevel);
  }
  const host = read.string('HOST', '127.0.0.1');
  return {
    databaseUrl: read.url('DATABASE_URL'),
    kafkaBrokers,
    schemaRegistryUrl: read.url('SCHEMA_REGISTRY_URL'),
    topicNamespace,
    userLimitCents: positiveInteger(env, 'PAYMENTS_USER_LIMIT_CENTS', DEFAULT_USER_LIMIT_CENTS),
    host,
    port: read.port('PORT', 3004),
    logLevel,
    jwt: loadJwtSettings(env, { host }),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw invalidEnvironment(name, 'a positive whole number of cents', raw);
  }
  return value;
}
