import {
  type EnvReader,
  envReader,
  invalidEnvironment,
  type JwtSettings,
  type LogLevel,
  loadJwtSettings,
} from '@conveyor/http';

/** What every service reads from its environment; a service's own config extends it. */
export interface ServiceConfig {
  /** The service's own database (`DATABASE_URL`, postgres://). */
  databaseUrl: string;
  /**
   * Connections in the process's pool (`DATABASE_POOL_MAX`). Every replica opens its own, so a
   * deployment sizes it against the server's max_connections (two replicas of four services at
   * the defaults already take 80 of Postgres' default 100). @default the service's (10; orders 20)
   */
  databasePoolMax: number;
  /** `KAFKA_BROKERS`, comma-separated host:port. */
  kafkaBrokers: string[];
  /** Confluent-compatible base URL (`SCHEMA_REGISTRY_URL`). */
  schemaRegistryUrl: string;
  /** `CONVEYOR_TOPIC_NAMESPACE`: prefix of every topic and consumer group. @default '' */
  topicNamespace: string;
  /** @default '127.0.0.1' */
  host: string;
  /** `PORT`; each service has its own default. */
  port: number;
  /** pino level (`LOG_LEVEL`). @default 'info' */
  logLevel: LogLevel;
  /** How callers' bearer tokens are checked (JWT_*); the development secret only on loopback. */
  jwt: JwtSettings;
  /**
   * Base URLs of the services whose admin APIs this one's admin views join (`ADMIN_PEER_URLS`,
   * comma-separated; orders asks the saga participants about a saga's messages). @default none
   */
  adminPeerUrls?: string[];
}

export interface ServiceConfigDefaults {
  port: number;
  /** @default 10 */
  databasePoolMax?: number;
}

/**
 * Reads and checks the shared variables once, then the service's own through `own`; the first bad
 * one throws CONVEYOR_INVALID_ENVIRONMENT naming it and what was expected.
 */
export function loadServiceConfig(env: NodeJS.ProcessEnv, defaults: ServiceConfigDefaults): ServiceConfig;
export function loadServiceConfig<Own>(
  env: NodeJS.ProcessEnv,
  defaults: ServiceConfigDefaults,
  own: (read: EnvReader) => Own,
): ServiceConfig & Own;
export function loadServiceConfig<Own>(
  env: NodeJS.ProcessEnv,
  defaults: ServiceConfigDefaults,
  own?: (read: EnvReader) => Own,
): ServiceConfig | (ServiceConfig & Own) {
  const read = envReader(env);
  const host = read.string('HOST', '127.0.0.1');
  const shared: ServiceConfig = {
    databaseUrl: read.databaseUrl('DATABASE_URL'),
    databasePoolMax: read.positiveInteger('DATABASE_POOL_MAX', defaults.databasePoolMax ?? 10, {
      max: 1_000,
    }),
    kafkaBrokers: read.brokers('KAFKA_BROKERS'),
    schemaRegistryUrl: read.url('SCHEMA_REGISTRY_URL'),
    topicNamespace: read.topicNamespace(),
    host,
    port: read.port('PORT', defaults.port),
    logLevel: read.logLevel(),
    jwt: loadJwtSettings(env, { host }),
    adminPeerUrls: env.ADMIN_PEER_URLS ? urls(read, 'ADMIN_PEER_URLS') : [],
  };
  return own ? { ...shared, ...own(read) } : shared;
}

function urls(read: EnvReader, name: string): string[] {
  const list = read.list(name);
  const bad = list.find((url) => !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol));
  if (bad !== undefined) throw invalidEnvironment(name, 'comma-separated http(s) URLs', bad);
  return list;
}
