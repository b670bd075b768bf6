import { deadLetterTopic } from '@conveyor/events';
import type { Kafka } from 'kafkajs';

export interface DeadLetterTopic {
  topic: string;
  /** Messages the topic holds now (high minus low watermark, summed over its partitions). */
  count: number;
}

/** The `.dlq` of each topic, with how many dead letters each holds; topics not created yet are left out. */
export async function deadLetterTopicsOf(
  kafka: Kafka,
  topics: readonly string[],
): Promise<DeadLetterTopic[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [...new Set(topics.map(deadLetterTopic))].filter((t) => existing.has(t)).sort();
    return await Promise.all(
      wanted.map(async (topic) => ({
        topic,
        count: (await admin.fetchTopicOffsets(topic)).reduce(
          (sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)),
          0,
        ),
      })),
    );
  } finally {
    await admin.disconnect();
  }
}
