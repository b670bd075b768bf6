import { envReader, invalidEnvironment, type JwtSettings, loadJwtSettings } from '@conveyor/http';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from './application/idempotency-keys.ts';

export interface OrdersConfig {
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** Prefix of every topic name. @default '' */
  topicNamespace: string;
  host: string;
  port: number;
  /** How callers' bearer tokens are verified (JWT_* variables). */
  jwt: JwtSettings;
  /** How long a saga step waits for its participant before resending. @default 10000 */
  sagaStepTimeoutMs: number;
  /** How long an Idempotency-Key is remembered for its caller (ORDERS_IDEMPOTENCY_KEY_TTL). @default 86400 */
  idempotencyKeyTtlSeconds: number;
}

/** A year: enough for any retry policy, and far from dates Postgres cannot store. */
const MAX_IDEMPOTENCY_KEY_TTL_SECONDS = 365 * 24 * 3600;

/** Reads and checks the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  const read = envReader(env);
  const host = read.string('HOST', '127.0.0.1');
  return {
    databaseUrl: read.url('DATABASE_URL'),
    kafkaBrokers: read.list('KAFKA_BROKERS'),
    schemaRegistryUrl: read.url('SCHEMA_REGISTRY_URL'),
    topicNamespace: env.CONVEYOR_TOPIC_NAMESPACE ?? '',
    host,
    port: read.port('PORT', 3002),
    jwt: loadJwtSettings(env, { host }),
    sagaStepTimeoutMs: read.port('ORDERS_SAGA_STEP_TIMEOUT_MS', 10_000),
    idempotencyKeyTtlSeconds: idempotencyKeyTtl(env),
  };
}

function idempotencyKeyTtl(env: NodeJS.ProcessEnv): number {
  const name = 'ORDERS_IDEMPOTENCY_KEY_TTL';
  const raw = env[name];
  if (raw === undefined || raw === '') return DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_IDEMPOTENCY_KEY_TTL_SECONDS)
    throw invalidEnvironment(
      name,
      `a whole number of seconds from 1 to ${MAX_IDEMPOTENCY_KEY_TTL_SECONDS} (a year)`,
      raw,
    );
  return value;
}
