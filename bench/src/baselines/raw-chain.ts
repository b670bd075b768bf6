import { ensureTopics } from '@conveyor/events';
import type { InfraEndpoints } from '@conveyor/infra-local';
import { createTestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { formatCount, type Progress } from '../measure/progress.ts';
import { RELAY_PRODUCER } from './raw-kafka.ts';

/** A 3-step saga's chain: its start, then a command and a reply per step, each one commit. */
export const CHAIN_HOPS = 6;

/**
 * The floor under a saga's latency with raw clients: a commit, then six times "produce (acks -1,
 * the relay's producer settings) → a consumer receives it → a single-row commit", one after the
 * other: the 7 commits and 6 Kafka hops of a 3-step saga with no outbox, no relay, no inbox and no
 * saga state. Returns each chain's milliseconds.
 */
export async function rawChainLatencies(
  infra: InfraEndpoints,
  chains: number,
  progress: Progress,
): Promise<number[]> {
  const database = await createTestDatabase(infra.databaseUrl, 'bench_chain');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const kafka = new Kafka({
    clientId: 'bench-chain',
    brokers: infra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueName('bench.chain');
  const producer = kafka.producer(RELAY_PRODUCER);
  const consumer = kafka.consumer({ groupId: uniqueName('bench-chain'), maxWaitTimeInMs: 1_000 });
  const waiting = new Map<number, () => void>();
  try {
    await pool.query(
      'CREATE TABLE hops (chain int NOT NULL, hop int NOT NULL, at timestamptz NOT NULL DEFAULT now())',
    );
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const send = (chain: number, hop: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: [{ key: String(chain), value: JSON.stringify({ chain, hop }) }],
      });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { chain, hop } = JSON.parse(String(message.value)) as { chain: number; hop: number };
        await pool.query('INSERT INTO hops (chain, hop) VALUES ($1, $2)', [chain, hop]);
        if (hop < CHAIN_HOPS) await send(chain, hop + 1);
        else waiting.get(chain)?.();
      },
    });
    const runChain = async (chain: number) => {
      const done = new Promise<void>((resolve) => waiting.set(chain, resolve));
      const began = performance.now();
      await pool.query('INSERT INTO hops (chain, hop) VALUES ($1, 0)', [chain]);
      await send(chain, 1);
      await done;
      return performance.now() - began;
    };
    await runChain(-1); // waits for the group join and warms the connections
    const latencies: number[] = [];
    for (let chain = 0; chain < chains; chain++) {
      latencies.push(await runChain(chain));
      progress.update(`raw chains ${formatCount(chain + 1)}/${formatCount(chains)}`);
    }
    return latencies;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await pool.end();
    await database.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
  }
}
