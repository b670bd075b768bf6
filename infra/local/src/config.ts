import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfraError } from './errors.ts';

/** Where each part comes from and how it is run. Built once by {@link loadInfraConfig}. */
export interface InfraConfig {
  /** Repository root (holds infra/local/pom.xml). */
  rootDir: string;
  /** Ignored cache folder for jars, data, logs and pid files. @default <root>/.infra */
  cacheDir: string;
  kafka: {
    /** Brokers of an external Kafka (KAFKA_BROKERS); when set nothing local is started. */
    external: string[] | undefined;
    /** @default 19092 (avoids a developer's own 9092) */
    port: number;
    /** @default 19093 */
    controllerPort: number;
    /** @default 384 */
    heapMb: number;
  };
  registry: {
    /** Base URL of an external Confluent-compatible registry (SCHEMA_REGISTRY_URL). */
    external: string | undefined;
    /** @default 18081 */
    port: number;
    /** @default 256 */
    heapMb: number;
  };
  postgres: {
    /** DATABASE_URL: used as is when set. */
    external: string | undefined;
    /** The machine's own server, tried next. @default postgres://postgres@127.0.0.1:5432/postgres */
    machineUrl: string;
    /** Force the embedded server even when the machine's answers (CONVEYOR_POSTGRES=embedded). */
    forceEmbedded: boolean;
    /** @default 15432 */
    embeddedPort: number;
  };
  zipkin: {
    /** Base URL of an external Zipkin (ZIPKIN_URL); when set nothing local is started. */
    external: string | undefined;
    /** @default 19411 (beside Zipkin's own 9411) */
    port: number;
    /** @default 160 */
    heapMb: number;
    /** Spans kept in memory before the oldest traces are dropped. @default 100000 */
    maxSpans: number;
  };
  /** How long one part may take to answer after it was started. @default 90000 */
  startTimeoutMs: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** Reads the environment once, validates it and names the variable on any mistake. */
export function loadInfraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const rootDir = resolve(here, '../../..');
  return {
    rootDir,
    cacheDir: resolve(rootDir, env.CONVEYOR_INFRA_DIR ?? '.infra'),
    kafka: {
      external: parseBrokers(env.KAFKA_BROKERS),
      port: parsePort(env, 'CONVEYOR_KAFKA_PORT', 19092),
      controllerPort: parsePort(env, 'CONVEYOR_KAFKA_CONTROLLER_PORT', 19093),
      heapMb: parsePositive(env, 'CONVEYOR_KAFKA_HEAP_MB', 384),
    },
    registry: {
      external: parseUrl(env, 'SCHEMA_REGISTRY_URL'),
      port: parsePort(env, 'CONVEYOR_REGISTRY_PORT', 18081),
      heapMb: parsePositive(env, 'CONVEYOR_REGISTRY_HEAP_MB', 256),
    },
    postgres: {
      external: parseUrl(env, 'DATABASE_URL'),
      machineUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      forceEmbedded: parseChoice(env, 'CONVEYOR_POSTGRES', ['auto', 'embedded'], 'auto') === 'embedded',
      embeddedPort: parsePort(env, 'CONVEYOR_EMBEDDED_PG_PORT', 15432),
    },
    zipkin: {
      external: parseUrl(env, 'ZIPKIN_URL'),
      port: parsePort(env, 'CONVEYOR_ZIPKIN_PORT', 19411),
      heapMb: parsePositive(env, 'CONVEYOR_ZIPKIN_HEAP_MB', 160),
      maxSpans: parsePositive(env, 'CONVEYOR_ZIPKIN_MAX_SPANS', 100_000),
    },
    startTimeoutMs: parsePositive(env, 'CONVEYOR_INFRA_TIMEOUT_MS', 90_000),
  };
}

function badConfig(name: string, expected: string, got: string): InfraError {
  return new InfraError('INFRA_BAD_CONFIG', `${name} must be ${expected}; got "${got}"`, { part: 'config' });
}

function parseBrokers(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const brokers = raw.split(',').map((b) => b.trim());
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw badConfig('KAFKA_BROKERS', 'a comma-separated list of host:port', raw);
  }
  return brokers;
}

function parseUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    new URL(raw);
  } catch {
    throw badConfig(name, 'a URL', raw);
  }
  return raw.replace(/\/+$/, '');
}

function parsePositive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw badConfig(name, 'a positive integer', raw);
  return value;
}

function parsePort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = parsePositive(env, name, fallback);
  if (value > 65535) throw badConfig(name, 'a port number (1-65535)', String(value));
  return value;
}

function parseChoice<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const choice = choices.find((c) => c === raw);
  if (choice === undefined) throw badConfig(name, `one of ${choices.join(', ')}`, raw);
  return choice;
}
