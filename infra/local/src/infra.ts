import { join } from 'node:path';
import { type InfraConfig, loadInfraConfig } from './config.ts';
import { kafkaStatus, upKafka } from './kafka.ts';
import { withFileLock } from './lock.ts';
import type { PartStatus, StartedPart } from './part.ts';
import { postgresStatus, upPostgres } from './postgres.ts';
import { ProcessTable, tailFile } from './processes.ts';
import { schemaRegistryStatus, upSchemaRegistry } from './schema-registry.ts';
import { upZipkin, zipkinStatus } from './zipkin.ts';

/** Where the running infra answers. */
export interface InfraEndpoints {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** A server URL (database `postgres`); each service and test creates its own database on it. */
  databaseUrl: string;
  /** Zipkin's base URL, when tracing was asked for. */
  zipkinUrl?: string;
}

export interface UpOptions {
  /** Also bring up Zipkin, the trace viewer (the local one, or ZIPKIN_URL). @default false */
  tracing?: boolean;
}

export interface UpResult {
  endpoints: InfraEndpoints;
  parts: StartedPart[];
  /** Names of the parts this call started: the ones its caller should stop. */
  startedNow: string[];
}

/**
 * Local parts in the order `down` stops them (the registry needs Postgres, so it goes first).
 * Zipkin is optional: `up` starts it only with `tracing`.
 */
export const PART_NAMES = ['zipkin', 'schema-registry', 'kafka', 'postgres'] as const;

function processTable(config: InfraConfig): ProcessTable {
  return new ProcessTable(join(config.cacheDir, 'run'));
}

/**
 * Brings every part up, reusing what already runs. Idempotent; safe to call concurrently.
 * On failure, stops what this call started and rethrows the part's InfraError.
 */
export async function up(
  config: InfraConfig = loadInfraConfig(),
  options: UpOptions = {},
): Promise<UpResult> {
  const table = processTable(config);
  return withFileLock(join(config.cacheDir, 'run', 'up.lock'), config.startTimeoutMs * 3, async () => {
    const parts: StartedPart[] = [];
    try {
      const postgres = await upPostgres(config, table);
      parts.push(postgres);
      // Kafka, the registry and Zipkin are independent JVMs: starting them side by side halves the wait.
      const settled = await Promise.allSettled([
        upKafka(config, table),
        upSchemaRegistry(config, table, postgres.address),
        ...(options.tracing ? [upZipkin(config, table)] : []),
      ]);
      for (const result of settled) if (result.status === 'fulfilled') parts.push(result.value);
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    } catch (error) {
      for (const part of parts.filter((p) => p.started)) await table.stop(part.name, 5_000);
      throw error;
    }
    const byName = (name: string) => parts.find((p) => p.name === name)?.address ?? '';
    return {
      endpoints: {
        kafkaBrokers: byName('kafka').split(','),
        schemaRegistryUrl: byName('schema-registry'),
        databaseUrl: byName('postgres'),
        ...(options.tracing ? { zipkinUrl: byName('zipkin') } : {}),
      },
      parts,
      startedNow: parts.filter((p) => p.started).map((p) => p.name),
    };
  });
}

/** Stops the named local parts (all by default): SIGTERM, then SIGKILL after the grace period. */
export async function down(config: InfraConfig = loadInfraConfig(), names: readonly string[] = PART_NAMES) {
  const table = processTable(config);
  const stopped: string[] = [];
  for (const name of PART_NAMES.filter((n) => names.includes(n))) {
    if (await table.stop(name)) stopped.push(name);
  }
  return stopped;
}

export async function status(config: InfraConfig = loadInfraConfig()): Promise<PartStatus[]> {
  const table = processTable(config);
  return Promise.all([
    postgresStatus(config, table),
    kafkaStatus(config, table),
    schemaRegistryStatus(config, table),
    zipkinStatus(config, table),
  ]);
}

/** The last lines of each local part's log. */
export async function logs(
  config: InfraConfig = loadInfraConfig(),
  lines = 40,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const part of await status(config)) {
    if (part.logFile) out[part.name] = await tailFile(part.logFile, lines);
  }
  return out;
}

/** The environment variables that point a process at these endpoints. */
export function endpointEnv(endpoints: InfraEndpoints): Record<string, string> {
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    DATABASE_URL: endpoints.databaseUrl,
    ...(endpoints.zipkinUrl ? { ZIPKIN_URL: endpoints.zipkinUrl } : {}),
  };
}
