import { envReader, invalidEnvironment, type JwtSettings, loadJwtSettings } from '@conveyor/http';
import type { CreateOrderStepTiming } from './application/create-order.saga.ts';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from './application/idempotency-keys.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface OrdersConfig {
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** Prefix of every topic name (CONVEYOR_TOPIC_NAMESPACE). @default '' */
  topicNamespace: string;
  host: string;
  port: number;
  /** @default 'info' */
  logLevel: LogLevel;
  /** How callers' bearer tokens are verified (JWT_* variables). */
  jwt: JwtSettings;
  /**
   * How patient each create-order step is: resent after ORDERS_SAGA_RESEND_INITIAL_MS (@default
   * 2000), doubling to ORDERS_SAGA_RESEND_MAX_MS (@default 30000), until ORDERS_SAGA_STEP_DEADLINE_MS
   * (@default 600000, 10 min) has passed without a reply; only then is the order cancelled.
   */
  sagaStepTiming: CreateOrderStepTiming;
  /** How long an Idempotency-Key is remembered for its caller (ORDERS_IDEMPOTENCY_KEY_TTL). @default 86400 */
  idempotencyKeyTtlSeconds: number;
}

/** A year: enough for any retry policy or business deadline, and far from dates Postgres cannot store. */
const A_YEAR_SECONDS = 365 * 24 * 3600;

/** Reads and checks the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  const read = envReader(env);
  const host = read.string('HOST', '127.0.0.1');
  return {
    databaseUrl: read.url('DATABASE_URL'),
    kafkaBrokers: read.list('KAFKA_BROKERS'),
    schemaRegistryUrl: read.url('SCHEMA_REGISTRY_URL'),
    topicNamespace: namespace(env.CONVEYOR_TOPIC_NAMESPACE),
    host,
    port: read.port('PORT', 3002),
    logLevel: logLevel(env.LOG_LEVEL),
    jwt: loadJwtSettings(env, { host }),
    sagaStepTiming: sagaStepTiming(env),
    idempotencyKeyTtlSeconds: wholeNumber(env, 'ORDERS_IDEMPOTENCY_KEY_TTL', {
      fallback: DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
      max: A_YEAR_SECONDS,
      unit: 'seconds',
    }),
  };
}

function sagaStepTiming(env: NodeJS.ProcessEnv): CreateOrderStepTiming {
  const ms = (name: string, fallback: number) =>
    wholeNumber(env, name, { fallback, max: A_YEAR_SECONDS * 1000, unit: 'milliseconds' });
  const initialDelayMs = ms('ORDERS_SAGA_RESEND_INITIAL_MS', 2_000);
  const maxDelayMs = ms('ORDERS_SAGA_RESEND_MAX_MS', 30_000);
  if (maxDelayMs < initialDelayMs)
    throw invalidEnvironment(
      'ORDERS_SAGA_RESEND_MAX_MS',
      `at least ORDERS_SAGA_RESEND_INITIAL_MS (${initialDelayMs})`,
      String(maxDelayMs),
    );
  return {
    resend: { initialDelayMs, maxDelayMs },
    deadlineMs: ms('ORDERS_SAGA_STEP_DEADLINE_MS', 10 * 60_000),
  };
}

function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  range: { fallback: number; max: number; unit: string },
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return range.fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > range.max)
    throw invalidEnvironment(name, `a whole number of ${range.unit} from 1 to ${range.max} (a year)`, raw);
  return value;
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
