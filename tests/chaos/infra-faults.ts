import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type InfraEndpoints, loadInfraConfig, up } from '@conveyor/infra-local';
import pg from 'pg';
// ProcessTable is not exported by the package index: the pid files of the local infra.
import { ProcessTable } from '../../infra/local/src/processes.ts';

/** Whether the Kafka the stack uses is the local infra's broker (which this harness may restart). */
export function localKafka(infra: InfraEndpoints): boolean {
  const config = loadInfraConfig({ ...process.env, KAFKA_BROKERS: '' });
  const table = new ProcessTable(join(config.cacheDir, 'run'));
  return (
    table.running('kafka') !== undefined &&
    infra.kafkaBrokers.length === 1 &&
    infra.kafkaBrokers[0] === `127.0.0.1:${config.kafka.port}`
  );
}

/**
 * Stops the local broker (SIGTERM, SIGKILL after 15 s), waits, and starts it again with `up()`.
 * Returns how long the stop and the start took: on a busy machine they, not the wait, make the
 * outage.
 */
export async function restartKafka(downMs: number): Promise<{ stopMs: number; startMs: number }> {
  const config = loadInfraConfig({ ...process.env, KAFKA_BROKERS: '' });
  const table = new ProcessTable(join(config.cacheDir, 'run'));
  const stopping = Date.now();
  await table.stop('kafka');
  const stopMs = Date.now() - stopping;
  await sleep(downMs);
  const starting = Date.now();
  await up(config);
  return { stopMs, startMs: Date.now() - starting };
}

/** Ends every connection to the service's database (except ours): pg_terminate_backend. */
export async function terminateBackends(serverUrl: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}
