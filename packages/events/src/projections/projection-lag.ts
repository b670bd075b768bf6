import type { Kafka } from 'kafkajs';
import { checkpointKey } from './projection-store.ts';

/** Sums, per partition, how far the high watermark is ahead of the checkpoint. */
export async function projectionLag(
  kafka: Kafka,
  topics: string[],
  checkpoints: Map<string, bigint>,
): Promise<{ lag: bigint; partitions: { topic: string; partition: number; next: bigint; high: bigint }[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions: { topic: string; partition: number; next: bigint; high: bigint }[] = [];
    let lag = 0n;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const high = BigInt(p.high);
        const next = checkpoints.get(checkpointKey(topic, p.partition)) ?? BigInt(p.low);
        partitions.push({ topic, partition: p.partition, next, high });
        if (high > next) lag += high - next;
      }
    }
    return { lag, partitions };
  } finally {
    await admin.disconnect();
  }
}
