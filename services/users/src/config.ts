import { envReader, invalidEnvironment, type JwtSettings, loadJwtSettings } from '@conveyor/http';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the users service reads from its environment (see docs/services.md → Environment). */
export interface UsersConfig {
  /** The service's own database. */
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** Prefix of every topic name. @default '' */
  topicNamespace: string;
  /** @default '127.0.0.1' */
  host: string;
  /** @default 3001 */
  port: number;
  /** @default 'info' */
  logLevel: LogLevel;
  /** How callers' bearer tokens are checked (JWT_*); the development secret only on loopback. */
  jwt: JwtSettings;
}

/** Reads and checks every variable once; a bad value is a CONVEYOR_INVALID_ENVIRONMENT naming it. */
export function loadConfig(env: NodeJS.ProcessEnv): UsersConfig {
  const read = envReader(env);
  const host = read.string('HOST', '127.0.0.1');
  return {
    databaseUrl: read.url('DATABASE_URL'),
    kafkaBrokers: brokers(read.list('KAFKA_BROKERS')),
    schemaRegistryUrl: read.url('SCHEMA_REGISTRY_URL'),
    topicNamespace: namespace(env.CONVEYOR_TOPIC_NAMESPACE),
    host,
    port: read.port('PORT', 3001),
    logLevel: logLevel(env.LOG_LEVEL),
    jwt: loadJwtSettings(env, { host }),
  };
}

function brokers(list: string[]): string[] {
  const bad = list.find((broker) => !/^\S+:\d{1,5}$/.test(broker));
  if (bad !== undefined || list.length === 0)
    throw invalidEnvironment('KAFKA_BROKERS', 'comma-separated host:port', bad ?? '');
  return list;
}

function namespace(raw: string | undefined): string {
  // Kafka topic names allow [A-Za-z0-9._-]; the namespace is a topic name prefix.
  if (raw !== undefined && !/^[A-Za-z0-9._-]{0,200}$/.test(raw))
    throw invalidEnvironment('CONVEYOR_TOPIC_NAMESPACE', 'letters, digits, ".", "_" or "-"', raw);
  return raw ?? '';
}

function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw invalidEnvironment('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, raw);
  return level;
}
